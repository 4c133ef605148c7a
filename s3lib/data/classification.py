"""The NACE Rev. 2 hierarchy, keyed by Eurostat-style codes.

Eurostat tables write NACE codes as the section letter followed by the digits of
the code without dots: section ``C``, division ``C10``, group ``C101``, class
``C1011``. The classification file writes ``C``, ``10``, ``10.1``, ``10.11``; both
are kept (``code`` and ``plain``).
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["LEVEL_NAMES", "build_nace", "eurostat_code"]

LEVEL_NAMES = {1: "section", 2: "division", 3: "group", 4: "class"}


def eurostat_code(plain: str, section: str) -> str:
    """``eurostat_code("10.1", "C")`` -> ``"C101"``; a section stays as it is."""
    return plain if plain.isalpha() else section + plain.replace(".", "")


def build_nace(path: Path):
    """NACE Rev. 2 table from the classification file ``Nace2_long.csv``.

    Columns: ``code`` (Eurostat style), ``plain`` (as published), ``level``
    (section/division/group/class), ``depth`` (1-4), ``section``, ``parent``
    (Eurostat style, empty for sections) and ``name`` (English label).
    """
    import pandas as pd

    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw = raw.rename(columns={raw.columns[0]: "nace2"})
    parent = dict(zip(raw["nace2"], raw["Parent"]))
    depth = raw["Level"].astype(int)

    def section_of(code: str) -> str:
        while not code.isalpha():
            code = parent[code]
        return code

    sections = raw["nace2"].map(section_of)
    codes = [eurostat_code(p, s) for p, s in zip(raw["nace2"], sections)]
    parents = [eurostat_code(parent[p], s) if parent[p] not in ("", "NA") else ""
               for p, s in zip(raw["nace2"], sections)]
    out = pd.DataFrame({
        "code": codes, "plain": raw["nace2"], "level": depth.map(LEVEL_NAMES), "depth": depth.astype("int8"),
        "section": sections, "parent": parents,
        "name": [n.capitalize() if n.isupper() else n for n in raw["Name"]],  # sections are in capitals
    })
    order = out.assign(_sub=out["depth"] > 1).sort_values(["section", "_sub", "plain"])
    return order.drop(columns="_sub").reset_index(drop=True)

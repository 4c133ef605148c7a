"""The runner's parameters, checked once, before any kernel starts.

Parameters reach a notebook from the command line (``--places``, ``--year``) or from a YAML file
(top-level values for every notebook, a ``notebooks:`` mapping of per-notebook overrides). Both roads
go through the same checks here, so a bad value is refused with one line naming the key (exit code 2)
whichever road it took:

* a key no notebook declares in its ``parameters`` cell (``yeer: 2014``) is refused, with the close
  names; keys the runner sets itself (``place``, ``places``, ``figures_dir``) cannot be given in a file;
* a value must have the type of the notebook's declaration (``year: int = 0`` takes ``2012``, not
  ``"twenty"`` nor ``2012.5``);
* notebook keys under ``notebooks:`` may be written ``01`` (YAML reads an integer): it means ``"01"``;
* the analysis year must be one with business statistics for every place (``year: 2009`` for Bordeaux
  is refused: France starts in 2010), and a scheme must be a known scheme or an existing file.
"""
from __future__ import annotations

import ast
import json
import os
from pathlib import Path

from s3lib.errors import UnknownChoiceError, UsageError

__all__ = ["RUNNER_SET", "check_places", "check_scheme", "declared", "load", "normalise_notebook_keys"]

#: Parameters the runner sets itself for every task: never taken from a parameter file.
RUNNER_SET = ("place", "places", "figures_dir")
_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "list": list, "dict": dict}
_NAMES = {int: "an integer", float: "a number", str: "a text", bool: "true or false", list: "a list",
          dict: "a mapping"}


def declared(path: Path) -> dict[str, tuple[type | None, object]]:
    """The parameters a template notebook declares: ``{name: (type or None, default)}``.

    The type is the annotation (``year: int = 0``) or, without one, the type of the default literal.
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            return _declarations(source)
    return {}


def _declarations(source: str) -> dict[str, tuple[type | None, object]]:
    out = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            kind = _TYPES.get(getattr(node.annotation, "id", None))
            out[node.target.id] = (kind, _literal(node.value))
        elif isinstance(node, ast.Assign):
            value = _literal(node.value)
            kind = type(value) if type(value) in _NAMES else None
            out.update({t.id: (kind, value) for t in node.targets if isinstance(t, ast.Name)})
    return out


def _literal(node):
    try:
        return ast.literal_eval(node) if node is not None else None
    except ValueError:
        return None


def load(path: str | os.PathLike | None) -> dict:
    """The parameter file as a mapping (``{}`` without a file); one-line usage errors otherwise."""
    if not path:
        return {}
    import yaml

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"parameter file {str(path)!r} not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UsageError(f"parameter file {str(path)!r} is not valid YAML: {exc}".splitlines()[0]) from None
    except OSError as exc:
        raise UsageError(f"cannot read parameter file {str(path)!r}: {exc.strerror}") from None
    if not isinstance(data, dict):
        raise UsageError(f"parameter file {str(path)!r} must hold a mapping of names to values")
    if not all(isinstance(k, str) for k in data):
        bad = next(k for k in data if not isinstance(k, str))
        raise UsageError(f"parameter file {str(path)!r}: the key {bad!r} is not a name")
    return data


def normalise_notebook_keys(per_notebook, source: str) -> dict[str, dict]:
    """The ``notebooks:`` mapping with string keys (``1`` -> ``"01"``, as YAML reads ``01``) and mapping values."""
    if per_notebook in (None, {}):
        return {}
    if not isinstance(per_notebook, dict):
        raise UsageError(f"{source}: 'notebooks' must map notebook names to parameters, e.g. notebooks: {{'01': "
                         "{year: 2012}}")
    out = {}
    for key, values in per_notebook.items():
        name = f"{key:02d}" if isinstance(key, int) and not isinstance(key, bool) and 0 <= key < 100 else key
        if not isinstance(name, str):
            raise UsageError(f"{source}: notebook key {key!r} is not a notebook name or number such as '01'")
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise UsageError(f"{source}: notebooks.{name} must be a mapping of parameters, not {values!r}"[:200])
        out[name] = values
    return out


def check_values(values: dict, allowed: dict[str, tuple[type | None, object]], where: str) -> None:
    """Refuse unknown keys, runner-set keys and values of the wrong type (one line naming the key)."""
    for key, value in values.items():
        if key in RUNNER_SET:
            flag = "the runner sets it: S3LIB_FIGURES_DIR" if key == "figures_dir" else "use --places"
            raise UsageError(f"{where}: {key!r} cannot be set in a parameter file ({flag})")
        if key not in allowed:
            raise UnknownChoiceError(f"parameter in {where}", key, sorted(k for k in allowed if k not in RUNNER_SET),
                                     hint="the names the notebooks declare in their parameters cells")
        kind = allowed[key][0]
        if kind is not None and not _is(value, kind):
            raise UsageError(f"{where}: {key!r} must be {_NAMES[kind]}, not {_short(value)}")


def _is(value, kind: type) -> bool:
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_places(places, year: int | None = None) -> None:
    """Refuse places (NUTS2 or NUTS3 :class:`~s3lib.data.Place` objects) whose NUTS2 region has no business
    statistics in any year (outside the EU28 and Norway), and, with ``year``, a year out of range or without data
    for one of them; the message names the years that have data."""
    from s3lib import data

    if year is not None:
        data.employment(level=0, year=year)  # the years of the business statistics: a UsageError otherwise
    covered = data.coverage(level=2, indicator="persons")
    by_region = covered.groupby("region")["year"].agg(lambda s: sorted(int(y) for y in s))
    for p in places:
        code = p.code if p.level == 2 else getattr(p, "nuts2", None) or p.code
        region, _ = data.data_region(code, by_region.index)
        years = by_region.get(region, [])
        if not years:
            raise UsageError(f"{p.name} ({p.code}) has no business statistics: they cover the EU28 and Norway")
        if year is not None and int(year) not in years:
            raise UsageError(f"no business statistics for {region} ({p.name}) in {int(year)}; years with data: "
                             f"{years[0]}-{years[-1]}")


def check_scheme(scheme: str) -> None:
    """Refuse a scheme that is neither a known name nor an existing CSV/YAML file."""
    from s3lib.study import schemes

    if str(scheme).lower() in schemes.SCHEMES:
        return
    if Path(scheme).suffix.lower() in (".csv", ".yaml", ".yml"):
        if not Path(scheme).is_file():
            raise UsageError(f"scheme file {scheme!r} not found")
        schemes.from_file(scheme)  # its rows and codes are checked now, not in a notebook's third cell
        return
    raise UnknownChoiceError("scheme", scheme, schemes.SCHEMES, hint="or a CSV/YAML mapping file")

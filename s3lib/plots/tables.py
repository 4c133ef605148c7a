"""Tables for people: what a data frame looks like in a report, a slide or a gallery page.

A raw data frame shows its code: ``snake_case`` headers, ``True``/``False`` columns, ``0.465000`` and
``40533.000000``. :func:`for_people` gives the same table as people read it: plain-language headers
(``rests_on_apportioning`` -> "Rests on apportioning", a few abbreviations kept upper case: LQ, RCA, ECI,
PCI, NACE, EU), yes/no instead of True/False, thousands separators, no trailing zeros, a dash for missing
values. :func:`show_tables_for_people` makes it the HTML form of every data frame a notebook displays
(IPython's HTML formatter; a notebook's own styled tables keep their number formats and get people's headers),
so the reports, slides and gallery pages show people's tables without each notebook formatting each table.

>>> import pandas as pd
>>> t = for_people(pd.DataFrame({"employment_lo": [40533.0, -3661.0], "density": [0.465, 0.1], "ok": [True, False]}))
>>> t.to_html().count("40,533"), "0.465000" in t.to_html(), "Employment low" in t.to_html(), "yes" in t.to_html()
(1, False, True, True)
"""
from __future__ import annotations

import math
import re

__all__ = ["for_people", "header", "number", "show_tables_for_people"]

#: Words kept as written in headers (abbreviations people know).
ABBREVIATIONS = {"lq": "LQ", "rca": "RCA", "eci": "ECI", "pci": "PCI", "nace": "NACE", "eu": "EU", "nuts": "NUTS",
                 "ris3": "RIS3", "id": "ID", "kibs": "KIBS", "ict": "ICT", "gdp": "GDP", "pps": "PPS", "us": "US",
                 "cmp": "CMP", "pct": "percentile", "lo": "low", "hi": "high", "n": "n"}


def header(name) -> str:
    """``"rests_on_apportioning"`` -> ``"Rests on apportioning"``; ``"lq_2014"`` -> ``"LQ 2014"``; other labels
    (already words, numbers) as they are."""
    text = str(name)
    if not re.fullmatch(r"[a-z0-9_]+", text) or not re.search(r"[a-z]", text):
        return text
    words = [ABBREVIATIONS.get(w, w.upper() if re.fullmatch(r"nuts\d", w) else w) for w in text.split("_") if w]
    if not words:
        return text
    first = words[0] if words[0] != words[0].lower() else words[0][:1].upper() + words[0][1:]
    return " ".join([first, *words[1:]])


def number(value) -> str:
    """A number as people read it: thousands separators from 1,000; three significant digits below 100 (no
    trailing zeros); a dash for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        try:
            value = float(value)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) >= 0.001 else f"{value:.1e}"


def _cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    try:
        import numpy as np

        if isinstance(value, np.bool_):
            return "yes" if bool(value) else "no"
        if isinstance(value, (np.integer, np.floating)):
            return number(value.item())
    except ImportError:  # pragma: no cover - numpy comes with pandas
        pass
    if isinstance(value, (int, float)):
        return number(value)
    if value is None:
        return "–"
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return "–"
    except ImportError:  # pragma: no cover
        pass
    return str(value)


def for_people(df):
    """A pandas ``Styler`` of ``df`` with people's headers, numbers and yes/no (escaped: a name never becomes
    markup). Row labels stay as they are unless they are a plain range (hidden then)."""
    import pandas as pd

    shown = df.copy()
    shown.columns = [header(c) if not isinstance(c, tuple) else " · ".join(header(x) for x in c) for c in shown.columns]
    if shown.index.name:
        shown.index = shown.index.rename(header(shown.index.name))
    styler = shown.style.format(_cell, escape="html", na_rep="–").format_index(escape="html", axis=0)
    styler = styler.format_index(escape="html", axis=1)
    if isinstance(df.index, pd.RangeIndex):
        styler = styler.hide(axis="index")
    return styler


def _html(df) -> str:
    if len(df) > 200 or df.shape[1] > 40:  # a frame that big is data, not a table to read: pandas' own form
        return df._repr_html_()
    return for_people(df).to_html()


def show_tables_for_people(ip=None) -> None:
    """Make :func:`for_people` the HTML form of every data frame displayed in this IPython session (the
    notebooks call it once after their imports). Outside IPython it does nothing."""
    if ip is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return
        ip = get_ipython()
    if ip is None:
        return
    import pandas as pd
    from pandas.io.formats.style import Styler

    formatter = ip.display_formatter.formatters["text/html"]
    formatter.for_type(pd.DataFrame, _html)
    formatter.for_type(Styler, _styled)


def _styled(styler) -> str:
    """A notebook's own styled table (its number formats kept): people's headers, yes/no, labels escaped."""
    data = styler.data
    flags = [c for c in data.columns if data[c].map(lambda v: isinstance(v, bool) or v is None or v != v).all()
             and data[c].map(lambda v: isinstance(v, bool)).any()]
    if flags:
        styler.format(lambda v: ("yes" if v else "no") if isinstance(v, bool) else "–", subset=flags)
    styler.format_index(header, axis=1, escape="html")
    styler.format_index(lambda v: _cell(v) if not isinstance(v, str) else v, axis=0, escape="html")
    return styler.to_html()

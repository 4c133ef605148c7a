"""Imported once by the runner's forkserver, so that its worker processes start with
papermill and nbconvert already imported (each would otherwise import them: ~1.5 s).

nbformat imports jsonschema, which imports the optional ``rfc3987_syntax`` (a grammar
compiled at import: 2.3 s of CPU on the development machine) only to check IRI formats,
which notebook schemas do not use. The runner's processes skip it.
"""
import sys

sys.modules.setdefault("rfc3987_syntax", None)

import nbconvert  # noqa: F401
import papermill  # noqa: F401

"""A tiny template notebook written by the tests of the runner: a parameters cell, one code cell."""
from __future__ import annotations

import nbformat


def notebook(path, parameters: str, body: str, scope: str | None = None):
    """Write a notebook with a ``parameters`` cell and ``body`` to ``path`` (``scope="suite"``: run once for all
    places); return ``path``."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    if scope:
        nb.metadata["s3lib"] = {"scope": scope}
    nbformat.write(nb, str(path))
    return path

"""Atomic file writes: a reader never sees a half-written file under its final name.

Every file s3lib writes (snapshot tables, figures, cards, executed notebooks, pages) is written
to a temporary sibling first and moved into place with :func:`os.replace`, which is atomic on
one file system. On an error the temporary file is removed and the previous file, if any, stays.

Examples
--------
>>> import pathlib, tempfile
>>> target = pathlib.Path(tempfile.mkdtemp()) / "table.txt"
>>> with atomic_write(target) as tmp:
...     _ = tmp.write_text("done")
>>> target.read_text()
'done'
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_write", "atomic_writes", "sibling", "swap_dir", "write_parquet"]


def sibling(final: Path, suffix: str = "") -> Path:
    """A new, empty temporary file next to ``final`` (same folder, hidden name, readable by all)."""
    final = Path(final)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.stem}.", suffix=suffix or final.suffix or ".tmp", dir=final.parent)
    os.close(fd)
    os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are for everyone to read
    return Path(tmp)


@contextmanager
def atomic_write(final: Path):
    """Yield a temporary path next to ``final``; move it to ``final`` when the block succeeds.

    The parent folder is created if needed. If the block raises, the temporary file is removed
    and ``final`` is left as it was.
    """
    with atomic_writes([final]) as (tmp,):
        yield tmp


@contextmanager
def atomic_writes(finals):
    """:func:`atomic_write` for several files at once: yield one temporary sibling per final path; only when
    the block succeeds are they moved into place, one rename after the other. A failure while writing
    leaves every final file as it was; only a crash between two renames could leave a set mixed (the data
    manifest's checksums catch that on the next read)."""
    finals = [Path(f) for f in finals]
    temps = []
    try:
        for final in finals:
            final.parent.mkdir(parents=True, exist_ok=True)
            temps.append(sibling(final))
        yield temps
        for tmp, final in zip(temps, finals):
            os.replace(tmp, final)
    finally:
        for tmp in temps:
            tmp.unlink(missing_ok=True)


def swap_dir(new: Path, out: Path) -> None:
    """Replace the folder ``out`` by the complete folder ``new`` with two renames (the old one is removed
    afterwards), so a reader sees either the previous folder or the new one, never a half-built one."""
    import shutil

    new, out = Path(new), Path(out)
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(new, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_parquet(df, path: Path, compression: str | None = "zstd") -> None:
    """Write ``df`` (no index) to ``path`` through a temporary sibling file (:func:`atomic_write`)."""
    with atomic_write(Path(path)) as tmp:
        df.to_parquet(tmp, index=False, compression=compression)

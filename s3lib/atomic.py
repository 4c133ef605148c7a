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

__all__ = ["atomic_write", "atomic_writes", "check_output_dir", "clean_leftovers", "pid_tag", "refuse_links", "sibling", "swap_dir",
           "write_parquet"]


def pid_tag() -> str:
    """``"pid<N>-"``: put in a temporary name, it lets a later run tell a leftover of a killed process
    (:func:`clean_leftovers`) from the work in progress of a live one."""
    return f"pid{os.getpid()}-"


def clean_leftovers(folder: Path, pattern: str) -> list[Path]:
    """Remove the files and folders matching ``pattern`` in ``folder`` that a process now dead left there
    (their names carry :func:`pid_tag`) and that belong to this user; return what was removed. Links are
    removed, never followed."""
    import re
    import shutil

    removed = []
    folder = Path(folder)
    if not folder.is_dir():
        return removed
    for path in folder.glob(pattern):
        match = re.search(r"pid(\d+)-", path.name)
        try:
            if not match or path.lstat().st_uid != os.getuid() or _alive(int(match.group(1))):
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def check_output_dir(path: Path, what: str = "--out") -> None:
    """Refuse, before any work starts, an output folder that cannot be written: one that is a file, lies
    below a file, or whose nearest existing folder (the folder itself or, as it is replaced whole or
    created, a parent) is not writable. One :class:`~s3lib.errors.UsageError` line naming the path."""
    from s3lib.errors import UsageError

    path = Path(path).absolute()
    if path.exists() and not path.is_dir():
        raise UsageError(f"{what} {path} is a file, not a folder: give a folder")
    probe = path if path.exists() else path.parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise UsageError(f"{what} {path}: {probe} is a file, not a folder: give a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UsageError(f"{what} {path}: {probe} is not writable: choose a folder you can write to")
    if path.exists() and not os.access(path.parent, os.W_OK | os.X_OK):
        raise UsageError(f"{what} {path}: {path.parent} is not writable: choose a folder you can write to")


def refuse_links(path: Path, root: Path) -> None:
    """Refuse, with one :class:`~s3lib.errors.UsageError` line, a path below ``root`` that runs through a
    symbolic link (a folder on the way or the file itself): no write follows a link out of the output folders.
    ``root`` itself is the user's choice and is not checked."""
    from s3lib.errors import UsageError

    path, root = Path(path), Path(root)
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        raise UsageError(f"{path} is not inside the output folder {root}") from None
    current = root
    for part in parts:
        current = current / part
        if current.is_symlink():
            raise UsageError(f"refusing to write through the symbolic link {current}: remove it and run again")


def sibling(final: Path, suffix: str = "") -> Path:
    """A new, empty temporary file next to ``final`` (same folder, hidden name with this process's
    :func:`pid_tag`, readable by all; created exclusively, so never through a planted link)."""
    final = Path(final)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.stem}.{pid_tag()}", suffix=suffix or final.suffix or ".tmp",
                               dir=final.parent)
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

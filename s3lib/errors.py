"""Exceptions with short, actionable messages.

The CLI turns every :class:`S3libError` into a one-line message on stderr
(exit code 2 for usage errors, 1 for data errors) instead of a traceback.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["DataError", "InputError", "S3libError", "UnknownChoiceError", "UsageError", "error_line", "shorten",
           "suggest"]


class S3libError(Exception):
    """Base class of every error s3lib raises on purpose."""

    exit_code = 1


class UsageError(S3libError, ValueError):
    """Bad input from the user: an unknown place, a year out of range, a bad option."""

    exit_code = 2


class InputError(UsageError, TypeError):
    """An argument of the wrong kind: an array where a labelled DataFrame is expected, text where numbers are."""


class DataError(S3libError):
    """A data file is missing, corrupt or does not match the manifest."""

    exit_code = 1


class UnknownChoiceError(UsageError, LookupError):
    """A value that is not among the valid choices; the message lists suggestions."""

    def __init__(self, what: str, value: object, choices: Iterable[str], hint: str | None = None):
        choices = [str(c) for c in choices]
        self.what, self.value, self.choices = what, value, choices
        close = suggest(str(value)[:200], choices)
        msg = f"unknown {what} {shorten(repr(value), 80)}"
        if close:
            msg += f"; did you mean {', '.join(repr(c) for c in close)}?"
        elif choices and len(choices) <= 12:
            msg += f"; valid choices: {', '.join(choices)}"
        if hint:
            msg += f"; {hint}" if not close and not 0 < len(choices) <= 12 else f" ({hint})"
        self.suggestions = close
        super().__init__(msg)


def shorten(text: str, limit: int = 600) -> str:
    """``text`` on one line and at most ``limit`` characters (cut with "..."): an error never floods a terminal.

    >>> shorten("x" * 10, 8)
    'xxxxx...'
    """
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def suggest(value: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` close matches of ``value`` among ``choices`` (case-insensitive)."""
    choices = list(choices)
    lowered = {c.lower(): c for c in choices}
    hits = difflib.get_close_matches(value.lower(), list(lowered), n=n, cutoff=0.6)
    return [lowered[h] for h in hits]


def error_line(exc: BaseException) -> str:
    """One line for a failure in a batch (a card, an atlas page, a notebook): the message alone for an
    :class:`S3libError` (it is written for people), the notebook's own exception for papermill's execution
    error, else ``"Type: first line"``.

    >>> error_line(UsageError("unknown place 'atlantis'"))
    "unknown place 'atlantis'"
    >>> error_line(KeyError("lq"))
    "KeyError: 'lq'"
    """
    name = getattr(exc, "ename", None)
    if name:  # papermill's PapermillExecutionError: the notebook's own exception
        value = str(getattr(exc, "evalue", "")).splitlines()
        return f"{name}: {value[0] if value else ''} (cell {getattr(exc, 'exec_count', '?')})"
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    return first if isinstance(exc, S3libError) else f"{type(exc).__name__}: {first}"

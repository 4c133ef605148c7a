"""The ``s3lib`` command line (also ``python -m s3lib``).

Each subcommand is one function that adds its parser to the subparsers and sets
``func``; :data:`SUBCOMMANDS` lists them, so a new command is one function and
one entry. Errors raised on purpose (:class:`~s3lib.errors.S3libError`) become a
one-line ``s3lib: error: ...`` message with the error's exit code (2 for usage
errors), never a traceback.
"""
from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from s3lib.errors import S3libError, UsageError, shorten

__all__ = ["SUBCOMMANDS", "build_parser", "main"]


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors raise :class:`UsageError` (one line, exit 2)."""

    def error(self, message):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _command_line(argv) -> str:
    return shlex.join(["s3lib", *argv])


# --------------------------------------------------------------------------- s3lib data ...
def _data_build(args) -> int:
    from s3lib.data import build

    manifest = build.build(raw=args.raw, out=args.out, command=args.command_line)
    _print_written(manifest, "built")
    return 0


def _data_fetch(args) -> int:
    from s3lib.data import fetch

    if args.source == "urssaf":
        return _data_fetch_urssaf(args)
    if args.territory is not None:
        raise UsageError("--territory is for `s3lib data fetch urssaf` (the French city data)")
    manifest = fetch.fetch(cache=args.cache, command=args.command_line)
    for d in manifest.get("downloads", []):
        print(f"downloaded {d['url']} -> {d['path']} ({d['bytes']:,} bytes, sha256 {d['sha256'][:12]}...)")
    _print_written(manifest, "built")
    print(f"use it with S3LIB_DATA_DIR={manifest['folder']}")
    return 0


def _data_fetch_urssaf(args) -> int:
    from s3lib.data import fetch_urssaf

    if args.territory is None:
        raise UsageError("`s3lib data fetch urssaf` needs --territory: an EPCI name as the portal writes it (a "
                         "city's métropole), an EPCI code (9 digits), a département code or name, or a commune")
    manifest = fetch_urssaf.fetch(args.territory, cache=args.cache, command=args.command_line)
    for d in manifest["downloads"]:
        print(f"downloaded {d['url']} ({d['rows']:,} rows, {d['bytes']:,} bytes, sha256 {d['sha256'][:12]}...)")
    t = manifest["territory"]
    print(f"URSSAF data for {t['name']} ({t['kind']} {t['code']})" + (f"; {t['note']}" if t.get("note") else ""))
    _print_written(manifest, "built")
    print(f"use it with S3LIB_DATA_DIR={manifest['folder']}")
    return 0


def _data_info(args) -> int:
    from s3lib import data

    print(data.info())
    return 0


def _print_written(manifest: dict, verb: str) -> None:
    total = 0
    for e in manifest["files"]:
        total += e["bytes"]
        print(f"{e['file']:<30} {e['rows']:>10,} rows {e['bytes'] / 1e6:8.2f} MB  sha256 {e['sha256'][:12]}")
    print(f"{verb} {len(manifest['files'])} files, {total / 1e6:.1f} MB, manifest.json at {manifest['built_at']}")


def _add_data(sub) -> None:
    data = sub.add_parser("data", help="build, fetch or describe the data snapshot")
    data_sub = data.add_subparsers(dest="data_command")
    build = data_sub.add_parser("build", help="rebuild data/ from ../shared/data/raw")
    build.add_argument("--raw", type=Path, default=None, help="folder of the raw public files")
    build.add_argument("--out", type=Path, default=None, help="snapshot folder (default data/)")
    build.set_defaults(func=_data_build)
    fetch = data_sub.add_parser("fetch", help="download the datasets from Eurostat and GISCO (or, with `urssaf`, "
                                "a French territory's private employment by commune x activity) and build them")
    fetch.add_argument("source", nargs="?", choices=["eurostat", "urssaf"], default="eurostat",
                       help="eurostat (default): the business statistics and geometries; urssaf: one French territory "
                            "and France's totals by APE code from open.urssaf.fr")
    fetch.add_argument("--territory", default=None,
                       help="with urssaf: an EPCI name as the portal writes it, an EPCI code, a département code "
                            "or name, or a commune (its EPCI is fetched)")
    fetch.add_argument("--cache", type=Path, default=None, help="download cache (default ~/.cache/s3lib)")
    fetch.set_defaults(func=_data_fetch)
    info = data_sub.add_parser("info", help="what is bundled: tables, provenance, licences, gaps")
    info.set_defaults(func=_data_info)
    data.set_defaults(func=lambda args: _missing(data))


def _missing(parser) -> int:
    raise UsageError(f"choose a command (see `{parser.prog} --help`)")


def _add_run(sub) -> None:
    from s3lib.runner import run

    run.add_parser(sub)


def _add_card(sub) -> None:
    from s3lib.outputs import cards

    cards.add_parser(sub)


def _add_site(sub) -> None:
    from s3lib.outputs import site

    site.add_parser(sub)


def _add_atlas(sub) -> None:
    from s3lib.outputs import atlas

    atlas.add_parser(sub)


#: One function per top-level subcommand; each adds its parser.
SUBCOMMANDS = [_add_data, _add_run, _add_card, _add_site, _add_atlas]


def build_parser() -> argparse.ArgumentParser:
    """The ``s3lib`` argument parser with every subcommand of :data:`SUBCOMMANDS`."""
    parser = _Parser(prog="s3lib", description="Cluster structure, specialised diversification and RIS3 "
                     "alignment of European cities and regions, from real Eurostat data.")
    sub = parser.add_subparsers(dest="command")
    for add in SUBCOMMANDS:
        add(sub)
    parser.set_defaults(func=lambda args: _missing(parser))
    return parser


def main(argv=None) -> int:
    """Run the command line; return the exit code (0 ok, 1 data error, 2 usage error)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        args, extra = parser.parse_known_args(argv)
        if extra:  # named with the subcommand whose help lists the valid options
            prog = " ".join(["s3lib", *(c for c in (getattr(args, "command", None), getattr(args, "data_command", None))
                                        if c)])
            raise UsageError(f"unrecognized arguments: {' '.join(extra)} (see `{prog} --help`)")
        args.command_line = _command_line(argv)
        return int(args.func(args) or 0)
    except S3libError as exc:
        print(f"s3lib: error: {shorten(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a file system problem on an output or cache path: the path and what to do
        if isinstance(exc, BrokenPipeError):
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"s3lib: error: {shorten(where + (exc.strerror or str(exc)))}; check the path and its permissions",
              file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `s3lib data info | head`
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return 0
    except KeyboardInterrupt:
        print("s3lib: interrupted", file=sys.stderr, flush=True)
        # What the interrupted work prints while the interpreter shuts down (asyncio's "Task exception was never
        # retrieved" of a kernel stopped mid-cell) would follow as a traceback: the line above says it all.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        return 130

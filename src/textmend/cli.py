"""Command-line interface: ``textmend [FILE ...]`` mends files or stdin to stdout."""
from __future__ import annotations

import argparse
import sys

from . import __version__, get_pipeline


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="textmend", description="Repair English text damaged by "
                                "machine translation and careless processing.")
    p.add_argument("paths", nargs="*", metavar="PATH", help="files to mend ('-' or none: stdin)")
    p.add_argument("-o", "--output", metavar="FILE", help="write the mended text to FILE")
    p.add_argument("--version", action="version", version=f"textmend {__version__}")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    pipeline = get_pipeline()
    paths = args.paths or ["-"]
    out = []
    try:
        for path in paths:
            if path == "-":
                data = sys.stdin.buffer.read()
            else:
                with open(path, "rb") as fh:
                    data = fh.read()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                print(f"textmend: {path}: invalid UTF-8 at byte {exc.start}", file=sys.stderr)
                return 2
            out.append(pipeline.mend(text))
    except OSError as exc:
        print(f"textmend: {exc.filename or path}: {exc.strerror}", file=sys.stderr)
        return 2
    result = "".join(out)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            fh.write(result)
    else:
        sys.stdout.write(result)
    return 0

#!/usr/bin/env python3
"""Fuzz textmend with atheris (coverage-guided, libFuzzer), or with hypothesis when atheris
is not installed.

    .venv/bin/pip install atheris                       # once (a wheel; nothing to build)
    .venv/bin/python tools/fuzz.py mend -t 300          # 5 minutes on textmend.mend
    .venv/bin/python tools/fuzz.py all -t 600           # every target, 600 s each
    .venv/bin/python tools/fuzz.py --hypothesis         # the property tests, 5,000 examples each

Targets (each checks a property; a violation is a crash that atheris saves and reports):

``mend``
    ``textmend.explain`` on any text (the input bytes decoded as UTF-8 with surrogateescape,
    as Latin-1, and as atheris' own Unicode): no exception, the edits replay to the output,
    every edit's ``original`` is the input it replaces, ``explain().text == mend()``, and
    mending the output changes nothing (idempotence).
``ftfy``
    one line of text through the encoding rules equals
    ``ftfy.fix_text(line, uncurl_quotes=False, fix_line_breaks=False)``; the cheap gates
    never skip a line ftfy would change.
``cli``
    ``textmend.cli.main`` in-process (``-j 1``), random bytes on standard input, as text and
    as JSON Lines: it must return an exit status (0, 1 or 2), never report an internal
    error, and with ``--errors surrogateescape`` give back valid output.
``io``
    the CLI's input readers (``textmend.io.decoded_chunks``, ``text_blocks``,
    ``jsonl_blocks``) on random bytes cut into random chunks: the blocks put back together
    are the decoded input; errors are ``InputError`` with a message, never a traceback.

Crashes go to ``--artifacts`` (default ``/tmp/textmend-fuzz``); replay one with
``tools/fuzz.py TARGET /tmp/textmend-fuzz/crash-…``.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
FTFY = dict(uncurl_quotes=False, fix_line_breaks=False)


# -- the properties ----------------------------------------------------------------------
def check_mend(text: str) -> None:
    import textmend

    r = textmend.explain(text)
    assert textmend.apply_edits(text, r.edits) == r.text, "edits do not replay"
    for e in r.edits:
        assert 0 <= e.start <= e.end <= len(text), f"edit out of range: {e}"
        assert text[e.start:e.end] == e.original, f"edit original is wrong: {e}"
    for f in r.flags:
        assert 0 <= f.start <= f.end <= len(text), f"flag out of range: {f}"
    assert r.text == textmend.mend(text), "explain().text != mend()"
    again = textmend.mend(r.text)
    assert again == r.text, f"not idempotent: {r.text!r} -> {again!r}"


def check_ftfy(line: str) -> None:
    import ftfy

    import textmend
    from textmend.rules import encoding

    line = line.replace("\n", " ").replace("\r", " ")
    want = ftfy.fix_text(line, **FTFY)
    got = textmend.mend(line, select=["TM101", "TM102"])
    assert got == want, f"TM1 differs from ftfy: {line!r}: {got!r} != {want!r}"
    if not encoding.needs_ftfy(line):
        assert ftfy.fix_text(line, **FTFY, unescape_html=False) == line, f"gate skipped {line!r}"


class _Stdin:
    def __init__(self, data: bytes):
        self.buffer = io.BytesIO(data)


def check_cli(data: bytes, fmt: str = "text", errors: str = "strict") -> None:
    from textmend import cli

    out, err = io.BytesIO(), io.StringIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", errors="surrogateescape", newline="")
    argv = ["-j", "1", "--isolated", "--format", fmt, "--errors", errors, "-"]
    old_in, old_out = sys.stdin, sys.stdout
    sys.stdin, sys.stdout = _Stdin(data), stdout
    try:
        with contextlib.redirect_stderr(err):
            status = cli.main(argv)
        stdout.flush()
    finally:
        sys.stdin, sys.stdout = old_in, old_out
    message = err.getvalue()
    assert status in (0, 1, 2), f"exit status {status}: {message}"
    assert "internal error" not in message and "Traceback" not in message, message
    if status == 2:
        assert message.startswith("textmend:"), f"error without a clear message: {message!r}"


def check_io(data: bytes, cuts: list[int]) -> None:
    from textmend import io as tio

    class Chunked(io.RawIOBase):
        def __init__(self):
            self.pos, self.k = 0, 0

        def readable(self):
            return True

        def readinto(self, b):
            if self.pos >= len(data):
                return 0
            n = max(1, cuts[self.k % len(cuts)] if cuts else len(data))
            self.k += 1
            piece = data[self.pos:self.pos + min(n, len(b))]
            b[:len(piece)] = piece
            self.pos += len(piece)
            return len(piece)

    for errors in ("strict", "surrogateescape"):
        try:
            chunks = list(tio.decoded_chunks(io.BufferedReader(Chunked(), 64), "<fuzz>", "utf-8", errors))
        except tio.InputError as exc:
            assert str(exc), "InputError without a message"
            continue
        text = "".join(chunks)
        assert text == data.decode("utf-8", errors), "decoded chunks lost or changed text"
        blocks = list(tio.text_blocks(iter(chunks), block_size=max(16, (cuts or [64])[0] * 8)))
        assert "".join(b.text for b in blocks) == text, "text blocks do not add up to the input"
        try:
            jblocks = list(tio.jsonl_blocks(iter(chunks)))
        except tio.InputError as exc:
            assert str(exc), "InputError without a message"
        else:
            assert all(hasattr(b, "text") for b in jblocks)


# -- atheris ---------------------------------------------------------------------------
def _texts(fdp, data: bytes):
    yield data.decode("utf-8", "surrogateescape")
    yield data.decode("latin-1")
    yield fdp.ConsumeUnicode(len(data))


def atheris_main(target: str, args: list[str]) -> None:
    import atheris

    with atheris.instrument_imports(include=["textmend", "ftfy"]):
        import ftfy  # noqa: F401

        import textmend
        from textmend import cli, io as tio  # noqa: F401
        from textmend.rules import encoding  # noqa: F401

        textmend.get_pipeline().mend("warm up")  # imports every rule module and the lexicon

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        if target == "mend":
            for text in _texts(fdp, data):
                check_mend(text)
        elif target == "ftfy":
            for text in _texts(fdp, data):
                check_ftfy(text)
        elif target == "cli":
            fmt = "jsonl" if data[:1] == b"{" else "text"
            check_cli(data, fmt, "surrogateescape" if data[-1:] == b"\xff" else "strict")
        elif target == "io":
            cuts = [b % 97 + 1 for b in data[:8]]
            check_io(data[8:], cuts)
        else:
            raise SystemExit(f"unknown target {target!r}")

    atheris.Setup([sys.argv[0], *args], one)
    atheris.Fuzz()


def run_targets(targets: list[str], seconds: int, artifacts: Path, extra: list[str]) -> int:
    """Run each target in a fresh process (libFuzzer exits on the first crash)."""
    artifacts.mkdir(parents=True, exist_ok=True)
    status = 0
    for t in targets:
        corpus = artifacts / f"corpus-{t}"
        corpus.mkdir(exist_ok=True)
        if not any(corpus.iterdir()):
            _seed(corpus, t)
        cmd = [sys.executable, __file__, t, "--worker", "--",
               f"-max_total_time={seconds}", "-max_len=4096", "-len_control=0", "-timeout=60",
               "-rss_limit_mb=4096",
               f"-artifact_prefix={artifacts}/{t}-", "-print_final_stats=1", *extra, str(corpus)]
        print(f"== fuzzing {t} for {seconds} s: {' '.join(cmd)}", flush=True)
        rc = subprocess.call(cmd)
        print(f"== {t}: exit {rc}", flush=True)
        status = status or rc
    return status


def _seed(corpus: Path, target: str) -> None:
    """Start from the project's own regression cases (tests/cases/*.json)."""
    import json

    texts = []
    for path in sorted((ROOT / "tests" / "cases").glob("*.json")):
        texts += [c["original"] for c in json.loads(path.read_text(encoding="utf-8"))]
    for i, t in enumerate(texts):
        data = t.encode("utf-8", "surrogatepass")
        if target == "cli" and i % 2:
            data = (json.dumps({"id": i, "text": t}) + "\n").encode("utf-8")
        if target == "io":
            data = bytes([7, 1, 30, 5, 64, 2, 9, 3]) + data * 5
        (corpus / f"seed-{i:03d}").write_bytes(data)


def hypothesis_main(extra: list[str]) -> int:
    env = dict(os.environ, HYPOTHESIS_PROFILE="fuzz")
    tests = ["tests/test_robustness.py", "tests/test_encoding.py", "tests/test_spacing.py"]
    return subprocess.call([sys.executable, "-m", "pytest", "-q", *tests, *extra], cwd=ROOT, env=env)


def replay(target: str, path: Path) -> None:
    data = path.read_bytes()
    if target == "mend":
        for text in (data.decode("utf-8", "surrogateescape"), data.decode("latin-1")):
            check_mend(text)
    elif target == "ftfy":
        check_ftfy(data.decode("utf-8", "surrogateescape"))
    elif target == "cli":
        check_cli(data, "jsonl" if data[:1] == b"{" else "text")
    elif target == "io":
        check_io(data[8:], [b % 97 + 1 for b in data[:8]])
    print(f"{path}: no failure on replay (atheris' own Unicode decoding may differ)")


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[2] == "--worker":  # one atheris process (see run_targets)
        atheris_main(sys.argv[1], [a for a in sys.argv[3:] if a != "--"])
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Other -flag=value arguments are passed to libFuzzer (e.g. -runs=1000).")
    ap.add_argument("target", nargs="?", default="all", choices=("all", "mend", "ftfy", "cli", "io"))
    ap.add_argument("replay", nargs="?", type=Path, help="a crash file to run once")
    ap.add_argument("-t", "--seconds", type=int, default=120, help="time per target")
    ap.add_argument("--artifacts", type=Path, default=Path("/tmp/textmend-fuzz"))
    ap.add_argument("--hypothesis", action="store_true", help="run the property tests at fuzz profile")
    args, extra = ap.parse_known_args()
    if args.replay:
        replay(args.target, args.replay)
        return 0
    try:
        import atheris  # noqa: F401
    except ImportError:
        args.hypothesis = True
        print("atheris is not installed: running the hypothesis properties at HYPOTHESIS_PROFILE=fuzz")
    if args.hypothesis:
        return hypothesis_main(extra)
    targets = ["mend", "ftfy", "cli", "io"] if args.target == "all" else [args.target]
    return run_targets(targets, args.seconds, args.artifacts, extra)


if __name__ == "__main__":
    sys.exit(main())

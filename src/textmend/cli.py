"""The ``textmend`` command line (see ``docs/cli.md``).

``textmend [OPTIONS] [PATH ...]`` mends files, directory trees or standard input.  The
mended text goes to standard output, to ``-o FILE``, or back into the files (``-i``);
``--check`` and ``--diff`` write nothing.  Exit codes: 0 success, 1 ``--check`` found
files to mend, 2 a usage or input error, 130 interrupted, 141 broken pipe, 143 terminated.

How it runs: the inputs are read in the main process, decoded incrementally and cut into
blocks (``textmend.io``: paragraphs of up to ~1 MiB; groups of JSON Lines).  Blocks are
gathered into batches and mended in worker processes (``--jobs``), each of which builds
its pipeline once; results come back in order through a bounded window of batches, so
memory stays bounded and output is written as it goes, identical for any ``--jobs``.
"""
from __future__ import annotations

import argparse
import bisect
import codecs
import json
import operator
import os
import re
import signal
import stat
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .config import ConfigError, find_config, load_config
from .io import (BINARY_SNIFF, DEFAULT_INCLUDE, JSONL_INCLUDE, READ_SIZE, AtomicWriter,
                 BinaryFileError, Block, InputError, Notice, Source, abort_all, binary_file,
                 decoded_chunks, is_jsonl_path, is_utf8, iter_sources, jsonl_blocks, text_blocks,
                 whole_text_blocks)

EXIT_OK, EXIT_CHANGED, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE, EXIT_TERMINATED = 130, 141, 143

#: a batch of small units is sent to a worker once it holds this many characters
BATCH_CHARS = 256 << 10
BATCH_UNITS = 512


class UsageError(Exception):
    """Bad options or configuration: exit 2 with the message."""


class Terminated(BaseException):
    """Raised by the SIGTERM handler so that temporary files get cleaned up."""


# ======================================================================================
# command line
# ======================================================================================
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="textmend",
        description="Repair English text damaged by machine translation and careless processing.",
        epilog="Exit status: 0 success, 1 --check found files to mend, 2 usage or input error. "
               "Configuration: [tool.textmend] in the nearest pyproject.toml, or textmend.toml. "
               "See docs/cli.md.")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files or directories to mend ('-' or none: standard input)")
    out = p.add_argument_group("output")
    out.add_argument("-o", "--output", metavar="FILE",
                     help="write the mended text to FILE (one input only; with --engine dask: "
                          "the output directory)")
    out.add_argument("-i", "--in-place", action="store_true", help="mend the files in place (atomically)")
    out.add_argument("--check", action="store_true",
                     help="write nothing; list the files that would change and exit 1 if any")
    out.add_argument("--diff", action="store_true", help="write nothing; print a unified diff per file")
    out.add_argument("--report", metavar="FILE",
                     help="write every edit, flag and suggestion to FILE as JSON Lines")
    out.add_argument("--statistics", action="store_true", help="print counts per rule at the end (stderr)")
    out.add_argument("--explain", action="store_true", help="describe every edit on stderr")
    out.add_argument("-q", "--quiet", action="store_true", help="print only errors on stderr")

    rules = p.add_argument_group("rules")
    rules.add_argument("--select", action="append", metavar="CODES",
                       help="rule codes or prefixes to run, comma-separated (e.g. TM1,TM201); "
                            "names opt-in rules too")
    rules.add_argument("--ignore", action="append", metavar="CODES",
                       help="rule codes or prefixes not to run, comma-separated")
    rules.add_argument("--unsafe-fixes", dest="unsafe_fixes", action="store_true", default=None,
                       help="also apply the edits that rules mark unsafe")
    rules.add_argument("--no-unsafe-fixes", dest="unsafe_fixes", action="store_false",
                       help="do not apply unsafe edits (overrides the configuration)")
    rules.add_argument("--lexicon", action="append", metavar="FILE",
                       help="extra name lexicon (TOML), repeatable")
    rules.add_argument("--list-rules", action="store_true", help="list the rules and exit")

    inp = p.add_argument_group("input")
    inp.add_argument("--format", choices=("auto", "text", "jsonl"),
                     help="input format (default auto: *.jsonl and *.ndjson are JSON Lines)")
    inp.add_argument("--field", action="append", metavar="NAME",
                     help="JSON Lines: the string field(s) to mend (default: text), repeatable")
    inp.add_argument("--include", action="append", metavar="GLOBS",
                     help="files to take from directories (default: *.txt,*.md; "
                          "with --format jsonl: *.jsonl,*.ndjson)")
    inp.add_argument("--exclude", action="append", metavar="GLOBS",
                     help="files and directories to leave out when walking directories")
    inp.add_argument("--encoding", metavar="ENC", help="input and output encoding (default utf-8)")
    inp.add_argument("--errors", choices=("strict", "surrogateescape"),
                     help="undecodable bytes: fail (strict, default) or pass them through unchanged")

    run = p.add_argument_group("running")
    run.add_argument("-j", "--jobs", type=int, metavar="N",
                     help="worker processes (default: all cores; 1: no workers)")
    run.add_argument("--engine", choices=("local", "dask"), default="local",
                     help="local processes (default) or a dask cluster (needs textmend[dask])")
    run.add_argument("--scheduler", metavar="ADDRESS", help="dask scheduler address (--engine dask)")
    run.add_argument("--config", metavar="FILE", help="read the configuration from FILE")
    run.add_argument("--isolated", action="store_true", help="ignore configuration files")
    run.add_argument("--version", action="version", version=f"textmend {__version__}")
    return p


def _comma(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    out: list[str] = []
    for v in values:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


@dataclass
class Settings:
    paths: list[str]
    output: str | None = None
    in_place: bool = False
    check: bool = False
    diff: bool = False
    report: str | None = None
    statistics: bool = False
    explain: bool = False
    quiet: bool = False
    select: list[str] | None = None
    ignore: list[str] | None = None
    unsafe_fixes: bool = False
    lexicon: list[str] | None = None
    format: str = "auto"
    fields: list[str] = field(default_factory=lambda: ["text"])
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    errors: str = "strict"
    jobs: int = 1
    engine: str = "local"
    scheduler: str | None = None
    config_path: str | None = None

    def pipeline_options(self) -> dict[str, Any]:
        opts: dict[str, Any] = {}
        if self.select:
            opts["select"] = list(self.select)
        if self.ignore:
            opts["ignore"] = list(self.ignore)
        if self.unsafe_fixes:
            opts["unsafe_fixes"] = True
        if self.lexicon:
            opts["lexicon"] = list(self.lexicon)
        return opts


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def resolve_settings(args: argparse.Namespace) -> Settings:
    """Merge the configuration file and the command line; check everything."""
    conf: dict[str, Any] = {}
    conf_path: str | None = None
    if args.config and args.isolated:
        raise UsageError("--config and --isolated exclude each other")
    try:
        if args.config:
            if not os.path.isfile(args.config):
                raise UsageError(f"--config {args.config}: no such file")
            conf, conf_path = load_config(args.config), args.config
        elif not args.isolated:
            found = find_config()
            if found is not None:
                conf, conf_path = load_config(found), str(found)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None

    def pick(name: str, cli: Any, default: Any) -> Any:
        if cli is not None:
            return cli
        if name in conf:
            return conf[name]
        return default

    s = Settings(paths=list(args.paths), config_path=conf_path)
    s.output, s.in_place, s.check, s.diff = args.output, args.in_place, args.check, args.diff
    s.report, s.statistics, s.explain, s.quiet = args.report, args.statistics, args.explain, args.quiet
    s.engine, s.scheduler = args.engine, args.scheduler
    s.select = pick("select", _comma(args.select), None)
    s.ignore = pick("ignore", _comma(args.ignore), None)
    s.unsafe_fixes = bool(pick("unsafe_fixes", args.unsafe_fixes, False))
    cli_lex = [os.path.abspath(p) for p in args.lexicon] if args.lexicon else None
    s.lexicon = pick("lexicon", cli_lex, None)
    s.format = pick("format", args.format, "auto")
    s.fields = pick("field", _comma(args.field), ["text"])
    s.exclude = pick("exclude", _comma(args.exclude), [])
    default_include = list(JSONL_INCLUDE if s.format == "jsonl" else DEFAULT_INCLUDE)
    s.include = pick("include", _comma(args.include), default_include)
    s.encoding = pick("encoding", args.encoding, "utf-8")
    s.errors = pick("errors", args.errors, "strict")
    jobs = pick("jobs", args.jobs, 0)
    if jobs < 0:
        raise UsageError(f"--jobs must be >= 0, not {jobs}")
    s.jobs = jobs or _cores()
    try:
        codecs.lookup(s.encoding)
    except LookupError:
        raise UsageError(f"--encoding {s.encoding}: unknown encoding") from None
    _check_selectors(s, conf_path, conf)
    _check_modes(s)
    return s


def _check_selectors(s: Settings, conf_path: str | None, conf: dict[str, Any]) -> None:
    from .rules import rule_classes

    codes = [c.code.upper() for c in rule_classes()]
    for opt in ("select", "ignore"):
        for sel in getattr(s, opt) or []:
            u = sel.strip().upper()
            if u == "ALL" or any(c.startswith(u) for c in codes):
                continue
            where = f" (in {conf_path})" if conf_path and opt in conf and sel in conf[opt] else ""
            raise UsageError(f"--{opt} {sel}: no rule has this code or prefix{where}; "
                             "see textmend --list-rules")


def _check_modes(s: Settings) -> None:
    if s.engine == "dask":
        return
    if s.scheduler:
        raise UsageError("--scheduler only applies to --engine dask")
    if s.in_place and s.output:
        raise UsageError("-i/--in-place and -o/--output exclude each other")
    if (s.check or s.diff) and (s.in_place or s.output):
        raise UsageError("--check and --diff write nothing; drop -i/--in-place and -o/--output")
    if s.in_place and (not s.paths or "-" in s.paths):
        raise UsageError("-i/--in-place needs files: standard input cannot be mended in place")
    if s.output:
        if len(s.paths) > 1 or any(os.path.isdir(p) for p in s.paths):
            raise UsageError("-o/--output takes exactly one input file "
                             "(use -i to mend several files in place)")
        if os.path.isdir(s.output):
            raise UsageError(f"-o {s.output}: is a directory")
    if s.report == "-" and not (s.in_place or s.output):
        raise UsageError("--report - (standard output) needs -i or -o: standard output "
                         "carries the mended text")


# ======================================================================================
# the worker side: mend one block
# ======================================================================================
_SURROGATE = re.compile("[\ud800-\udfff]")
_WORKER: dict[str, Any] = {}


def _set_parent_death_signal() -> None:
    """Linux: die with the parent (a SIGKILLed textmend leaves no workers behind)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # pragma: no cover - not Linux
        pass


def _tune_malloc() -> None:
    """glibc: serve buffers of 128 KiB and more with mmap, so that they go back to the
    system when freed.  Blocks of ~1 MB pass through several threads (pickling, queues);
    with the default dynamic threshold they end up in fragmented heaps and the resident
    size of the main process creeps up with the length of the input."""
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.mallopt(-3, 128 << 10)  # M_MMAP_THRESHOLD
    except Exception:  # pragma: no cover - not glibc
        pass


#: what the read after a small file's expected end asks for (it nearly always finds the
#: end): a buffer under glibc's mmap threshold (128 KiB, :func:`_mmap_large_buffers`)
EOF_PROBE = 4096


def _read_all(fd: int, size: int) -> bytes:
    """Everything left to read from ``fd``, a file of about ``size`` bytes.  No read asks
    for much more than it should get: a 1 MiB buffer per small file is an mmap, a page
    fault and an munmap (strace over 14,000 files: the read that finds the end of each
    file had cost one of each, 28,000 system calls)."""
    parts = []
    want = size + 1
    while True:
        b = os.read(fd, want)
        if not b:
            return b"".join(parts) if len(parts) != 1 else parts[0]
        parts.append(b)
        want = EOF_PROBE if len(b) < want else READ_SIZE  # (short: the end, most likely)


def _widen_pipes(executor: Any) -> None:
    """Let the pipes to and from the workers hold a whole batch (Linux: 1 MiB instead of
    64 KiB).  With 64 KiB, a batch crossed in several pieces, each of which waited for the
    parent's feeder thread to get a core from the busy workers: the workers idled ~5 ms
    per batch.  Best effort: private attributes of ``concurrent.futures``, and a limit the
    system may refuse."""
    try:
        import fcntl

        set_size = getattr(fcntl, "F_SETPIPE_SZ", 1031)
        for q in (executor._call_queue, executor._result_queue):
            fcntl.fcntl(q._writer.fileno(), set_size, 1 << 20)
    except Exception:  # noqa: BLE001 - only speed is at stake
        pass


def _init_worker(spec: dict[str, Any], parent: int | None = None) -> None:
    """Pool initializer: build the pipeline once per worker."""
    if parent is not None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _set_parent_death_signal()
        if os.getppid() != parent:
            os._exit(1)
    _WORKER.clear()
    _WORKER["spec"] = spec
    try:
        from . import get_pipeline

        _WORKER["pipeline"] = get_pipeline(**spec["pipeline"])
    except Exception as exc:  # reported per unit by _run_batch
        _WORKER["error"] = f"cannot build the pipeline: {type(exc).__name__}: {exc}"


@dataclass(slots=True)
class UnitResult:
    new: str | None = None            # None: unchanged (or see ``patch``)
    patch: list[tuple[int, int, str]] | None = None  # or: the changed lines (see _compact)
    records: list[dict] | None = None
    stats: dict | None = None
    messages: list[tuple[int, str]] | None = None
    hunks: list[tuple[int, int, int, int, str]] | None = None
    line_delta: int = 0
    error: str | None = None
    docs: int = 0

    def __reduce__(self):
        # (workers pickle one per unit, 14,000 for a tree of news articles: the dataclass's
        # default state dict cost 71 ms to pickle and 70 ms to unpickle in the main process;
        # as a tuple, and as nothing at all for an unchanged unit, 21 ms and 11 ms)
        args = _FIELDS(self)
        return (UnitResult, () if args == _NOTHING else args)


#: every field of a :class:`UnitResult`, in order (its positional arguments), and their defaults
_FIELDS = operator.attrgetter(*UnitResult.__slots__)
_NOTHING = _FIELDS(UnitResult())


def _run_batch(units: list[tuple]) -> list[UnitResult]:
    """Mend a batch of units: ``(kind, text, line, offset, column, head_cut, tail_cut)``."""
    err = _WORKER.get("error")
    out: list[UnitResult] = []
    known = None
    if not err:  # what the rules learn per word, learned for the whole batch at once
        works = [_work_text(u[1]) for u in units if u[0] != "jsonl"]
        details = _WORKER["spec"]["details"]
        try:
            _WORKER["pipeline"].prepare(works, flags=details)
        except Exception:  # noqa: BLE001 - only speed is at stake; mending reports errors
            pass
        known = _explained_all(_WORKER["pipeline"], works, details)
    k = 0
    for unit in units:
        if err:
            out.append(UnitResult(error=err))
            continue
        try:
            if unit[0] == "jsonl":
                out.append(_mend_jsonl_unit(unit))
            else:
                out.append(_mend_text_unit(unit, known[k] if known else None))
                k += 1
        except Exception as exc:
            if os.environ.get("TEXTMEND_DEBUG"):
                import traceback

                traceback.print_exc()
            out.append(UnitResult(error=f"internal error while mending: {type(exc).__name__}: {exc}"))
    return out


def _run_shared_batch(units: list[tuple], shared: list[dict]) -> tuple[list[UnitResult], dict]:
    """:func:`_run_batch` in a pool worker: first take over what other workers learned
    per word (``shared``), then hand back what this batch taught (the parent passes it on,
    so a word's verdict is worked out in one worker, not in each)."""
    pipeline = _WORKER.get("pipeline")
    if pipeline is not None:
        for learned in shared:
            try:
                pipeline.absorb_learned(learned)
            except Exception:  # noqa: BLE001 - only speed is at stake
                pass
    out = _run_batch(units)
    for unit, res in zip(units, out):
        if res.new is not None:
            _compact(res, unit[1])
    learned: dict = {}
    if pipeline is not None:
        try:
            learned = pipeline.take_learned()
        except Exception:  # noqa: BLE001 - only speed is at stake
            learned = {}
    return out, learned


def _compact(res: UnitResult, text: str) -> None:
    """Send back only the lines of ``text`` that changed: ``res.patch``, ``(start, end,
    new line)`` spans of ``text`` in order, instead of the whole mended block in ``res.new``
    (when the lines still pair one to one).  A block of JSON Lines with one record changed
    came back whole before; results larger than the pipe's buffer kept the worker waiting
    until the busy parent read them."""
    if len(text) < 4096:
        return
    old_lines = text.splitlines(keepends=True)
    new_lines = res.new.splitlines(keepends=True)
    if len(old_lines) != len(new_lines):
        return
    patch = []
    size = pos = 0
    for a, b in zip(old_lines, new_lines):
        if a != b:
            patch.append((pos, pos + len(a), b))
            size += len(b)
        pos += len(a)
    if size * 2 < len(res.new):
        res.patch, res.new = patch, None


def _patched(text: str, patch: list[tuple[int, int, str]]) -> str:
    """``text`` with the spans of a :func:`_compact` patch replaced."""
    parts = []
    pos = 0
    for a, b, new in patch:
        parts.append(text[pos:a])
        parts.append(new)
        pos = b
    parts.append(text[pos:])
    return "".join(parts)


def _guard(work: str, edits: list, head_cut: bool, tail_cut: bool) -> list:
    """Drop the edits the command line must not apply.

    * edits touching undecodable bytes (``--errors surrogateescape``) or lone surrogates,
      so those bytes are written back unchanged;
    * edits that would add or remove the final newline of a block (a missing final
      newline stays missing; blocks can never run into each other);
    * edits at a forced cut inside a long line (the rule saw half the context).
    """
    if not edits:
        return edits
    n = len(work)
    surrogates = _SURROGATE.search(work) is not None
    ends_nl = work.endswith("\n")
    tail_ws = (n - len(work.rstrip())) if tail_cut else 0

    def ok(e) -> bool:
        if surrogates and (_SURROGATE.search(e.original) or _SURROGATE.search(e.replacement)):
            return False
        if head_cut and e.start == 0:
            return False
        if tail_cut and e.end >= n - tail_ws:
            return False
        if e.end == n:
            last = e.replacement[-1:] if e.replacement else work[e.start - 1:e.start]
            if (last == "\n") != ends_nl:
                return False
        return True

    kept = [e for e in edits if ok(e)]
    return edits if len(kept) == len(edits) else kept


def _work_text(text: str) -> str:
    """What :func:`mend_text` mends of ``text`` (CRLF line breaks as ``\\n``)."""
    if "\r\n" in text and text.count("\n") == text.count("\r\n"):
        return text.replace("\r\n", "\n")
    return text


def mend_text(pipeline: Any, text: str, *, head_cut: bool = False, tail_cut: bool = False,
              details: bool = False, res: Any = None) -> tuple[str, list[tuple] | None]:
    """Mend one block of text the way the command line does.

    Text whose line breaks are all ``\\r\\n`` is mended with ``\\n`` and converted back,
    so CRLF files keep their line endings whatever the rules do.  With ``details``, also
    return ``(kind, start, end, before, after, item)`` for every applied edit, flag and
    suggestion, with offsets into ``text``.  ``res``: ``pipeline.explain(_work_text(text))``
    when it is known already (worked out with other texts by ``explain_many``).
    """
    from .edits import apply_edits

    work = _work_text(text)
    crlf = work is not text
    if res is None:  # (the rules that only flag matter to the details alone)
        res = pipeline.explain(work, flags=details)
    kept = _guard(work, res.edits, head_cut, tail_cut)
    new = res.text if kept is res.edits else apply_edits(work, kept)
    if crlf:
        new = new.replace("\n", "\r\n")
    if not details:
        return new, None
    if crlf:
        nls = [m.start() for m in re.finditer("\n", work)]

        def pos(p: int) -> int:
            return p + bisect.bisect_left(nls, p)
    else:
        def pos(p: int) -> int:
            return p

    def conv(s: str | None) -> str | None:
        return s.replace("\n", "\r\n") if (crlf and s is not None) else s

    items: list[tuple] = []
    for kind, seq in (("edit", kept), ("suggestion", res.suggestions), ("flag", res.flags)):
        for it in seq:
            a, b = pos(it.start), pos(it.end)
            after = it.suggestion if kind == "flag" else it.replacement
            items.append((kind, a, b, text[a:b], conv(after), it))
    items.sort(key=lambda t: (t[1], t[2]))
    return new, items


class _Lines:
    """Line and column (both 1-based) of offsets into a text that starts at ``line``."""

    def __init__(self, text: str, line: int = 1, column: int = 0):
        self.nls = [m.start() for m in re.finditer("\n", text)]
        self.line, self.column = line, column

    def __call__(self, p: int) -> tuple[int, int]:
        k = bisect.bisect_left(self.nls, p)
        if k == 0:
            return self.line, self.column + p + 1
        return self.line + k, p - self.nls[k - 1]


def _context(text: str, a: int, b: int, after: str | None, width: int = 40) -> tuple[str, str]:
    """The edited span widened to whole words on both sides, before and after the edit."""
    lo, hi = a, b
    while lo > 0 and a - lo < width and not text[lo - 1].isspace():
        lo -= 1
    while hi < len(text) and hi - b < width and not text[hi].isspace():
        hi += 1
    return text[lo:hi], text[lo:a] + (after or "") + text[b:hi]


def _record(kind: str, a: int, b: int, before: str, after: str | None, it: Any,
            line: int, column: int, offset: int) -> dict[str, Any]:
    return {"line": line, "column": column, "start": offset + a, "end": offset + b,
            "before": before, "after": after, "rule": it.rule, "name": it.name,
            "safety": getattr(it, "safety", None), "message": it.message, "kind": kind,
            "confidence": getattr(it, "confidence", None)}


def _count(stats: Counter, items: list[tuple]) -> None:
    for kind, *_rest, it in items:
        stats[(it.rule, it.name, kind)] += 1


def _split_lines(text: str) -> list[str]:
    """Lines ending in ``\\n`` (only ``\\n`` separates lines), the last maybe without."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _hunks(old: str, new: str) -> list[tuple[int, int, int, int, str]]:
    """Unified-diff hunks ``(old_start, old_len, new_start, new_len, body)`` (0-based,
    relative to the block)."""
    a, b = _split_lines(old), _split_lines(new)
    import difflib  # (only --diff needs it)

    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out = []
    for group in sm.get_grouped_opcodes(3):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        body: list[str] = []

        def emit(prefix: str, lines: list[str]) -> None:
            for ln in lines:
                body.append(prefix + ln)
                if not ln.endswith("\n"):
                    body.append("\n\\ No newline at end of file\n")

        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                emit(" ", a[a1:a2])
                continue
            if tag in ("replace", "delete"):
                emit("-", a[a1:a2])
            if tag in ("replace", "insert"):
                emit("+", b[b1:b2])
        out.append((i1, i2 - i1, j1, j2 - j1, "".join(body)))
    return out


def _parsed_lines(text: str) -> list[tuple[str, str, Any]]:
    """The lines of a JSON Lines unit: ``(raw line, its body, the object)``; the object is
    the ``ValueError`` for a line that is not JSON, None for a blank one."""
    parsed = []
    for raw in _split_lines(text):
        body = raw[:-2] if raw.endswith("\r\n") else raw[:-1] if raw.endswith("\n") else raw
        obj: Any = None
        if body.strip():
            try:
                obj = json.loads(body)
            except ValueError as exc:
                obj = exc
        parsed.append((raw, body, obj))
    return parsed


def _field_texts(parsed: list[tuple[str, str, Any]], fields: list[str]) -> Iterator[str]:
    """The texts :func:`mend_text` will mend of these lines: their string ``fields``."""
    return (_work_text(obj[name]) for _raw, _body, obj in parsed if isinstance(obj, dict)
            for name in fields if isinstance(obj.get(name), str))


def _unit_texts(units: list[tuple], fields: list[str]) -> Iterator[str]:
    """The texts :func:`mend_text` will mend for these units (string fields of JSON Lines)."""
    for kind, text, *_ in units:
        if kind == "jsonl":
            yield from _field_texts(_parsed_lines(text), fields)
        else:
            yield _work_text(text)


def _explained_all(pipeline: Any, texts: list[str], details: bool) -> list[Any] | None:
    """The results of ``texts``, all at once (``batch.explain_chunk``; with the rules that
    only flag when the ``details`` are wanted), or None when one raises: each text is then
    mended on its own, and the error reported for its unit."""
    if len(texts) < 2:
        return None
    from .batch import explain_chunk

    done, exc = explain_chunk(pipeline, texts, flags=details)
    return done if exc is None else None


def _mend_text_unit(unit: tuple, res: Any = None) -> UnitResult:
    _, text, line, offset, column, head_cut, tail_cut = unit
    spec = _WORKER["spec"]
    details = spec["details"]
    new, items = mend_text(_WORKER["pipeline"], text, head_cut=head_cut, tail_cut=tail_cut,
                           details=details, res=res)
    r = UnitResult()
    if new != text:
        r.new = new
        if spec["diff"]:
            r.hunks = _hunks(text, new)
            r.line_delta = new.count("\n") - text.count("\n")
    if items:
        if spec["stats"]:
            r.stats = Counter()
            _count(r.stats, items)
        if spec["records"]:
            where = _Lines(text, line, column)
            r.records = []
            for kind, a, b, before, after, it in items:
                ln, col = where(a)
                rec = _record(kind, a, b, before, after, it, ln, col, offset)
                if spec["explain"]:
                    rec["_context"] = _context(text, a, b, after)
                r.records.append(rec)
    return r


def _mend_jsonl_unit(unit: tuple) -> UnitResult:
    _, text, line0, _offset, _column, _h, _t = unit
    spec = _WORKER["spec"]
    pipeline = _WORKER["pipeline"]
    fields = spec["fields"]
    details = spec["details"]
    out: list[str] = []
    r = UnitResult(messages=[])
    stats: Counter = Counter()
    records: list[dict] = []
    changed = False
    parsed = _parsed_lines(text)
    values = list(_field_texts(parsed, fields))  # (the strings mended below, in order)
    pipeline.prepare(values, flags=details)
    known = _explained_all(pipeline, values, details)
    k = 0
    for i, (raw, body, obj) in enumerate(parsed):
        lineno = line0 + i
        if not body.strip():
            out.append(raw)
            continue
        r.docs += 1
        if isinstance(obj, ValueError):
            exc = obj
            msg = getattr(exc, "msg", str(exc))
            col = getattr(exc, "colno", None)
            r.messages.append((lineno, f"not valid JSON ({msg}{f' at column {col}' if col else ''}); "
                                       "passed through unchanged"))
            out.append(raw)
            continue
        if not isinstance(obj, dict):
            r.messages.append((lineno, "not a JSON object; passed through unchanged"))
            out.append(raw)
            continue
        line_changed = False
        line_records: list[dict] = []
        line_stats: Counter = Counter()
        for name in fields:
            if name not in obj:
                r.messages.append((lineno, f"no field {name!r}; passed through unchanged"))
                continue
            value = obj[name]
            if not isinstance(value, str):
                r.messages.append((lineno, f"field {name!r} is not a string; passed through unchanged"))
                continue
            res = None
            if known is not None and k < len(values):
                if values[k] == _work_text(value):  # (a field named twice is mended twice)
                    res = known[k]
                k += 1
            new, items = mend_text(pipeline, value, details=details, res=res)
            if new != value:
                obj[name] = new
                line_changed = True
            if items:
                _count(line_stats, items)
                if spec["records"]:
                    where = _Lines(value)
                    for kind, a, b, before, after, it in items:
                        fl, col = where(a)
                        rec = _record(kind, a, b, before, after, it, lineno, col, 0)
                        rec = {"line": lineno, "field": name, "field_line": fl, **rec}
                        if spec["explain"]:
                            rec["_context"] = _context(value, a, b, after)
                        line_records.append(rec)
        if line_changed:
            new_line = json.dumps(obj, ensure_ascii=False) + raw[len(body):]
            try:
                new_line.encode(spec["encoding"], spec["errors"])
            except UnicodeEncodeError as exc:
                r.messages.append((lineno, f"cannot write the mended record as {spec['encoding']} "
                                           f"({exc.reason}); passed through unchanged"))
                out.append(raw)
                continue
            out.append(new_line)
            changed = True
        else:
            out.append(raw)
        records.extend(line_records)
        stats.update(line_stats)
    if changed:
        r.new = "".join(out)
        if spec["diff"]:
            r.hunks = _hunks(text, r.new)
            r.line_delta = r.new.count("\n") - text.count("\n")
    if spec["stats"] and stats:
        r.stats = stats
    if spec["records"] and records:
        r.records = records
    if not r.messages:
        r.messages = None
    return r


# ======================================================================================
# the parent side
# ======================================================================================
class Console:
    """Everything that goes to stderr: errors, notices, progress (TTY only)."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        try:
            self.tty = sys.stderr.isatty()
        except (AttributeError, ValueError):
            self.tty = False
        self.progress = self.tty and not quiet
        self._shown = False
        self._last = 0.0
        self.t0 = time.monotonic()

    def _clear(self) -> None:
        if self._shown:
            sys.stderr.write("\r\033[K")
            self._shown = False

    def say(self, msg: str) -> None:
        self._clear()
        print(msg, file=sys.stderr, flush=True)

    def error(self, msg: str) -> None:
        self.say(f"textmend: error: {msg}")

    def warn(self, msg: str) -> None:
        if not self.quiet:
            self.say(f"textmend: {msg}")

    def info(self, msg: str) -> None:
        if not self.quiet:
            self.say(msg)

    def tick(self, files: int, nbytes: int, docs: int, force: bool = False) -> None:
        if not self.progress:
            return
        now = time.monotonic()
        if not force and now - self._last < 0.2:
            return
        self._last = now
        dt = max(now - self.t0, 1e-6)
        sys.stderr.write(f"\r\033[Ktextmend: {files} files, {_size(nbytes)}, {docs / dt:,.0f} docs/s")
        sys.stderr.flush()
        self._shown = True

    def done(self) -> None:
        self._clear()


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n} B"  # pragma: no cover


class _Stdout:
    """Binary standard output (data only), written in pieces of 64 KiB: with
    ``PYTHONUNBUFFERED`` set (common in containers) every write would be a system call,
    one or more per file of a tree."""

    SIZE = 64 << 10

    def __init__(self) -> None:
        self.buf = sys.stdout.buffer
        self.pending = bytearray()

    def write(self, data: bytes) -> None:
        if len(data) >= self.SIZE:  # (a large block: written as it is, after what is pending)
            if self.pending:
                self._drain()
            self.buf.write(data)
            return
        self.pending += data
        if len(self.pending) >= self.SIZE:
            self._drain()

    def line(self, s: str) -> None:
        self.write(s.encode("utf-8", "surrogateescape") + b"\n")

    def _drain(self) -> None:
        data, self.pending = bytes(self.pending), bytearray()
        self.buf.write(data)

    def flush(self) -> None:
        if self.pending:
            self._drain()
        self.buf.flush()


class FileJob:
    """One input: where its mended text goes and what happened to it."""

    __slots__ = ("source", "fmt", "mode", "target", "writer", "encoder", "changed", "failed",
                 "bom", "line_delta", "headed", "started", "fh")

    def __init__(self, source: Source, fmt: str, mode: str, target: str | None):
        self.source, self.fmt, self.mode, self.target = source, fmt, mode, target
        self.writer: AtomicWriter | None = None
        self.encoder = None
        self.changed = False
        self.failed = False
        self.bom = False
        self.line_delta = 0
        self.headed = False
        self.started = False
        self.fh = None

    @property
    def display(self) -> str:
        return self.source.display


@dataclass(slots=True)
class _Slot:
    payload: list[tuple] | None = None
    items: list[tuple[FileJob, Block]] | None = None
    event: tuple | None = None
    future: Any = None
    result: list[UnitResult] | None = None


class Runner:
    """Read, dispatch, collect in order, write."""

    def __init__(self, s: Settings, console: Console):
        self.s = s
        self.console = console
        self.stdout = _Stdout()
        self.spec = {"pipeline": s.pipeline_options(), "records": bool(s.report or s.explain),
                     "explain": s.explain,
                     "stats": s.statistics, "diff": s.diff, "fields": list(s.fields),
                     "encoding": s.encoding, "errors": s.errors}
        # the edits, flags and suggestions themselves are wanted (not the text alone): only
        # then do the rules that only flag run (Rule.flags_only)
        self.spec["details"] = bool(self.spec["records"] or self.spec["stats"])
        self.mode = ("check" if (s.check or s.diff) else "inplace" if s.in_place
                     else "output" if s.output else "stdout")
        self.slots: deque[_Slot] = deque()
        self.batch: list[tuple[FileJob, Block]] = []
        self.batch_chars = 0
        # the first batches are small: the words they teach reach the other workers sooner
        # (the most common words of a corpus are learned in the first ones)
        self.batch_limit = BATCH_CHARS // 8 if s.jobs > 1 else BATCH_CHARS
        self.n_batches = 0
        self.inflight = 0
        self.window = 2 * s.jobs if s.jobs > 1 else 1
        self.executor = None
        from .batch import LearnedRelay

        self.relay = LearnedRelay(s.jobs)  # what workers learned, for the next batches
        self.held: _Slot | None = None
        self.inline_ready = False
        self.report: AtomicWriter | None = None
        self.report_fh = None
        self.stats: Counter = Counter()
        self.n_files = self.n_done = self.n_changed = self.n_errors = self.n_skipped = 0
        self.docs = 0
        self.bytes_read = 0
        self.seen: set[str] = set()

    # ---------------------------------------------------------------- producing
    def _blocks(self, job: FileJob) -> Iterator[Block]:
        src = job.source
        read_size = READ_SIZE

        def count(n: int) -> None:
            self.bytes_read += n

        if src.is_stdin:
            fh = getattr(sys.stdin, "buffer", None)
            if fh is None:
                raise InputError("<stdin>: standard input is closed")
        else:
            fd = os.open(src.path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            try:
                st = os.fstat(fd)
                if stat.S_ISDIR(st.st_mode):
                    raise InputError(f"{src.display}: is a directory")
                if self.mode == "inplace" and not stat.S_ISREG(st.st_mode):
                    raise InputError(f"{src.display}: not a regular file; cannot mend it in place")
                small = (stat.S_ISREG(st.st_mode) and st.st_size < READ_SIZE
                         and is_utf8(self.s.encoding))
                data = _read_all(fd, st.st_size) if small else None
            except BaseException:
                os.close(fd)
                raise
            if data is None:
                fh = open(fd, "rb")  # (a large file or a stream: read block by block)
            else:  # a small file (a tree of many): read and decoded in one go, with plain
                os.close(fd)  # system calls (a buffered file object cost ~30 us each)
                whole = self._decode_small(data, src.display, count)
                if whole is not None:  # the same text and errors as decoded_chunks
                    whole = self._without_bom(whole, job)
                    if job.fmt == "jsonl":
                        return jsonl_blocks(iter([whole] if whole else []))
                    return whole_text_blocks(whole)
                fh = open(src.path, "rb")  # it does not decode: decoded_chunks names the byte
            job.fh = fh
            if stat.S_ISREG(st.st_mode):  # a small file: no 1 MB read buffer for it (a
                read_size = max(1, min(READ_SIZE, st.st_size + 1))  # fresh mapping each time)
        chunks = decoded_chunks(fh, src.display, self.s.encoding, self.s.errors,
                                check_binary=True, on_bytes=count, read_size=read_size)
        if is_utf8(self.s.encoding):
            chunks = self._strip_bom(chunks, job)
        if job.fmt == "jsonl":
            return jsonl_blocks(chunks)
        return text_blocks(chunks)

    def _decode_small(self, data: bytes, display: str, count: Any) -> str | None:
        """A small UTF-8 file's bytes decoded in one go; None when they do not decode
        (then :func:`decoded_chunks` reads the file again to name the offending byte)."""
        k = data.find(b"\0", 0, BINARY_SNIFF)
        if k >= 0:
            raise binary_file(display, k)
        try:
            text = data.decode(self.s.encoding, self.s.errors)
        except UnicodeDecodeError:
            return None
        count(len(data))
        return text

    @staticmethod
    def _without_bom(text: str, job: FileJob) -> str:
        """``text`` without a leading byte order mark (remembered: it is written back)."""
        if text.startswith("\ufeff"):
            job.bom = True
            return text[1:]
        return text

    @staticmethod
    def _strip_bom(chunks: Iterator[str], job: FileJob) -> Iterator[str]:
        first = True
        for c in chunks:
            if first:
                first = False
                c = Runner._without_bom(c, job)
                if not c:
                    continue
            yield c

    def _format_of(self, src: Source) -> str:
        if self.s.format != "auto":
            return self.s.format
        return "jsonl" if is_jsonl_path(src.path) else "text"

    def produce(self) -> Iterator[tuple]:
        """Yield ``("unit", job, block)`` and ``("event", kind, job_or_None, message)`` in order."""
        dedupe = self.mode in ("inplace", "check")
        for item in iter_sources(self.s.paths or ["-"], self.s.include, self.s.exclude):
            if isinstance(item, Notice):
                yield ("event", item.kind, None, f"{item.display}: {item.message}")
                continue
            src = item
            if dedupe and src.path is not None:
                real = os.path.realpath(src.path)
                if real in self.seen:
                    continue
                self.seen.add(real)
            target = src.path if self.mode == "inplace" else self.s.output
            job = FileJob(src, self._format_of(src), self.mode, target)
            try:
                blocks = self._blocks(job)
                prev = None
                for blk in blocks:
                    if prev is not None:
                        yield ("unit", job, prev)
                    prev = blk
                if prev is not None:
                    prev.last = True
                    yield ("unit", job, prev)
            except BinaryFileError as exc:
                if src.explicit:
                    yield ("event", "error", job, str(exc).replace("; skipped", "; not mended"))
                else:
                    yield ("event", "binary", job, str(exc))
            except InputError as exc:
                yield ("event", "error", job, str(exc))
            except OSError as exc:
                yield ("event", "error", job, f"{src.display}: {exc.strerror or exc}")
            finally:
                if job.fh is not None:
                    job.fh.close()
                    job.fh = None

    # ---------------------------------------------------------------- dispatching
    def _flush_batch(self) -> None:
        if not self.batch:
            return
        items, self.batch, self.batch_chars = self.batch, [], 0
        payload = [(job.fmt, b.text, b.line, b.offset, b.column, b.head_cut, b.tail_cut)
                   for job, b in items]
        slot = _Slot(payload=payload, items=items)
        self.slots.append(slot)
        self.inflight += 1
        if self.s.jobs <= 1:
            slot.result = self._inline(payload)
        elif self.executor is None:
            if self.held is None:
                self.held = slot
                return
            self._start_pool(self.held.payload + payload)
            self.held.future = self._submit(self.held.payload)
            self.held = None
            slot.future = self._submit(payload)
        else:
            slot.future = self._submit(payload)
        while self.inflight >= self.window:
            self._consume_one()

    def _submit(self, payload: list[tuple]) -> Any:
        """Send a batch to the pool, with what the workers learned lately."""
        return self.executor.submit(_run_shared_batch, payload, self.relay.outgoing())

    def _inline(self, payload: list[tuple]) -> list[UnitResult]:
        if not self.inline_ready:
            _init_worker(self.spec)
            self.inline_ready = True
        return _run_batch(payload)

    def _start_pool(self, first: list[tuple]) -> None:
        """Start the workers; with fork, warm the pipeline here first on the first text of
        ``first`` (the first batches): workers inherit what it loaded (lexicon, indexes,
        compiled patterns, numpy: :func:`~textmend.batch.import_before_fork`), which each
        would otherwise load on its own.  The words of
        the batches are learned by the workers, in parallel (measured: learning them here
        first, serially, made ``--jobs 2`` slower)."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        if "fork" in methods:  # build and warm the pipeline once: forked workers inherit it
            try:
                from . import get_pipeline
                from .batch import import_before_fork

                import_before_fork(own_process=True)
                p = get_pipeline(**self.spec["pipeline"])
                text = next(_unit_texts(first[:1], self.spec["fields"]), None)
                p.explain(text[:20000] if text else "Warm up: a two -day visit .The end.",
                          flags=self.spec["details"])
            except Exception:  # noqa: BLE001  (each worker reports it when it builds its own)
                pass
            import gc

            gc.freeze()  # what the workers inherit is never scanned again: no copy-on-write
        self.executor = ProcessPoolExecutor(max_workers=self.s.jobs, mp_context=ctx,
                                            initializer=_init_worker,
                                            initargs=(self.spec, os.getpid()))
        _widen_pipes(self.executor)

    def kill_pool(self) -> None:
        global _POOL_KILLED
        ex, self.executor = self.executor, None
        if ex is None:
            return
        _POOL_KILLED = True
        try:  # a batch still being fed to the killed workers must not hold up the exit
            ex._call_queue.cancel_join_thread()
        except Exception:  # noqa: BLE001 - a private attribute: may not be there
            pass
        procs = list(getattr(ex, "_processes", {}).values())
        for p in procs:
            try:
                p.terminate()
            except Exception:
                pass
        try:
            ex.shutdown(wait=False, cancel_futures=True)
        except Exception:
            pass
        for p in procs:
            try:
                p.join(timeout=2)
            except Exception:
                pass

    # ---------------------------------------------------------------- consuming
    def _consume_one(self) -> None:
        slot = self.slots.popleft()
        if slot.event is not None:
            self._event(*slot.event)
            return
        self.inflight -= 1
        if slot.result is None:
            if slot.future is not None:
                from concurrent.futures.process import BrokenProcessPool

                try:
                    slot.result, learned = slot.future.result()
                    self.relay.received(learned)
                except BrokenProcessPool:
                    raise RuntimeError("a worker process died (out of memory, or killed); "
                                       "try --jobs 1") from None
            else:  # the only batch: no pool was needed
                self.held = None
                slot.result = self._inline(slot.payload)
        for (job, blk), res in zip(slot.items, slot.result):
            self._unit(job, blk, res)

    def _event(self, kind: str, job: FileJob | None, message: str) -> None:
        if kind == "error":
            self.n_errors += 1
            if job is not None:
                self._fail(job, message)
            else:
                self.console.error(message)
        elif kind in ("hidden", "binary"):
            self.n_skipped += 1
            self.console.warn(message)
        else:  # pragma: no cover
            self.console.warn(message)

    def _fail(self, job: FileJob, message: str) -> None:
        if job.writer is not None:
            job.writer.abort()
            job.writer = None
        job.failed = True
        self.console.error(message + (" (file left unchanged)" if job.mode == "inplace" else ""))
        self._report({"path": job.display, "kind": "error", "message": message})

    def _unit(self, job: FileJob, blk: Block, res: UnitResult) -> None:
        if job.failed:
            return
        if not job.started:
            job.started = True
            self.n_files += 1
        if res.error:
            self.n_errors += 1
            self._fail(job, f"{job.display}: {res.error}")
            return
        self.docs += res.docs
        if res.messages:
            for lineno, msg in res.messages:
                self.console.warn(f"{job.display}:{lineno}: {msg}")
        if res.stats:
            self.stats.update(res.stats)
        if res.records:
            for rec in res.records:
                ctx = rec.pop("_context", None)
                rec = {"path": job.display, **rec}
                self._report(rec)
                if self.s.explain:
                    self.console.say(_describe(rec, ctx))
        if res.patch is not None:
            res.new = _patched(blk.text, res.patch)
        text = blk.text if res.new is None else res.new
        if res.new is not None:
            job.changed = True
        if res.hunks:
            self._diff(job, blk, res)
        job.line_delta += res.line_delta
        try:
            self._write(job, blk, text)
        except UnicodeEncodeError as exc:
            self.n_errors += 1
            ch = exc.object[exc.start:exc.start + 1]
            self._fail(job, f"{job.display}: cannot write {ch!r} as {self.s.encoding} "
                            f"({exc.reason})")
            return
        except BrokenPipeError:
            raise
        except OSError as exc:
            if job.mode == "stdout":
                raise
            if os.environ.get("TEXTMEND_DEBUG"):
                import traceback

                traceback.print_exc()
            self.n_errors += 1
            name = exc.filename or job.target or job.display
            self._fail(job, f"{name}: cannot write: {exc.strerror or exc}")
            return
        if blk.last:
            self._finish(job)
        self.console.tick(self.n_files, self.bytes_read, self.docs)

    def _encode(self, job: FileJob, text: str, final: bool) -> bytes:
        if job.encoder is None:
            job.encoder = codecs.getincrementalencoder(self.s.encoding)(self.s.errors)
            if job.bom:
                text = "\ufeff" + text
        return job.encoder.encode(text, final)

    def _write(self, job: FileJob, blk: Block, text: str) -> None:
        mode = job.mode
        if mode == "check":
            return
        if mode == "stdout":
            self.stdout.write(self._encode(job, text, blk.last))
            return
        if mode == "inplace" and job.writer is None and blk.last and not job.changed:
            return  # a one-block file that needs nothing: not touched
        data = self._encode(job, text, blk.last)
        if job.writer is None:
            job.writer = AtomicWriter(job.target)
        job.writer.write(data)

    def _finish(self, job: FileJob) -> None:
        self.n_done += 1
        if job.changed:
            self.n_changed += 1
        if job.mode == "stdout":
            if job.source.is_stdin:
                self.stdout.flush()
        elif job.mode == "check":
            if job.changed and not self.s.diff:
                self.stdout.line(f"Would mend: {job.display}")
        elif job.writer is not None:
            w, job.writer = job.writer, None
            if job.mode == "output" or job.changed:
                w.commit()
            else:
                w.abort()
        if job.fmt == "text":
            self.docs += 1

    def _diff(self, job: FileJob, blk: Block, res: UnitResult) -> None:
        out = []
        if not job.headed:
            job.headed = True
            out.append(f"--- {job.display}\n+++ {job.display}\n")
        base_old = blk.line - 1
        base_new = blk.line - 1 + job.line_delta
        for i1, la, j1, lb, body in res.hunks:
            out.append(f"@@ -{_range(base_old + i1, la)} +{_range(base_new + j1, lb)} @@\n{body}")
        self.stdout.write("".join(out).encode(self.s.encoding, self.s.errors))

    def _report(self, rec: dict) -> None:
        if self.report_fh is None:
            return
        self.report_fh.write((json.dumps(rec, ensure_ascii=False) + "\n")
                             .encode("utf-8", "surrogateescape"))

    # ---------------------------------------------------------------- running
    def run(self) -> int:
        s = self.s
        if s.report:
            if s.report == "-":
                self.report_fh = self.stdout
            else:
                try:
                    self.report = AtomicWriter(s.report)
                except OSError as exc:
                    raise UsageError(f"--report {s.report}: {exc.strerror or exc}") from None
                self.report_fh = self.report
        try:
            for ev in self.produce():
                if ev[0] == "unit":
                    _, job, blk = ev
                    self.batch.append((job, blk))
                    self.batch_chars += len(blk.text)
                    if self.batch_chars >= self.batch_limit or len(self.batch) >= BATCH_UNITS:
                        self._flush_batch()
                        self.n_batches += 1
                        if self.n_batches == 4 * s.jobs:
                            self.batch_limit = BATCH_CHARS
                else:
                    self._flush_batch()
                    self.slots.append(_Slot(event=ev[1:]))
            self._flush_batch()
            while self.slots:
                self._consume_one()
            if self.executor is not None:
                ex, self.executor = self.executor, None
                ex.shutdown(wait=True)
            self.stdout.flush()
            if self.report is not None:
                self.report.commit()
                self.report = None
        except BaseException:
            self.kill_pool()
            if self.report is not None:
                self.report.abort()
            abort_all()
            try:  # what was mended before the failure still goes out, as it went before
                self.stdout.flush()
            except Exception:  # noqa: BLE001 - a closed or broken pipe: nothing to save
                pass
            raise
        finally:
            self.console.done()
        return self._summary()

    def _summary(self) -> int:
        s, c = self.s, self.console
        if s.statistics:
            _print_statistics(self.stats, c)
        n, ch = self.n_done, self.n_changed
        if self.mode == "check":
            if not s.quiet:
                verb = "would be mended" if not s.diff else "would change"
                c.say(f"{_plural(ch, 'file')} {verb}, {_plural(n - ch, 'file')} already clean"
                      + (f", {_plural(self.n_errors, 'error')}" if self.n_errors else ""))
        elif self.mode == "inplace" and not s.quiet:
            c.say(f"{_plural(ch, 'file')} mended, {_plural(n - ch, 'file')} "
                  "left unchanged" + (f", {_plural(self.n_errors, 'error')}" if self.n_errors else ""))
        if self.n_errors:
            return EXIT_ERROR
        if s.check and ch:
            return EXIT_CHANGED
        return EXIT_OK


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _range(start: int, length: int) -> str:
    beginning = start + 1
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1
    return f"{beginning},{length}"


def _describe(rec: dict, ctx: tuple[str, str] | None = None) -> str:
    loc = f"{rec['path']}:{rec['line']}"
    if "field" in rec:
        loc += f": field {rec['field']!r} {rec['field_line']}:{rec['column']}"
    else:
        loc += f":{rec['column']}"
    head = f"{loc}: {rec['rule']} {rec['name']}"
    before, after = ctx or (rec["before"], rec["after"])
    if rec["kind"] == "flag":
        tail = f" (suggestion {rec['after']!r})" if rec["after"] else ""
        return f"{head} [flag]: {rec['message']}: {before!r}{tail}"
    what = f"{before!r} -> {after!r}"
    msg = f" ({rec['message']})" if rec["message"] else ""
    if rec["kind"] == "suggestion":
        return f"{head} [{rec['safety']}, not applied; --unsafe-fixes applies it]: {what}{msg}"
    return f"{head}: {what}{msg}"


def _print_statistics(stats: Counter, c: Console) -> None:
    rows = sorted(stats.items(), key=lambda kv: (-kv[1], kv[0]))
    if not rows:
        c.say("textmend: no edits, flags or suggestions")
        return
    width = max(len(str(v)) for _, v in rows)
    namew = max(len(k[1] or "") for k, _ in rows)
    for (code, name, kind), v in rows:
        c.say(f"{v:>{width}}  {code:<6} {name or '':<{namew}}  {kind}")
    totals = Counter()
    for (_, _, kind), v in rows:
        totals[kind] += v
    c.say("total: " + ", ".join(f"{_plural(totals[k], k)}" for k in ("edit", "suggestion", "flag")
                                if totals[k]))


# ======================================================================================
# the other commands
# ======================================================================================
def list_rules() -> int:
    from .rules import rule_classes

    rows = [(c.code, c.name, c.safety, "on" if c.default_enabled else "off",
             (c.description or "").strip().splitlines()[0] if (c.description or "").strip() else "")
            for c in sorted(rule_classes(), key=lambda c: c.code)]
    head = ("code", "name", "safety", "default", "description")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    out = _Stdout()
    for r in [head, *rows]:
        out.line("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4])
    out.flush()
    return EXIT_OK


def run_dask(s: Settings, console: Console) -> int:
    if not s.output:
        raise UsageError("--engine dask needs -o DIR: the directory for the partitioned output")
    if s.in_place or s.check or s.diff:
        raise UsageError("--engine dask writes to -o DIR; --check, --diff and -i need --engine local")
    if not s.paths or "-" in s.paths:
        raise UsageError("--engine dask reads files, not standard input")
    try:
        import importlib

        mod = importlib.import_module("textmend.dask")
        mend_paths = mod.mend_paths
    except (ImportError, AttributeError) as exc:
        console.error(f"--engine dask needs dask: install textmend[dask] ({exc})")
        return EXIT_ERROR
    fmt = s.format
    if fmt == "auto":
        fmt = "jsonl" if all(is_jsonl_path(p) for p in s.paths) else "text"
    options = {"select": s.select, "ignore": s.ignore, "unsafe_fixes": s.unsafe_fixes,
               "lexicon": s.lexicon}
    try:
        rc = mend_paths(list(s.paths), s.output, fmt=fmt, fields=list(s.fields),
                        scheduler=s.scheduler, options=options)
    except ImportError as exc:
        console.error(f"--engine dask needs dask: install textmend[dask] ({exc})")
        return EXIT_ERROR
    except OSError as exc:
        console.error(f"{exc.filename or s.output}: {exc.strerror or exc}")
        return EXIT_ERROR
    return int(rc or 0)


def _check_lexicons(s: Settings) -> None:
    if not s.lexicon:
        return
    from .lexicon import Lexicon, LexiconError

    for path in s.lexicon:
        try:
            Lexicon.from_toml(path)
        except LexiconError as exc:
            raise UsageError(str(exc)) from None


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Terminated()


#: set when an interrupt killed the worker pool (see :func:`_stop`)
_POOL_KILLED = False


def _stop(code: int) -> int:
    """The exit status of an interrupted run.  When the interrupt killed the worker pool,
    exit at once: the signal may have come while ``concurrent.futures`` held one of its
    locks or fed a batch to a worker, and its exit-time joins would then wait forever.
    Files being written were aborted already; the standard streams are flushed first."""
    if not _POOL_KILLED:
        return code
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - closed or broken: nothing more to say
            pass
    os._exit(code)


def _main(argv: list[str] | None, console_box: list) -> int:
    args = build_parser().parse_args(argv)
    if args.list_rules:
        return list_rules()
    s = resolve_settings(args)
    _tune_malloc()
    console = Console(s.quiet)
    console_box[0] = console
    _check_lexicons(s)
    if s.engine == "dask":
        return run_dask(s, console)
    code = Runner(s, console).run()
    global _FINISHED
    _FINISHED = True
    return code


#: set when a run finished with everything written, closed and committed (see :func:`run`)
_FINISHED = False


def run() -> None:
    """The ``textmend`` command: :func:`main`, then exit.  After a run that finished (every
    file written and committed, the worker pool shut down), the standard streams are flushed
    and the process ends at once: tearing down the interpreter's objects (the lexicon, the
    words learned) took up to 0.6 s after a large run and changes nothing."""
    code = main()
    if _FINISHED:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:  # noqa: BLE001 - a closed or broken stream: the normal way out
            raise SystemExit(code) from None
        os._exit(code)
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status (never raises, except SystemExit)."""
    box: list[Console | None] = [None]
    try:
        old = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread
        old = None
    try:
        return _main(argv, box)
    except UsageError as exc:
        print(f"textmend: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        abort_all()
        print("\ntextmend: interrupted; files being written were left unchanged", file=sys.stderr)
        return _stop(EXIT_INTERRUPTED)
    except Terminated:
        abort_all()
        print("textmend: terminated; files being written were left unchanged", file=sys.stderr)
        return _stop(EXIT_TERMINATED)
    except BrokenPipeError:
        abort_all()
        try:  # silence the final flush of the closed stdout
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return EXIT_BROKEN_PIPE
    except SystemExit:
        raise
    except Exception as exc:
        abort_all()
        if os.environ.get("TEXTMEND_DEBUG"):
            import traceback

            traceback.print_exc()
        print(f"textmend: error: {exc}" if isinstance(exc, RuntimeError)
              else f"textmend: internal error: {type(exc).__name__}: {exc} "
                   "(set TEXTMEND_DEBUG=1 for a traceback)", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if old is not None:
            try:
                signal.signal(signal.SIGTERM, old)
            except (ValueError, TypeError):
                pass

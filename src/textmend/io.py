"""Input and output for the command line: finding files, decoding, blocks, atomic writes.

* :func:`iter_sources` walks the paths given on the command line (directories recursively,
  ``--include``/``--exclude`` globs, hidden files and directories skipped).
* :func:`decoded_chunks` reads a binary stream in pieces and decodes it incrementally; an
  undecodable byte raises :class:`InputError` naming the absolute byte offset.
* :func:`text_blocks` and :func:`jsonl_blocks` cut the decoded stream into blocks that can
  be mended independently, so memory stays bounded whatever the size of the input.
* :class:`AtomicWriter` writes a file through a temporary file in the same directory
  (write, flush, fsync, ``os.replace``): a reader, or a kill at any moment, sees the file
  either fully old or fully new.

Block boundaries (text): a block ends after a run of blank lines (a paragraph boundary).
Blocks accumulate paragraphs up to ``block_size`` characters (1 MiB by default); a file
smaller than that is a single block, so the result is exactly ``mend(whole_text)``.  When a
paragraph is longer than ``block_size``, the block grows until the next paragraph boundary,
up to ``hard_limit`` (4 x ``block_size``).  Past that limit (a single huge line, e.g. 100 MB
without a line break) the block is cut, in this order of preference, at the last line
break, after the last sentence end followed by whitespace, after the last whitespace, or,
in text without any whitespace, hard at the limit.  Such *forced* cuts are marked on the
blocks (``head_cut``/``tail_cut``) so that the mender leaves the few characters at the cut
alone.
"""
from __future__ import annotations

import codecs
import contextlib
import fnmatch
import functools
import os
import re
import signal
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

#: target size of a text block, in characters (env ``TEXTMEND_BLOCK_SIZE`` overrides, for tests)
BLOCK_SIZE = max(16, int(os.environ.get("TEXTMEND_BLOCK_SIZE", 1 << 20)))
#: target size of a group of JSON Lines sent to a worker (lines are independent documents)
JSONL_GROUP = max(16, int(os.environ.get("TEXTMEND_JSONL_GROUP", 64 << 10)))
#: bytes read at a time
READ_SIZE = 1 << 20
#: a file whose first bytes contain NUL is binary (as in git and grep)
BINARY_SNIFF = 8000

DEFAULT_INCLUDE = ("*.txt", "*.md")
JSONL_INCLUDE = ("*.jsonl", "*.ndjson")
JSONL_SUFFIXES = (".jsonl", ".ndjson")


class InputError(Exception):
    """A problem with one input; the message names the file and the problem."""


class BinaryFileError(InputError):
    """The input looks binary (a NUL byte near the start)."""


# --------------------------------------------------------------------------------------
# finding inputs
# --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """One input: ``path`` is None for standard input."""

    display: str
    path: str | None
    explicit: bool = True

    @property
    def is_stdin(self) -> bool:
        return self.path is None


@dataclass(frozen=True)
class Notice:
    """Something the walk skipped (``kind``: hidden, binary) or could not read (error)."""

    display: str
    kind: str
    message: str


def _split_globs(patterns: Iterable[str]) -> list[str]:
    out: list[str] = []
    for p in patterns:
        out.extend(x.strip() for x in p.split(",") if x.strip())
    return out


def _matches(patterns: list[str], rel: str, name: str) -> bool:
    for p in patterns:
        p = p.rstrip("/")
        if p.startswith("./"):
            p = p[2:]
        target = rel if "/" in p else name
        if fnmatch.fnmatchcase(target, p):
            return True
    return False


def iter_sources(paths: Iterable[str], include: Iterable[str], exclude: Iterable[str],
                 ) -> Iterator[Source | Notice]:
    """Yield the inputs named by ``paths``, walking directories in sorted order.

    A path given explicitly is always an input (``-`` is standard input); files found in a
    directory must match an ``include`` glob and no ``exclude`` glob.  A glob without ``/``
    matches the file (or directory) name, a glob with ``/`` the path relative to the
    directory given on the command line.  Hidden entries (name starting with ``.``) are not
    entered and are reported as a :class:`Notice`, as are directories that cannot be read.
    Symbolic links to directories are not followed (no loops).
    """
    inc = _split_globs(include)
    exc = _split_globs(exclude)
    for p in paths:
        if p == "-":
            yield Source("<stdin>", None)
            continue
        if os.path.isdir(p):
            yield from _walk(p, inc, exc)
        else:
            yield Source(p, p)


def _walk(root: str, inc: list[str], exc: list[str]) -> Iterator[Source | Notice]:
    stack: list[tuple[str, str]] = [(root, "")]
    while stack:
        d, rel = stack.pop()
        try:
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            yield Notice(d, "error", f"cannot list directory: {e.strerror or e}")
            continue
        subdirs: list[tuple[str, str]] = []
        for e in entries:
            erel = f"{rel}/{e.name}" if rel else e.name
            path = os.path.join(d, e.name)
            if e.name.startswith("."):
                yield Notice(path, "hidden", "skipped hidden " + ("directory" if _is_dir(e) else "file"))
                continue
            if _matches(exc, erel, e.name):
                continue
            if _is_dir(e):
                if not e.is_symlink():
                    subdirs.append((path, erel))
                continue
            try:
                regular = e.is_file()
            except OSError:
                regular = False
            if regular and _matches(inc, erel, e.name):
                yield Source(path, path, explicit=False)
        stack.extend(reversed(subdirs))


def _is_dir(e: os.DirEntry) -> bool:
    try:
        return e.is_dir()
    except OSError:
        return False


# --------------------------------------------------------------------------------------
# reading and decoding
# --------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _may_contain_nul(encoding: str) -> bool:
    name = codecs.lookup(encoding).name
    return name.startswith(("utf-16", "utf-32"))


@functools.lru_cache(maxsize=8)
def is_utf8(encoding: str) -> bool:
    return codecs.lookup(encoding).name == "utf-8"


def binary_file(display: str, offset: int) -> BinaryFileError:
    """The error for a file with a NUL byte at ``offset`` of its first bytes."""
    return BinaryFileError(f"{display}: binary file (NUL byte at offset {offset}); skipped")


def decoded_chunks(fh: BinaryIO, display: str, encoding: str = "utf-8", errors: str = "strict",
                   check_binary: bool = True, on_bytes: Callable[[int], None] | None = None,
                   read_size: int = READ_SIZE) -> Iterator[str]:
    """Read ``fh`` in pieces and yield decoded text.

    Raises :class:`InputError` naming the byte offset of the first undecodable byte, and
    :class:`BinaryFileError` when ``check_binary`` and a NUL byte occurs in the first
    8000 bytes (never for UTF-16/32, where NUL bytes are normal).
    """
    dec = codecs.getincrementaldecoder(encoding)(errors)
    sniff = check_binary and not _may_contain_nul(encoding)
    utf8 = is_utf8(encoding)
    fed = 0
    read = getattr(fh, "read1", fh.read)
    while True:
        data = read(read_size)
        final = not data
        if sniff and fed < BINARY_SNIFF and data:
            k = data.find(b"\0", 0, BINARY_SNIFF - fed)
            if k >= 0:
                raise binary_file(display, fed + k)
        try:
            state = dec.getstate()[0]
            pending = len(state) if isinstance(state, (bytes, bytearray)) else 0
        except Exception:  # pragma: no cover - codecs without state
            pending = 0
        try:
            text = dec.decode(data, final)
        except UnicodeDecodeError as exc:
            offset = fed - pending + exc.start
            bad = exc.object[exc.start:exc.start + 1]
            hint = " (use --encoding ENC, or --errors surrogateescape to pass such bytes through)"
            if utf8:
                raise InputError(f"{display}: invalid UTF-8 at byte {offset} "
                                 f"(0x{bad.hex()}){hint}") from None
            raise InputError(f"{display}: cannot decode byte 0x{bad.hex()} at offset {offset} "
                             f"as {encoding}{hint}") from None
        fed += len(data)
        if on_bytes and data:
            on_bytes(len(data))
        if text:
            yield text
        if final:
            return


# --------------------------------------------------------------------------------------
# blocks
# --------------------------------------------------------------------------------------
@dataclass(slots=True)
class Block:
    """A piece of one input that is mended on its own.

    ``line`` (1-based), ``offset`` (0-based, code points) and ``column`` (0-based, non-zero
    only after a forced cut) say where it starts in the input.  ``head_cut``/``tail_cut``
    mark a forced cut inside a line (see module doc); ``last`` is set by the consumer.
    """

    text: str
    line: int = 1
    offset: int = 0
    column: int = 0
    head_cut: bool = False
    tail_cut: bool = False
    last: bool = False


_BLANK_RUN = re.compile(r"\n(?:[^\S\n]*\n)+")
_SENTENCE_WS = re.compile(r"[.!?][\"'”’»)\]]*\s+")
_WS = re.compile(r"\s+")


def _last_match(pattern: re.Pattern, s: str, lo: int, hi: int,
                window: int = 1 << 16) -> re.Match | None:
    """The last match of ``pattern`` inside ``s[lo:hi]``, searching backwards window by
    window (cheap when it is near ``hi``), or None."""
    end = hi
    while end > lo:
        start = max(lo, end - window)
        best = None
        for m in pattern.finditer(s, start, end):
            best = m
        if best is not None and best.end() > 0:
            return best
        end = start
    return None


def find_cut(buf: str, block_size: int, hard_limit: int, final: bool) -> tuple[int, bool] | None:
    """Where to cut ``buf``: ``(index, forced)``, or None to wait for more text."""
    n = len(buf)
    if n <= block_size:
        return (n, False) if final else None
    # the last paragraph boundary within the block size (the whole run of blank lines)
    m = _last_match(_BLANK_RUN, buf, 0, block_size)
    if m is not None:
        return _BLANK_RUN.match(buf, m.start()).end(), False
    # a paragraph longer than the block: up to its end, within the hard limit
    m = _BLANK_RUN.search(buf, block_size, min(n, hard_limit))
    if m:
        return m.end(), False
    if n <= hard_limit:
        return (n, False) if final else None
    # a single paragraph longer than the hard limit: forced cut
    k = buf.rfind("\n", 0, hard_limit)
    if k > 0:
        return k + 1, True
    for pattern in (_SENTENCE_WS, _WS):
        m = _last_match(pattern, buf, 0, hard_limit)
        if m is not None:
            return m.end(), True
    return hard_limit, True


def text_blocks(chunks: Iterable[str], block_size: int = BLOCK_SIZE,
                hard_limit: int | None = None) -> Iterator[Block]:
    """Cut decoded text into :class:`Block` objects (see the module docstring)."""
    hard = hard_limit or 4 * block_size
    buf = ""
    line, offset, column, head_cut = 1, 0, 0, False
    any_block = False
    it = iter(chunks)
    final = False
    while not final:
        piece = next(it, None)
        if piece is None:
            final = True
        else:
            buf = buf + piece if buf else piece
        while buf and (final or len(buf) > block_size):
            cut = find_cut(buf, block_size, hard, final)
            if cut is None:
                break
            k, forced = cut
            text, buf = buf[:k], buf[k:]
            blk = Block(text, line, offset, column, head_cut, forced and bool(buf))
            nl = text.count("\n")
            line += nl
            offset += len(text)
            column = len(text) - text.rfind("\n") - 1 if nl else column + len(text)
            head_cut = forced
            any_block = True
            yield blk
    if not any_block:
        yield Block("", 1, 0)


def whole_text_blocks(text: str, block_size: int = BLOCK_SIZE) -> Iterator[Block]:
    """``text_blocks([text])``: the blocks of a text read whole (a short one is one block,
    without the cutting machinery: the many small files of a tree)."""
    if len(text) <= block_size:
        return iter([Block(text)])
    return text_blocks([text], block_size)


def jsonl_blocks(chunks: Iterable[str], group_size: int = JSONL_GROUP) -> Iterator[Block]:
    """Cut decoded JSON Lines into groups of whole lines of about ``group_size`` characters.

    The groups are cut from the buffer at a moving position (``pos``): the rest of the
    buffer is copied once per piece read, not once per group."""
    buf = ""
    pos = 0  # where the next group starts in buf
    line, offset = 1, 0
    any_block = False
    it = iter(chunks)
    final = False
    while not final:
        piece = next(it, None)
        if piece is None:
            final = True
        else:
            buf = buf[pos:] + piece if pos < len(buf) else piece
            pos = 0
        while pos < len(buf) and (final or len(buf) - pos > group_size):
            if len(buf) - pos > group_size:
                k = buf.find("\n", pos + group_size - 1)
            else:
                k = -1
            if k < 0:
                k = buf.rfind("\n", pos, pos + group_size)
            if k < 0:
                k = buf.find("\n", pos + group_size)
            if k < 0:
                if not final:
                    break
                k = len(buf) - 1
            text = buf[pos:k + 1]
            pos = k + 1
            blk = Block(text, line, offset)
            line += text.count("\n")
            offset += len(text)
            any_block = True
            yield blk
    if not any_block:
        yield Block("", 1, 0)


# --------------------------------------------------------------------------------------
# atomic writes
# --------------------------------------------------------------------------------------
_ACTIVE: set[AtomicWriter] = set()
#: how a temporary file is opened (as ``tempfile.mkstemp`` opens it)
_TMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOINHERIT", 0)


@contextlib.contextmanager
def _signals_held():
    """Hold SIGINT and SIGTERM (delivered on exit from the block) where supported."""
    held = (signal.SIGINT, signal.SIGTERM)
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not POSIX
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class AtomicWriter:
    """Write ``target`` through a temporary file in the same directory.

    ``commit()`` flushes, fsyncs and renames the temporary file over the target (keeping
    the target's permission bits, and its owner when run as root); ``abort()`` removes it.
    A symbolic link is followed: its target is replaced, the link stays.  Every writer
    still open is listed in :data:`_ACTIVE` so :func:`abort_all` can clean up on an error
    or an interrupt.
    """

    def __init__(self, target: str):
        self.target = target
        self.real = os.path.realpath(target)
        directory = os.path.dirname(self.real) or "."
        base = os.path.basename(self.real)
        # Ctrl-C or SIGTERM between creating the temporary file and registering it would
        # leave it behind.  Holding the signals is not enough once other threads run (a
        # worker pool's): the signal may reach one of them and the main thread still raises.
        # So the name is registered first, then the file created under it (O_EXCL): an
        # interrupt at any point leaves nothing that abort_all() does not remove.
        self.fh = None
        with _signals_held():
            for _ in range(100):
                self.tmp = os.path.join(directory, f".{base}.{os.urandom(5).hex()}.textmend-tmp")
                _ACTIVE.add(self)
                try:
                    fd = os.open(self.tmp, _TMP_FLAGS, 0o600)
                except FileExistsError:
                    _ACTIVE.discard(self)
                    continue
                except OSError as exc:  # name the file the user asked for, not the temporary one
                    _ACTIVE.discard(self)
                    raise OSError(exc.errno, exc.strerror, target) from None
                break
            else:  # pragma: no cover - 100 names taken
                raise OSError(17, "cannot create a temporary file", target)
            self.fh = os.fdopen(fd, "wb")
        try:
            try:
                st = os.stat(self.real)
            except FileNotFoundError:
                os.fchmod(fd, 0o666 & ~_umask())
            else:
                os.fchmod(fd, stat.S_IMODE(st.st_mode))
                if os.geteuid() == 0 and (st.st_uid, st.st_gid) != (0, 0):
                    try:
                        os.fchown(fd, st.st_uid, st.st_gid)
                    except OSError:
                        pass
        except BaseException:
            self.abort()
            raise

    def write(self, data: bytes) -> None:
        self.fh.write(data)

    def commit(self) -> None:
        try:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
            os.replace(self.tmp, self.real)
        except BaseException:
            self.abort()
            raise
        _ACTIVE.discard(self)
        try:  # make the rename itself durable
            dfd = os.open(os.path.dirname(self.real) or ".", os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass

    def abort(self) -> None:
        try:
            if self.fh is not None:
                self.fh.close()
        except Exception:
            pass
        self._unlink()

    def _unlink(self) -> None:
        _ACTIVE.discard(self)
        try:
            os.unlink(self.tmp)
        except OSError:  # already renamed, or gone
            pass


def abort_all() -> None:
    """Remove every temporary file still open (on an error or an interrupt)."""
    for w in list(_ACTIVE):
        w.abort()


def is_jsonl_path(path: str | None) -> bool:
    return bool(path) and path.lower().endswith(JSONL_SUFFIXES)


__all__ = ["AtomicWriter", "Block", "BinaryFileError", "InputError", "Notice", "Source",
           "abort_all", "decoded_chunks", "find_cut", "iter_sources", "jsonl_blocks",
           "text_blocks", "BLOCK_SIZE", "JSONL_GROUP", "DEFAULT_INCLUDE", "JSONL_INCLUDE"]

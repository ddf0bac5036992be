"""textmend on Dask: data frames, bags, and files too large for one machine's patience.

* :func:`mend_dataframe`: a Dask DataFrame with a text column mended (optionally a column of
  edit counts and one of JSON edit reports);
* :func:`mend_bag`: a Dask Bag of texts (or of dicts, with ``fields=``) mended;
* :func:`mend_paths`: text or JSON Lines files read in blocks on a cluster, mended and
  written as ``output_dir/<input name>/part-00000.<ext>``: what ``textmend --engine dask``
  runs.

Each worker process builds the pipeline and loads the lexicon once: the options go into the
task graph once (one key that every task depends on, so Dask sends it to each worker once)
as a :class:`textmend.batch.PipelineSpec`, and workers keep the built pipeline in a
per-process cache keyed by the options' hash.  A user lexicon (a TOML path or a
:class:`textmend.Lexicon`) is read on the client and travels as its entries.

Importing this module does not import Dask; the functions do (``pip install 'textmend[dask]'``).
"""
from __future__ import annotations

import math
import os
import sys
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from .batch import (PipelineSpec, _is_missing, as_spec, mend_block, mend_jsonl_line,
                    pipeline_for, report_json)

FORMATS = ("text", "jsonl")
DEFAULT_MIN_BLOCK = 1 << 20  # 1 MiB
DEFAULT_MAX_BLOCK = 64 << 20  # 64 MiB


def _need_dask(what: str = "textmend.dask") -> None:
    try:
        import dask  # noqa: F401
    except ImportError:
        raise ImportError(f"{what} needs Dask: pip install 'textmend[dask]'") from None


def _options_key(spec: PipelineSpec) -> Any:
    """The options as one graph key (a Delayed): sent to each worker once, not per task."""
    import dask

    return dask.delayed(spec, name=f"textmend-options-{spec.token}", pure=True)


# -- data frames ----------------------------------------------------------------------------


def _mend_frame(pdf: Any, spec: PipelineSpec, column: str, edits_column: str | None,
                report_column: str | None) -> Any:
    import pandas as pd

    p = pipeline_for(spec) if len(pdf) else None  # (the empty meta frame needs no pipeline)
    s = pdf[column]
    texts: list[Any] = []
    counts: list[int] = []
    reports: list[Any] = []
    for v in s.tolist():
        if _is_missing(v):
            texts.append(v)
            counts.append(0)
            reports.append(None)
            continue
        r = p.explain(v)
        texts.append(r.text)
        if edits_column:
            counts.append(len(r.edits))
        if report_column:
            reports.append(report_json(r))
    out = pdf.copy(deep=False)
    keep = s.dtype == object or isinstance(s.dtype, pd.StringDtype)
    out[column] = pd.Series(texts, index=pdf.index, dtype=s.dtype if keep else object, name=column)
    if edits_column:
        out[edits_column] = pd.Series(counts, index=pdf.index, dtype="int64")
    if report_column:
        out[report_column] = pd.Series(reports, index=pdf.index, dtype=_report_dtype(s.dtype))
    return out


def _report_dtype(text_dtype: Any) -> Any:
    import pandas as pd

    return text_dtype if isinstance(text_dtype, pd.StringDtype) else object


def mend_dataframe(ddf: Any, column: str = "text", *, edits_column: str | None = None,
                   report_column: str | None = None, **options: Any) -> Any:
    """``ddf`` with ``column`` mended (lazily: call ``.compute()`` or write it out).

    ``edits_column`` adds the number of applied edits per row, ``report_column`` the JSON
    report of the edits, flags and suggestions (see :func:`textmend.batch.report_json`).
    Missing values stay missing (0 edits, no report).  ``options`` are those of
    :func:`textmend.mend` (``lexicon=``, ``select=``, ``unsafe_fixes=`` ...).

    >>> import dask.dataframe as dd, pandas as pd
    >>> ddf = dd.from_pandas(pd.DataFrame({"text": ["a four -day visit", "ok"]}), npartitions=2)
    >>> mend_dataframe(ddf, edits_column="n").compute()["n"].tolist()
    [1, 0]
    """
    _need_dask()
    if column not in ddf.columns:
        raise KeyError(f"no column {column!r} (columns: {', '.join(map(str, ddf.columns))})")
    for name in (edits_column, report_column):
        if name is not None and (not isinstance(name, str) or name == column):
            raise ValueError(f"edits_column/report_column must be new column names, not {name!r}")
    spec = as_spec(options)
    meta = _mend_frame(ddf._meta, spec, column, edits_column, report_column)
    return ddf.map_partitions(_mend_frame, _options_key(spec), column, edits_column,
                              report_column, meta=meta)


# -- bags ---------------------------------------------------------------------------------


def _mend_items(items: Iterable[Any], spec: PipelineSpec, fields: Sequence[str] | None) -> list[Any]:
    p = pipeline_for(spec)
    if fields is None:
        return [p.mend(t) for t in items]
    out = []
    for rec in items:
        rec = dict(rec)
        for f in fields:
            v = rec.get(f)
            if isinstance(v, str):
                rec[f] = p.mend(v)
        out.append(rec)
    return out


def mend_bag(bag: Any, *, fields: Sequence[str] | None = None, **options: Any) -> Any:
    """A Dask Bag of texts, mended (lazily).  With ``fields=("text", ...)`` the bag holds
    dicts (records of JSON Lines, say) and the string values of those keys are mended.

    >>> import dask.bag as db
    >>> mend_bag(db.from_sequence(["a four -day visit", "ok"])).compute()
    ['a four-day visit', 'ok']
    """
    _need_dask()
    if isinstance(fields, str):
        fields = (fields,)
    spec = as_spec(options)
    return bag.map_partitions(_mend_items, _options_key(spec), None if fields is None else tuple(fields))


# -- files --------------------------------------------------------------------------------


class _BlockError(Exception):
    """Raised in a worker: ``path``, byte offset, what is wrong (``plain``: no line number)."""

    def __init__(self, path: str, pos: int, problem: str, plain: bool = False):
        super().__init__(path, pos, problem, plain)
        self.path, self.pos, self.problem, self.plain = path, pos, problem, plain


def _iter_block(f: Any, offset: int, length: int | None) -> Iterable[tuple[int, bytes]]:
    """The lines (with ``\\n``) that *start* in ``[offset, offset + length)``, with positions."""
    if offset > 0:
        f.seek(offset - 1)
        if f.read(1) != b"\n":
            f.readline()  # the rest of a line that belongs to the block before
    pos = f.tell() if offset > 0 else 0
    end = math.inf if length is None else offset + length
    while pos < end:
        line = f.readline()
        if not line:
            break
        yield pos, line
        pos += len(line)


_BOM = "\ufeff"
_SNIFF = 8000  # a NUL byte in the first 8000 bytes: a binary file (as the command line says)


def _mend_jsonl_block(path: str, offset: int, length: int | None, compression: str | None,
                      out_path: str, fields: tuple[str, ...], spec: PipelineSpec) -> list[tuple[int, str]]:
    """Mend the JSON Lines that start in one byte range of ``path`` into ``out_path``;
    return ``(byte position, message)`` for the lines passed through unchanged."""
    import fsspec

    p = pipeline_for(spec)
    messages: list[tuple[int, str]] = []
    with fsspec.open(path, "rb", compression=compression) as f, fsspec.open(out_path, "wb") as out:
        for pos, raw in _iter_block(f, offset, length):
            if pos < _SNIFF and b"\0" in raw[:_SNIFF - pos]:
                k = pos + raw.index(b"\0")
                raise _BlockError(path, k, f"binary file (NUL byte at offset {k})", plain=True)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _BlockError(path, pos + exc.start, f"invalid UTF-8 at byte {pos + exc.start} "
                                  f"(0x{raw[exc.start:exc.start + 1].hex()})", plain=True) from None
            bom = ""
            if pos == 0 and line.startswith(_BOM):  # kept, and not part of the record
                bom, line = _BOM, line[1:]
            new, why = mend_jsonl_line(line, p, fields)
            out.write((bom + new).encode("utf-8"))
            messages.extend((pos, w) for w in why)
    return messages


def _plan_text(path: str, compression: str | None, block_size: int,
               display: str | None = None) -> tuple[bool, list[tuple]]:
    """Cut a text file where the command line cuts it (:func:`textmend.io.text_blocks`:
    paragraph boundaries, about ``block_size`` characters): ``(bom, [(start byte, end byte,
    head_cut, tail_cut), ...])``."""
    import fsspec

    from .io import decoded_chunks, text_blocks

    bom = [False]

    def strip_bom(chunks):
        first = True
        for c in chunks:
            if first:
                first = False
                if c.startswith(_BOM):
                    bom[0] = True
                    c = c[1:]
                    if not c:
                        continue
            yield c

    out: list[tuple] = []
    with fsspec.open(path, "rb", compression=compression) as f:
        blocks = text_blocks(strip_bom(decoded_chunks(f, display or path)), block_size)
        pos = None
        for b in blocks:
            if pos is None:
                pos = 3 if bom[0] else 0
            n = len(b.text.encode("utf-8"))
            out.append((pos, pos + n, b.head_cut, b.tail_cut))
            pos += n
    return bom[0], out


def _mend_text_blocks(path: str, compression: str | None, bom: bool, ranges: list[tuple],
                      out_path: str, spec: PipelineSpec) -> int:
    """Mend consecutive blocks of a text file, each one on its own, into ``out_path``."""
    import fsspec

    p = pipeline_for(spec)
    with fsspec.open(path, "rb", compression=compression) as f, fsspec.open(out_path, "wb") as out:
        if ranges and ranges[0][0]:
            f.seek(ranges[0][0])
        if bom and ranges and ranges[0][0] <= 3:
            out.write(_BOM.encode("utf-8"))
        for start, end, head_cut, tail_cut in ranges:
            text = f.read(end - start).decode("utf-8")  # (checked by the plan)
            out.write(mend_block(p, text, head_cut, tail_cut).encode("utf-8"))
    return len(ranges)


def _group(ranges: list[tuple], size: int) -> list[list[tuple]]:
    """Consecutive blocks in groups of about ``size`` bytes (one task and part file each)."""
    groups: list[list[tuple]] = []
    cur: list[tuple] = []
    for r in ranges:
        if cur and r[1] - cur[0][0] > size:
            groups.append(cur)
            cur = []
        cur.append(r)
    if cur or not groups:
        groups.append(cur)
    return groups


def _line_numbers(path: str, positions: list[int]) -> dict[int, int]:
    """Line numbers (1-based) of byte positions, in one pass over the file."""
    import fsspec

    want = sorted(set(positions))
    found: dict[int, int] = {}
    try:
        with fsspec.open(path, "rb", compression="infer") as f:
            line, seen, k = 1, 0, 0
            while k < len(want):
                chunk = f.read(1 << 20)
                if not chunk:
                    break
                while k < len(want) and want[k] < seen + len(chunk):
                    found[want[k]] = line + chunk.count(b"\n", 0, want[k] - seen)
                    k += 1
                line += chunk.count(b"\n")
                seen += len(chunk)
    except OSError:
        pass
    return found


def _output_names(paths: list[str]) -> list[str]:
    from fsspec.utils import infer_compression

    names, used = [], set()
    for path in paths:
        base = path.rstrip("/").rsplit("/", 1)[-1]
        if infer_compression(base):
            base = base.rsplit(".", 1)[0]
        stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
        stem = stem or "input"
        name, k = stem, 2
        while name in used:
            name, k = f"{stem}-{k}", k + 1
        used.add(name)
        names.append(name)
    return names


def _expand(paths: Sequence[str], display: dict[str, str]) -> list[tuple[str, int]]:
    """``(path, size)`` for every input; globs are expanded, in order.  ``display`` gets
    the name to show for each path (as given, unless it came from a glob)."""
    import fsspec

    out = []
    for raw in paths:
        if raw == "-":
            raise ValueError("the dask engine reads files, not standard input ('-')")
        fs, _, found = fsspec.get_fs_token_paths(str(raw))
        if not found or (len(found) == 1 and not fs.exists(found[0])):
            raise FileNotFoundError(f"{raw}: no such file")
        for path in found:
            if fs.isdir(path):
                raise IsADirectoryError(f"{raw}: is a directory (give the files, or a glob)")
            full = fs.unstrip_protocol(path) if "://" in str(raw) else path
            display.setdefault(full, raw if len(found) == 1 and not fsspec.core.has_magic(raw) else full)
            out.append((full, fs.size(path)))
    return out


def _blocksize(total: int, nthreads: int, blocksize: Any) -> int:
    if blocksize is not None:
        from dask.utils import parse_bytes

        bs = parse_bytes(blocksize) if isinstance(blocksize, str) else int(blocksize)
        if bs < 1:
            raise ValueError(f"blocksize must be positive, not {blocksize!r}")
        return bs
    # about four tasks per worker thread, each between 1 and 64 MiB
    return int(min(DEFAULT_MAX_BLOCK, max(DEFAULT_MIN_BLOCK, total / (4 * nthreads))))


def _error(msg: str) -> None:
    print(f"textmend: error: {msg}", file=sys.stderr)


def _warn(owners: list[str], results: list[list[tuple[int, str]]], display: dict[str, str]) -> None:
    """Print what the tasks passed through unchanged as ``textmend: path:line: why``."""
    by_path: dict[str, list[tuple[int, str]]] = {}
    for path, found in zip(owners, results):
        if found:
            by_path.setdefault(path, []).extend(found)
    for path, found in by_path.items():
        lines = _line_numbers(path, [pos for pos, _ in found])
        for pos, why in found:
            print(f"textmend: {display.get(path, path)}:{lines.get(pos, '?')}: {why}", file=sys.stderr)


_LOCAL_SCHEDULERS = ("threads", "processes", "synchronous", "sync", "single-threaded")


class _Runner:
    """Runs lists of Delayed tasks: on a Dask cluster (an address, or a local one started on
    first need) or on a local Dask scheduler."""

    def __init__(self, scheduler: Any, total: int):
        self.scheduler, self.total = scheduler, total
        self.client = self.cluster = None
        self.own_client = True
        if hasattr(scheduler, "compute") and hasattr(scheduler, "gather"):  # a Client
            self.client, self.scheduler, self.own_client = scheduler, None, False
        elif scheduler is not None and scheduler not in _LOCAL_SCHEDULERS:
            from distributed import Client

            try:
                self.client = Client(scheduler, set_as_default=False, timeout="20s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise ConnectionError(f"cannot connect to the Dask scheduler at {scheduler}: {exc}") from None

    def nthreads(self) -> int:
        if self.client is not None:
            try:
                return max(1, sum(self.client.nthreads().values()))
            except Exception:  # noqa: BLE001
                pass
        return os.cpu_count() or 1

    def run(self, tasks: list[Any]) -> list[Any]:
        import dask

        if not tasks:
            return []
        if self.client is None and self.scheduler is None and len(tasks) > 1 \
                and self.total > DEFAULT_MIN_BLOCK:  # (small inputs: not worth starting workers)
            self._start_local(len(tasks))
        if self.client is not None:
            return self.client.gather(self.client.compute(tasks))
        return list(dask.compute(*tasks, scheduler=self.scheduler or "synchronous"))

    def _start_local(self, ntasks: int) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            self.scheduler = "processes"
            return
        workers = max(1, min(os.cpu_count() or 1, ntasks))
        self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                    dashboard_address=None)
        self.client = Client(self.cluster, set_as_default=False)

    def close(self) -> None:
        if self.client is not None and self.own_client:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def mend_paths(paths: Sequence[str], output_dir: str, *, fmt: str = "text",
               fields: Sequence[str] = ("text",), scheduler: Any = None,
               options: dict[str, Any] | None = None, blocksize: int | str | None = None) -> int:
    """Mend text or JSON Lines files with Dask; return an exit code (0 ok, 2 error).

    Each input ``data/x.jsonl`` is written to ``output_dir/x/part-00000.jsonl``,
    ``part-00001.jsonl``... (``.txt`` for text), in order: concatenating the parts gives
    byte for byte what the local command line writes for that file (``-o FILE``), with
    the same blocks mended by the same function (:func:`textmend.batch.mend_block`).  Old
    ``part-*`` files of that format in those folders are removed first.

    * ``fmt="jsonl"``: the lines are independent records, so the file is read in byte
      ranges of ``blocksize`` (whole lines), one task and part each; the string ``fields``
      of each record are mended (:func:`textmend.batch.mend_jsonl_line`).
    * ``fmt="text"``: a file is cut where the command line cuts it
      (:func:`textmend.io.text_blocks`: paragraph boundaries, about 1 MiB), each block is
      mended on its own, and consecutive blocks are grouped into tasks of ``blocksize``.
      Finding the cuts reads each file once more (one task per file, fast next to mending).

    ``blocksize`` (bytes, or ``"16 MiB"``) defaults to about four tasks per worker thread,
    within 1 to 64 MiB.  Compressed inputs (``.gz``, ``.bz2``, ``.xz``...) are one task each.

    ``scheduler``: the address of a running Dask scheduler (``tcp://host:8786``), a
    ``distributed.Client``, or ``"threads"``, ``"processes"``, ``"synchronous"``; None
    starts a local cluster (one process per CPU) when there is more than one task and more
    than 1 MiB of input.  The workers must see the input and output paths (a shared file system, or fsspec URLs such as ``s3://...``).
    ``options`` are the :func:`textmend.mend` options (``lexicon=`` files are read here).
    Lines of JSON Lines passed through unchanged (not JSON, a missing field...) are reported
    on stderr as ``textmend: <path>:<line>: <why>``, as the command line does; errors as
    ``textmend: error: <path>: <problem>`` (exit code 2).
    """
    runner = None
    display: dict[str, str] = {}
    try:
        _need_dask("--engine dask")
        import dask
        import fsspec
        from fsspec.utils import infer_compression

        from . import io as tio

        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
        if isinstance(fields, str):
            fields = (fields,)
        fields = tuple(fields)
        if fmt == "jsonl" and (not fields or not all(isinstance(f, str) for f in fields)):
            raise ValueError(f"fields must be a list of field names, not {fields!r}")
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        if not paths:
            raise ValueError("no input files")
        spec = PipelineSpec(options)  # reads lexicon files here: errors now, not on a worker
        inputs = _expand([os.fspath(p) for p in paths], display)
        runner = _Runner(scheduler, sum(size for _, size in inputs))
        bs = _blocksize(runner.total, runner.nthreads(), blocksize)

        out_fs, _, (out_root,) = fsspec.get_fs_token_paths(os.fspath(output_dir))
        ext = "txt" if fmt == "text" else "jsonl"
        folders = []
        for (path, _), name in zip(inputs, _output_names([p for p, _ in inputs])):
            folder = f"{out_root.rstrip('/')}/{name}"
            out_fs.makedirs(folder, exist_ok=True)
            for old in out_fs.glob(f"{folder}/part-*.{ext}"):
                out_fs.rm(old)
            folders.append((name, folder))

        def part(folder: str, i: int) -> str:
            return out_fs.unstrip_protocol(f"{folder}/part-{i:05d}.{ext}")

        key = _options_key(spec)
        tok = uuid.uuid4().hex[:12]  # task keys unique to this run: never a cached result
        tasks = []
        if fmt == "jsonl":
            owners = []
            for (path, size), (name, folder) in zip(inputs, folders):
                compression = infer_compression(path)
                n = 1 if compression else max(1, math.ceil(size / bs))
                for i in range(n):
                    length = None if i == n - 1 else bs
                    tasks.append(dask.delayed(_mend_jsonl_block, pure=False)(
                        path, i * bs, length, compression, part(folder, i), fields, key,
                        dask_key_name=f"textmend-jsonl-{name}-{i:05d}-{tok}"))
                    owners.append(path)
            results = runner.run(tasks)
            _warn(owners, results, display)
        else:
            plans = runner.run([dask.delayed(_plan_text, pure=False)(
                path, infer_compression(path), tio.BLOCK_SIZE, display.get(path),
                dask_key_name=f"textmend-plan-{name}-{tok}")
                for (path, _), (name, _) in zip(inputs, folders)])
            for (path, _), (name, folder), (bom, ranges) in zip(inputs, folders, plans):
                compression = infer_compression(path)
                groups = [ranges] if compression else _group(ranges, bs)
                for i, group in enumerate(groups):
                    tasks.append(dask.delayed(_mend_text_blocks, pure=False)(
                        path, compression, bom, group, part(folder, i), key,
                        dask_key_name=f"textmend-text-{name}-{i:05d}-{tok}"))
            runner.run(tasks)
        return 0
    except _BlockError as exc:
        where = exc.problem
        if not exc.plain:
            line = _line_numbers(exc.path, [exc.pos]).get(exc.pos)
            where = f"line {line}: {exc.problem}" if line else f"byte {exc.pos}: {exc.problem}"
        _error(f"{display.get(exc.path, exc.path)}: {where}")
    except (OSError, ValueError, TypeError, ImportError, KeyError) as exc:
        msg = str(exc)
        if isinstance(exc, OSError) and exc.strerror:
            msg = f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
        _error(msg)
    except Exception as exc:  # noqa: BLE001 - io.InputError, a worker died, the scheduler went away
        from .io import InputError as IOInputError

        if isinstance(exc, IOInputError):
            _error(str(exc))
        else:
            _error(f"the Dask run failed: {type(exc).__name__}: {exc}")
    finally:
        if runner is not None:
            runner.close()
    return 2


__all__ = ["mend_bag", "mend_dataframe", "mend_paths"]

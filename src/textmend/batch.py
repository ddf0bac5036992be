"""textmend as a step in other pipelines: many documents, other processes, other libraries.

* :func:`mend_many` / :func:`explain_many`: mend an iterable of texts, in order, lazily, with
  bounded memory, optionally on a pool of worker processes (``jobs=4``);
* :func:`make_batch_mender` / :func:`mend_batch`: a batch function for
  ``datasets.Dataset.map(batched=True)`` (a dict of columns in, a dict of columns out);
* :func:`mend_series`: a ``pandas.Series`` of texts, mended;
* :func:`mend_jsonl`: the lines of a JSON Lines file, the way the command line (and
  ``textmend.dask.mend_paths``) mends them.

Every result is what :func:`textmend.mend` gives for the same options.  Neither pandas nor
``datasets`` is needed to import this module.

Worker processes build each pipeline once: options travel as a :class:`PipelineSpec`, which
pickles as a content hash plus the pickled options (a :class:`~textmend.Lexicon` pickles as
its entries), and :func:`pipeline_for` keeps the built pipelines in a small per-process
cache keyed by that hash.

>>> list(mend_many(["a four -day visit", "fine"]))
['a four-day visit', 'fine']
>>> mend_batch({"id": [1, 2], "text": ["a two -day summit", None]})
{'text': ['a two-day summit', None]}
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import pickle
import sys
import threading
from collections import Counter, OrderedDict, deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from .edits import Result
from .pipeline import Pipeline

if TYPE_CHECKING:
    import multiprocessing.context

#: texts sent to a worker at a time by :func:`mend_many` with ``jobs > 1``
DEFAULT_CHUNKSIZE = 32

# -- options that travel to other processes ---------------------------------------------


def _normalise_lexicon(arg: Any) -> Any:
    """Load lexicon files here, so that errors show up at once and workers need no files."""
    from .lexicon import Lexicon

    def one(a: Any) -> Any:
        return a if isinstance(a, Lexicon) else Lexicon.from_toml(a)

    if arg is None:
        return None
    if isinstance(arg, dict):
        extra = arg.get("extra", [])
        items = extra if isinstance(extra, (list, tuple)) else [extra]
        return {**arg, "extra": [one(a) for a in items]}
    if isinstance(arg, (list, tuple)):
        return [one(a) for a in arg]
    return one(arg)


def _dumps(obj: Any) -> bytes:
    try:  # cloudpickle (a dask dependency) also ships rules defined in __main__ or a notebook
        import cloudpickle
    except ImportError:  # pragma: no cover - dask extra absent
        return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return cloudpickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)


class PipelineSpec:
    """Pipeline options ready to send to other processes.

    ``token`` is a hash of the pickled options: equal options give equal tokens, so a worker
    that already built this pipeline neither rebuilds it nor even unpickles the options
    again.  Lexicon files named in ``lexicon=`` are read here (a :class:`LexiconError` is
    raised at once, and workers need no access to the file).
    """

    __slots__ = ("token", "_payload", "_options")

    def __init__(self, options: dict[str, Any] | None = None):
        options = dict(options or {})
        if "lexicon" in options:
            options["lexicon"] = _normalise_lexicon(options["lexicon"])
        self._options: dict[str, Any] | None = options
        try:
            self._payload = _dumps(options)
        except Exception as exc:
            raise TypeError(f"textmend options cannot be sent to worker processes: {exc}") from None
        self.token = hashlib.sha1(self._payload).hexdigest()

    @property
    def options(self) -> dict[str, Any]:
        if self._options is None:
            self._options = pickle.loads(self._payload)
        return self._options

    def pipeline(self) -> Pipeline:
        """The pipeline for these options, built once per process."""
        return pipeline_for(self)

    def __reduce__(self):
        return (_spec_from_wire, (self.token, self._payload))

    def __repr__(self) -> str:
        return f"<PipelineSpec {self.token[:10]} ({len(self._payload)} bytes)>"


def _spec_from_wire(token: str, payload: bytes) -> PipelineSpec:
    spec = PipelineSpec.__new__(PipelineSpec)
    spec.token, spec._payload, spec._options = token, payload, None
    return spec


def as_spec(options: PipelineSpec | dict[str, Any] | None) -> PipelineSpec:
    return options if isinstance(options, PipelineSpec) else PipelineSpec(options)


_CACHE_SIZE = 8
_PIPELINES: OrderedDict[str, Pipeline] = OrderedDict()
_BUILDS: Counter[str] = Counter()
_LOCK = threading.Lock()


def pipeline_for(spec: PipelineSpec) -> Pipeline:
    """The pipeline for ``spec`` in this process: built (and its lexicon loaded) once."""
    p = _PIPELINES.get(spec.token)
    if p is not None:
        return p
    with _LOCK:
        p = _PIPELINES.get(spec.token)
        if p is None:
            p = Pipeline(**spec.options)
            p.lexicon  # load it now, once, not in the middle of a task
            _PIPELINES[spec.token] = p
            _BUILDS[spec.token] += 1
            while len(_PIPELINES) > _CACHE_SIZE:
                _PIPELINES.popitem(last=False)
        return p


def worker_state() -> dict[str, Any]:
    """What this process has cached: ``{"pid", "pipelines": {token: {"builds", "lexicon"}}}``.

    Handy on a cluster: ``client.run(textmend.batch.worker_state)``.
    """
    return {"pid": os.getpid(),
            "pipelines": {t: {"builds": _BUILDS[t], "lexicon": len(p.lexicon)}
                          for t, p in list(_PIPELINES.items())}}


# -- reports ----------------------------------------------------------------------------


def report_dict(result: Result) -> dict[str, list[dict[str, Any]]]:
    """The edits, flags and suggestions of a :class:`Result` as plain dicts."""
    return {"edits": [e.to_dict() for e in result.edits],
            "flags": [f.to_dict() for f in result.flags],
            "suggestions": [s.to_dict() for s in result.suggestions]}


def report_json(result: Result) -> str:
    """:func:`report_dict` as one line of JSON (for a report column)."""
    return json.dumps(report_dict(result), ensure_ascii=False)


# -- mend_many ----------------------------------------------------------------------------

_WORKER_SPEC: PipelineSpec | None = None


def _init_worker(spec: PipelineSpec) -> None:
    global _WORKER_SPEC
    _WORKER_SPEC = spec
    pipeline_for(spec)


class LearnedRelay:
    """What worker processes learned per word (:meth:`Pipeline.take_learned`), passed on to
    the workers with the next batches: each piece goes with the next ``jobs`` batches, so
    that every worker is likely to get it once and learns the word from it, not again."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self._pieces: deque[tuple[int, dict]] = deque()  # (sends left, what was learned)

    def received(self, learned: dict) -> None:
        """A worker's batch came back with ``learned``."""
        if learned:
            self._pieces.append((self.jobs, learned))

    def outgoing(self) -> list[dict]:
        """What goes with the batch about to be sent."""
        out = [data for _, data in self._pieces]
        self._pieces = deque((n - 1, data) for n, data in self._pieces if n > 1)
        return out


def _run_chunk(texts: list[Any], explain: bool, shared: Sequence[dict] = ()
               ) -> tuple[list[Any], BaseException | None, dict]:
    """Mend a chunk in a worker.  On an error, return what was done before it and the error,
    so that the caller yields exactly what a serial loop would have yielded before raising.
    ``shared``: what other workers learned per word (:meth:`Pipeline.absorb_learned`); the
    third item is what this chunk taught (:meth:`Pipeline.take_learned`), to pass on."""
    p = pipeline_for(_WORKER_SPEC)
    for learned in shared:
        p.absorb_learned(learned)
    try:
        p.prepare(texts, flags=explain)
    except Exception as exc:  # noqa: BLE001 - handed back to the caller
        return [], exc, p.take_learned()
    done, exc = explain_chunk(p, texts, flags=explain)
    return [r if explain else r.text for r in done], exc, p.take_learned()


def explain_chunk(p: Pipeline, texts: list[Any], flags: bool = True) -> tuple[list[Result], Exception | None]:
    """``p.explain(t, flags=flags)`` of each text, all at once with ``p.explain_many``
    (~10 % faster), and None; or, when a text raises, the results of the texts before it and
    the error, as a plain loop would have stopped.  ``flags=False``: for the texts alone."""
    try:
        return p.explain_many(texts, flags=flags), None
    except Exception:  # noqa: BLE001 - found again below, text by text
        pass
    out: list[Result] = []
    for t in texts:
        try:
            out.append(p.explain(t, flags=flags))
        except Exception as exc:  # noqa: BLE001 - handed back to the caller
            return out, exc
    return out, None


def _check_jobs(jobs: Any, chunksize: Any) -> int:
    if isinstance(jobs, bool) or not isinstance(jobs, int) and jobs is not None:
        raise TypeError(f"jobs must be an int, not {type(jobs).__name__}")
    if isinstance(chunksize, bool) or not isinstance(chunksize, int) or chunksize < 1:
        raise ValueError(f"chunksize must be a positive int, not {chunksize!r}")
    if jobs is None or jobs <= 0:
        return os.cpu_count() or 1
    return jobs


def import_before_fork(*, own_process: bool = False) -> None:
    """Import, in a process about to fork workers for a long run, what every worker would
    otherwise import on its own: numpy, with which the names rule batches its fuzzy
    look-ups (:meth:`NameIndex.prime`) from the first words on, not after 500 looked up one
    by one in each worker (the serial path's policy, which spares short runs the import).
    Measured on BBC + Reuters, ``--jobs 2``: 1.03 G instructions of the workers' own work
    over the serial run's fell to 0.25 G (cachegrind), and the run took 2.49 s instead of
    2.74 s (median of 8).  Only speed is at stake: results never depend on it.

    ``own_process``: the caller owns the process (the command line), so numpy's BLAS
    thread pools are turned off first (unless set): textmend never calls BLAS, the import
    then spends no CPU starting them, and the process forks with one thread.  A library
    call leaves the user's settings alone."""
    if own_process and "numpy" not in sys.modules:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, "1")
    try:
        import numpy  # noqa: F401
    except Exception:  # noqa: BLE001 - not installed, or broken: the look-ups go one by one
        pass


def _mp_context() -> multiprocessing.context.BaseContext:
    # fork is fast (workers inherit what is loaded) but unsafe once other threads run
    import multiprocessing  # (here: a serial run never needs it, ~10 ms of every start-up)

    methods = multiprocessing.get_all_start_methods()
    chosen = multiprocessing.get_start_method(allow_none=True)  # None: not set, do not set it
    if chosen is None:
        chosen = "fork" if sys.platform == "linux" and sys.version_info < (3, 14) else None
    if chosen == "fork" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if chosen in (None, "fork"):
        chosen = "forkserver" if "forkserver" in methods else "spawn"
    return multiprocessing.get_context(chosen)


def _many(iterable: Iterable[Any], jobs: Any, chunksize: Any, options: dict[str, Any],
          explain: bool) -> Iterator[Any]:
    """Check the arguments now (errors at the call, not at the first ``next``)."""
    jobs = _check_jobs(jobs, chunksize)
    if jobs == 1:
        from . import get_pipeline

        return _serial(iter(iterable), get_pipeline(**options), explain, chunksize)
    return _parallel(iter(iterable), jobs, chunksize, PipelineSpec(options), explain)


def _serial(it: Iterator[Any], p: Pipeline, explain: bool, chunksize: int = DEFAULT_CHUNKSIZE) -> Iterator[Any]:
    """Texts read a chunk ahead, so that :meth:`Pipeline.prepare` sees them together; an
    error of the iterable is raised where a plain loop would raise it (after the texts
    before it)."""
    while True:
        chunk: list[Any] = []
        error = None
        try:
            for t in it:
                chunk.append(t)
                if len(chunk) == chunksize:
                    break
        except Exception as exc:  # noqa: BLE001 - raised below, in its place
            error = exc
        p.prepare(chunk, flags=explain)
        done, failed = explain_chunk(p, chunk, flags=explain)
        for r in done:
            yield r if explain else r.text
        if failed is not None:  # (a text raised: in its place, after the texts before it)
            raise failed
        if error is not None:
            raise error
        if len(chunk) < chunksize:
            return


def _parallel(it: Iterator[Any], jobs: int, chunksize: int, spec: PipelineSpec,
              explain: bool) -> Iterator[Any]:
    from concurrent.futures import ProcessPoolExecutor

    window = 2 * jobs  # chunks in flight: memory stays bounded, workers stay busy
    ctx = _mp_context()
    if ctx.get_start_method() == "fork":
        import_before_fork()
        pipeline_for(spec)  # build it here once: forked workers inherit it, built
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=ctx,
                               initializer=_init_worker, initargs=(spec,))
    try:
        pending: deque = deque()
        relay = LearnedRelay(jobs)

        def submit() -> bool:
            chunk = list(islice(it, chunksize))
            if chunk:
                pending.append(pool.submit(_run_chunk, chunk, explain, relay.outgoing()))
            return bool(chunk)

        while len(pending) < window and submit():
            pass
        while pending:
            done, exc, learned = pending.popleft().result()
            relay.received(learned)
            if exc is None:
                submit()
            yield from done
            if exc is not None:
                raise exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def mend_many(iterable: Iterable[str], jobs: int | None = 1, chunksize: int = DEFAULT_CHUNKSIZE,
              **options: Any) -> Iterator[str]:
    """Mend every text of ``iterable``, in order: the same as ``[mend(t, **options) for t in
    iterable]`` but lazy (a generator) and, with ``jobs > 1``, on that many worker processes.

    The input is read as the output is consumed, ``chunksize`` texts at a time, with at most
    ``2 * jobs`` chunks in flight, so memory stays bounded on endless inputs.  Each worker
    builds the pipeline once.  ``jobs=None`` or ``0`` uses every CPU.  An input that is not a
    ``str`` raises the same ``TypeError`` as :func:`textmend.mend`, after the results before it.

    >>> list(mend_many(["a four -day visit"], jobs=1))
    ['a four-day visit']
    """
    return _many(iterable, jobs, chunksize, options, explain=False)


def explain_many(iterable: Iterable[str], jobs: int | None = 1, chunksize: int = DEFAULT_CHUNKSIZE,
                 **options: Any) -> Iterator[Result]:
    """Like :func:`mend_many`, but yields :class:`Result` objects (edits, flags) as
    :func:`textmend.explain` does."""
    return _many(iterable, jobs, chunksize, options, explain=True)


# -- datasets / pandas ----------------------------------------------------------------------


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NAType", "NaTType")


def _columns(column: str | Sequence[str]) -> list[str]:
    cols = [column] if isinstance(column, str) else list(column)
    if not cols or not all(isinstance(c, str) for c in cols):
        raise TypeError(f"column must be a column name or a list of names, not {column!r}")
    return cols


class BatchMender:
    """A picklable batch function: ``{"text": [...], ...} -> {"text": [mended...], ...}``.

    Made by :func:`make_batch_mender`.  Missing values (``None``, NaN) stay as they are.  The
    pipeline is built on first use in each process and is not pickled with the function.
    """

    def __init__(self, column: str | Sequence[str] = "text", report_column: str | None = None,
                 edits_column: str | None = None, **options: Any):
        self.columns = _columns(column)
        if (report_column or edits_column) and len(self.columns) != 1:
            raise ValueError("report_column and edits_column need exactly one text column")
        self.report_column = report_column
        self.edits_column = edits_column
        self.spec = as_spec(options)

    def __call__(self, batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        if not hasattr(batch, "keys"):
            raise TypeError(f"a batch is a dict of columns (lists), not {type(batch).__name__}")
        p = pipeline_for(self.spec)
        out: dict[str, list[Any]] = {}
        for col in self.columns:
            if col not in batch:
                raise KeyError(f"no column {col!r} in the batch (columns: {', '.join(map(str, batch.keys()))})")
            values = batch[col]
            if not (self.report_column or self.edits_column):
                out[col] = [v if _is_missing(v) else p.mend(v) for v in values]
                continue
            texts, reports, counts = [], [], []
            for v in values:
                if _is_missing(v):
                    texts.append(v)
                    reports.append(None)
                    counts.append(0)
                    continue
                r = p.explain(v)
                texts.append(r.text)
                reports.append(report_json(r))
                counts.append(len(r.edits))
            out[col] = texts
            if self.report_column:
                out[self.report_column] = reports
            if self.edits_column:
                out[self.edits_column] = counts
        return out

    def __repr__(self) -> str:
        return f"<BatchMender columns={self.columns} options={self.spec.token[:10]}>"


def make_batch_mender(column: str | Sequence[str] = "text", report_column: str | None = None,
                      edits_column: str | None = None, **options: Any) -> BatchMender:
    """A batch function for ``datasets.Dataset.map(batched=True)`` (or any dict of lists).

    >>> f = make_batch_mender("text", edits_column="n_edits")
    >>> f({"text": ["a four -day visit", "ok"]})
    {'text': ['a four-day visit', 'ok'], 'n_edits': [1, 0]}

    With ``datasets``: ``ds = ds.map(make_batch_mender(), batched=True)``.  Only the mended
    column (and the report/edit-count columns) is returned; ``map`` keeps the others.
    ``report_column`` holds each document's edits, flags and suggestions as JSON.
    """
    return BatchMender(column, report_column, edits_column, **options)


def mend_batch(batch: dict[str, list[Any]], column: str | Sequence[str] = "text",
               **options: Any) -> dict[str, list[Any]]:
    """Mend ``batch[column]`` (a dict of columns, as ``Dataset.map(batched=True)`` passes):
    returns ``{column: [mended texts]}``.  Use :func:`make_batch_mender` to reuse options."""
    from . import get_pipeline

    p = get_pipeline(**options)
    out = {}
    for col in _columns(column):
        if col not in batch:
            raise KeyError(f"no column {col!r} in the batch (columns: {', '.join(map(str, batch.keys()))})")
        out[col] = [v if _is_missing(v) else p.mend(v) for v in batch[col]]
    return out


def mend_series(series: Any, **options: Any) -> Any:
    """Mend a ``pandas.Series`` of texts with ``Series.map``; missing values stay missing and
    the dtype (object or string) is kept."""
    from . import get_pipeline

    p = get_pipeline(**options)
    out = series.map(p.mend, na_action="ignore")
    if out.dtype != series.dtype:
        try:
            out = out.astype(series.dtype)
        except (TypeError, ValueError):
            pass
    return out


# -- blocks and JSON Lines, the way the command line mends them --------------------------------


_CLI_MEND_TEXT: Any = None


def mend_block(pipeline: Pipeline, text: str, head_cut: bool = False, tail_cut: bool = False) -> str:
    """Mend one block of a file exactly as the command line does (``textmend.cli.mend_text``:
    CRLF text is mended as LF, a block's final newline and forced cuts are respected)."""
    global _CLI_MEND_TEXT
    if _CLI_MEND_TEXT is None:
        try:
            from .cli import mend_text
        except ImportError:  # pragma: no cover - a command line without it
            def mend_text(p, t, **_kw):
                return p.mend(t), None
        _CLI_MEND_TEXT = mend_text
    return _CLI_MEND_TEXT(pipeline, text, head_cut=head_cut, tail_cut=tail_cut)[0]


def mend_jsonl_line(line: str, pipeline: Pipeline,
                    fields: Sequence[str] = ("text",)) -> tuple[str, list[str]]:
    """Mend one line of a JSON Lines file as the command line does: ``(new line, messages)``.

    The string ``fields`` of the record are mended; a record that changes is written back
    as JSON (non-ASCII characters as they are) with the line's own line ending, any other
    line (blank, not JSON, not an object, nothing to mend) is passed through byte for byte.
    Each message says why something was passed through unchanged.
    """
    body = line[:-2] if line.endswith("\r\n") else line[:-1] if line.endswith("\n") else line
    if not body.strip():
        return line, []
    try:
        record = json.loads(body)
    except ValueError as exc:
        msg, col = getattr(exc, "msg", str(exc)), getattr(exc, "colno", None)
        return line, [f"not valid JSON ({msg}{f' at column {col}' if col else ''}); passed through unchanged"]
    if not isinstance(record, dict):
        return line, ["not a JSON object; passed through unchanged"]
    messages: list[str] = []
    changed = False
    for name in fields:
        if name not in record:
            messages.append(f"no field {name!r}; passed through unchanged")
            continue
        value = record[name]
        if not isinstance(value, str):
            messages.append(f"field {name!r} is not a string; passed through unchanged")
            continue
        new = mend_block(pipeline, value)
        if new != value:
            record[name] = new
            changed = True
    if not changed:
        return line, messages
    new_line = json.dumps(record, ensure_ascii=False) + line[len(body):]
    try:
        new_line.encode("utf-8")
    except UnicodeEncodeError as exc:
        messages.append(f"cannot write the mended record as utf-8 ({exc.reason}); passed through unchanged")
        return line, messages
    return new_line, messages


def mend_jsonl(lines: Iterable[str], fields: Sequence[str] = ("text",), *,
               messages: list[tuple[int, str]] | None = None, **options: Any) -> Iterator[str]:
    """Mend the lines (with their line breaks) of a JSON Lines file, lazily, as
    ``textmend --format jsonl`` and ``textmend.dask.mend_paths(..., fmt="jsonl")`` do.

    Lines that cannot be mended are passed through unchanged; pass a list as ``messages``
    to collect ``(line number, why)`` for them.

    >>> list(mend_jsonl(['{"id": 1, "text": "a four -day visit"}\\n', '{"id": 2}\\n']))
    ['{"id": 1, "text": "a four-day visit"}\\n', '{"id": 2}\\n']
    """
    if isinstance(fields, str):
        fields = (fields,)
    p = pipeline_for(as_spec(options))
    for i, line in enumerate(lines, 1):
        out, why = mend_jsonl_line(line, p, fields)
        if why and messages is not None:
            messages.extend((i, w) for w in why)
        yield out


__all__ = ["BatchMender", "PipelineSpec", "explain_many", "make_batch_mender",
           "mend_batch", "mend_block", "mend_jsonl", "mend_jsonl_line", "mend_many", "mend_series", "pipeline_for",
           "report_dict", "report_json", "worker_state"]

"""The pipeline: run rules in order, keep every edit in original-input coordinates.

Each rule sees the text as the rules before it left it.  The pipeline keeps the current
text as a list of *chunks* that tile the original input: a chunk is either copied
unchanged from ``original[ostart:oend]`` or is the replacement written by an edit for
``original[ostart:oend]``.  When a later rule edits text that an earlier edit wrote, the
two are merged into one edit over the union of their original spans, so the final edits
never overlap and always replay, right to left, to the final text.
"""
from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

from .edits import SAFE, UNSAFE, Edit, Flag, Result
from .rules.base import Context, FunctionRule, Rule, matches_code


class _Chunk:
    """A piece of the current text: ``original[ostart:oend]`` copied (``text`` is None, so a
    split costs O(1), not a copy of the rest), or the ``text`` an ``edit`` wrote for it."""

    __slots__ = ("ostart", "oend", "n", "text", "edit")

    def __init__(self, ostart: int, oend: int, n: int, text: str | None = None, edit: Edit | None = None):
        self.ostart, self.oend, self.n, self.text, self.edit = ostart, oend, n, text, edit


def _copied(ostart: int, oend: int) -> _Chunk:
    return _Chunk(ostart, oend, oend - ostart)


class Trace:
    """The current text of a pipeline run and how it maps back to the original.

    Costs nothing until the first edit: the chunks are built then.  Applying ``k`` edits to
    a text of ``n`` characters costs O(n + k) (chunks split in O(1)).
    """

    __slots__ = ("original", "text", "_chunks")

    def __init__(self, original: str):
        self.original = original
        self.text = original
        self._chunks: list[_Chunk] | None = None  # None: no edit yet (one copied chunk)

    @property
    def chunks(self) -> list[_Chunk]:
        if self._chunks is None:
            self._chunks = [_copied(0, len(self.original))]
        return self._chunks

    @property
    def changed(self) -> bool:
        """True once any edit was applied (the text may still equal the original)."""
        return self._chunks is not None and (len(self._chunks) > 1 or self._chunks[0].edit is not None)

    # -- applying one rule's edits ------------------------------------------------
    def apply(self, edits: Sequence[Edit]) -> None:
        """Apply edits given in *current* coordinates (sorted, non-overlapping)."""
        if not edits:
            return
        chunks = iter(self.chunks)
        groups = self._grouped(edits)
        out: list[_Chunk] = []
        append = out.append
        head = next(chunks, None)
        cpos = 0  # current-text start of ``head``
        merge = self._merge

        for s, e, replacement, ed in groups:
            # 1. everything that ends at or before s stays as it is
            while head is not None and cpos + head.n <= s and not (head.n == 0 and cpos == s and s < e):
                append(head)
                cpos += head.n
                head = next(chunks, None)
            absorbed: list[Edit] = []
            if head is None:
                ostart = oend = len(self.original)
            else:
                if cpos < s:  # only a copied chunk can start before s (groups cover edited ones)
                    k = s - cpos
                    split = head.ostart + k
                    append(_Chunk(head.ostart, split, k))
                    head = _Chunk(split, head.oend, head.n - k)
                    cpos = s
                ostart = oend = head.ostart
                # 2. consume every chunk that overlaps [s, e)
                while head is not None and (cpos < e or (head.n == 0 and cpos == e and s < e)):
                    if head.edit is None and cpos + head.n > e:  # split: consume up to e, keep the rest
                        k = e - cpos
                        oend = head.ostart + k
                        head = _Chunk(oend, head.oend, head.n - k)
                        cpos = e
                        break
                    if head.edit is not None:
                        absorbed.append(head.edit)
                    oend = head.oend
                    cpos += head.n
                    head = next(chunks, None)
            append(_Chunk(ostart, oend, len(replacement), replacement,
                          merge(ed, absorbed) if absorbed else ed))
        if head is not None:
            append(head)
            out.extend(chunks)
        self._chunks = out
        original = self.original
        self.text = "".join([original[c.ostart:c.oend] if c.text is None else c.text for c in out])

    def _grouped(self, edits: Sequence[Edit]) -> list[tuple[int, int, str, Edit]]:
        """Widen each edit to whole earlier edits it touches; join edits that then overlap.

        Returns ``(start, end, replacement, edit)`` in current coordinates whose spans never
        cut an earlier edit's replacement in two.
        """
        spans: list[tuple[int, int]] = []  # current spans of edited chunks
        pos = 0
        for c in self.chunks:
            if c.edit is not None:
                spans.append((pos, pos + c.n))
            pos += c.n
        text = self.text
        groups: list[list] = []  # [S, E, [edits]]
        starts = [a for a, _ in spans]
        for ed in edits:
            s, e = ed.start, ed.end
            # (nothing edited yet: no span to widen to; only overlapping edits are joined)
            k = bisect.bisect_left(starts, e if e > s else s + 1) - 1 if spans else -1
            while k >= 0:
                a, b = spans[k]
                if b <= s and not (a == b == s and s < e):
                    if b < s or a < b:
                        break
                if (a < e and s < b) or (a < s < b):
                    s, e = min(s, a), max(e, b)
                k -= 1
            if groups and s < groups[-1][1]:
                g = groups[-1]
                g[0], g[1] = min(g[0], s), max(g[1], e)
                g[2].append(ed)
            else:
                groups.append([s, e, [ed]])
        out = []
        for S, E, eds in groups:
            if len(eds) == 1 and eds[0].start == S and eds[0].end == E:
                out.append((S, E, eds[0].replacement, eds[0]))
                continue
            pieces, p = [], S
            for ed in eds:
                pieces.append(text[p:ed.start])
                pieces.append(ed.replacement)
                p = ed.end
            pieces.append(text[p:E])
            out.append((S, E, "".join(pieces), eds[-1] if len(eds) == 1 else self._merge(eds[-1], eds[:-1])))
        return out

    @staticmethod
    def _merge(ed: Edit, absorbed: list[Edit]) -> Edit:
        if not absorbed:
            return ed
        rules = [a.rule for a in absorbed if a.rule != ed.rule]
        msg = ed.message
        if rules:
            msg = f"{ed.message} (merged with {', '.join(dict.fromkeys(rules))})"
        unsafe = ed.safety == UNSAFE or any(a.safety == UNSAFE for a in absorbed)
        return replace(ed, message=msg, safety=UNSAFE if unsafe else SAFE,
                       confidence=min([ed.confidence] + [a.confidence for a in absorbed]))

    # -- mapping current spans back to the original --------------------------------
    def mapper(self) -> Callable[[int, int], tuple[int, int]]:
        """Return a function mapping a current span to an original span."""
        if self._chunks is None or (len(self._chunks) == 1 and self._chunks[0].edit is None):
            total = len(self.original)  # nothing edited: the identity (clamped at the end)

            def same(s: int, e: int) -> tuple[int, int]:
                a = s if s < total else total
                if e > s:
                    b = e if e < total else total
                    return a, (b if b > a else a)
                return a, a

            return same
        starts: list[int] = []
        pos = 0
        for c in self._chunks:
            starts.append(pos)
            pos += c.n
        chunks = self._chunks
        total = pos

        def one(p: int, left: bool) -> int:
            if not chunks:
                return 0
            if p >= total:
                return chunks[-1].oend
            k = bisect.bisect_right(starts, p) - 1
            # skip empty chunks: a position belongs to the chunk that contains text there
            while k + 1 < len(chunks) and starts[k + 1] == p:
                k += 1
            c = chunks[k]
            off = p - starts[k]
            if c.edit is None:
                return c.ostart + off
            if off == 0:
                return c.ostart
            return c.ostart if left else c.oend

        def span(s: int, e: int) -> tuple[int, int]:
            a = one(s, True)
            b = one(e, False) if e > s else a
            return a, max(a, b)

        return span

    def edits(self) -> list[Edit]:
        if self._chunks is None:
            return []
        out = []
        original = self.original
        for c in self._chunks:
            ed = c.edit
            if ed is None:
                continue
            before = original[c.ostart:c.oend]
            if before == c.text:
                continue
            if type(ed) is Edit:
                out.append(Edit(c.ostart, c.oend, c.text, ed.rule, ed.name, ed.safety, ed.message,
                                ed.confidence, before))
            else:
                out.append(replace(ed, start=c.ostart, end=c.oend, replacement=c.text, original=before))
        return out


def _non_overlapping(edits: Iterable[Edit], length: int) -> list[Edit]:
    """Sort edits and drop any that overlap one already kept (or fall outside the text)."""
    kept: list[Edit] = []
    last_end = 0
    last_start = -1
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < last_end or e.start < 0 or e.end > length or e.end < e.start:
            continue
        if e.start == e.end and e.start == last_start and kept and kept[-1].start == kept[-1].end:
            continue  # two insertions at one point: keep the first
        kept.append(e)
        last_end = e.end
        last_start = e.start
    return kept


def _overlaps(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    k = bisect.bisect_right(spans, (s, float("inf"))) - 1
    for j in (k, k + 1):
        if 0 <= j < len(spans):
            a, b = spans[j]
            if a < max(e, s + 1) and s < b:
                return True
    return False


class _Run:
    """One text's state while a pipeline runs over it."""

    __slots__ = ("text", "trace", "flags", "suggestions", "seen", "ctx", "before")

    def __init__(self, text: str, n_rules: int):
        self.text = text
        self.trace = Trace(text)
        self.flags: list[Flag] = []
        self.suggestions: list[Edit] = []
        # what each rule found in the last pass, and in which text: a rule that sees the same
        # text again (no rule changed it since) finds the same, so it is not run again
        self.seen: list[tuple[str, Any] | None] = [None] * n_rules
        self.ctx: Context | None = None
        self.before = text


class Pipeline:
    """An ordered chain of rules.

    >>> Pipeline().mend("a four -day visit")
    'a four-day visit'

    ``rules`` defaults to every built-in rule (see :func:`textmend.rules.builtin_rules`);
    pass your own list to reorder, drop or add rules.  A rule is a :class:`Rule` instance,
    or any callable ``f(text, ctx) -> iterable of Edit/Flag`` (wrapped in a
    :class:`FunctionRule`).  ``select``/``ignore`` take rule codes or code prefixes, as in
    ruff: ``select=["TM2"]`` keeps the spacing rules only.  Rules that are off by default
    (opt-in) run only when ``select`` names them.  ``unsafe_fixes=True`` also applies the
    edits that rules marked unsafe; otherwise they are returned as ``Result.suggestions``.
    """

    def __init__(
        self,
        rules: Sequence[Rule | Callable[..., Any]] | None = None,
        *,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
        unsafe_fixes: bool = False,
        lexicon: Any = None,
        **options: Any,
    ):
        from .rules import builtin_rules

        explicit = rules is not None
        raw = list(rules) if explicit else builtin_rules()
        wrapped: list[Rule] = [r if isinstance(r, Rule) else FunctionRule(r) for r in raw]
        select = [s.upper() for s in ([select] if isinstance(select, str) else (select or []))]
        ignore = [s.upper() for s in ([ignore] if isinstance(ignore, str) else (ignore or []))]
        chosen: list[Rule] = []
        for r in wrapped:
            codes = [r.code] + [sub[0] for sub in getattr(r, "subrules", ())]
            if select:
                on = any(matches_code(c, s) for c in codes for s in select)
            else:
                on = r.default_enabled or explicit
            if on and all(any(matches_code(c, s) for s in ignore) for c in codes):
                on = False
            if on:
                chosen.append(r)
        self.rules: list[Rule] = chosen
        #: the rules run again over their own output until it stops changing (at most this often)
        self.max_passes = int(options.pop("max_passes", 3))
        self._select, self._ignore = select, ignore
        self.unsafe_fixes = unsafe_fixes
        self.options = options
        self._lexicon_arg = lexicon
        self._lexicon = None
        #: text -> its capitalised tokens, worked out by :meth:`prepare` for the coming texts
        self._prepared: dict[str, Any] = {}

    @property
    def lexicon(self):
        """The lexicon the name rules use (loaded on first use)."""
        if self._lexicon is None:
            from .lexicon import load_lexicon

            self._lexicon = load_lexicon(self._lexicon_arg)
        return self._lexicon

    def prepare(self, texts: Iterable[Any], *, flags: bool = True) -> None:
        """Get ready to mend these texts (next, in any order): what the rules learn per word
        (the name rules' verdicts on capitalised words, which take fuzzy look-ups) is learned
        for all their words at once, which is several times faster than word by word as they
        come.  Results never depend on it; a batch runner calls it before each batch.  Items
        that are not ``str`` are ignored; only the last call's texts are remembered.
        ``flags=False``: for runs without the rules that only flag (they learn nothing)."""
        hooks = [r for r in self.rules if type(r).prepare is not Rule.prepare and (flags or not r.flags_only)]
        if not hooks:
            return
        from .evidence import cap_tokens

        stash: dict[str, Any] = {}
        words: set[str] = set()
        for t in texts:
            if type(t) is str and t not in stash:
                tokens = stash[t] = cap_tokens(None, t)
                if tokens:
                    words |= tokens
        self._prepared = stash
        if words:
            for r in hooks:
                r.prepare(words, self)

    def take_learned(self) -> dict[str, Any]:
        """What the rules learned per word since the last call (rule code -> picklable data;
        see :meth:`Rule.take_learned`), for :meth:`absorb_learned` in another process built
        with the same options."""
        out: dict[str, Any] = {}
        for r in self.rules:
            if type(r).take_learned is not Rule.take_learned:
                got = r.take_learned(self)
                if got:
                    out[r.code] = got
        return out

    def absorb_learned(self, learned: dict[str, Any]) -> None:
        """Take over what :meth:`take_learned` gave elsewhere.  Results never depend on it."""
        for r in self.rules:
            data = learned.get(r.code)
            if data:
                r.absorb_learned(self, data)

    def explain(self, text: str, *, flags: bool = True) -> Result:
        """Mend ``text`` and say what changed.  ``flags=False`` leaves out the rules that
        only flag (``Rule.flags_only``: the checks TM701 and TM702), whose findings never
        change the text: the same ``Result`` but for an empty ``flags`` (what :meth:`mend`
        runs, for callers that keep the text alone)."""
        if not isinstance(text, str):
            raise TypeError(f"textmend works on str, not {type(text).__name__}; decode bytes first")
        run = _Run(text, len(self.rules))
        # (one text: the loop of explain_many with the run's parts held in locals, as this is
        # the path of every mend() call; measured 1.5 % fewer instructions than sharing it)
        for _ in range(self.max_passes):
            self._begin_pass(run)
            self._pass(run.trace, run.ctx, run.flags, run.suggestions, run.seen, flags)
            if run.trace.text == run.before:
                break  # a pass that changes nothing: the result is stable (idempotent)
        return self._result(run)

    def explain_many(self, texts: Iterable[str], *, flags: bool = True) -> list[Result]:
        """``[self.explain(t, flags=flags) for t in texts]``, the same results, faster for
        many short texts: each rule runs over all the texts before the next rule does (each
        text still sees the rules in their order, pass after pass, exactly as
        :meth:`explain` runs them), so one rule's code and tables stay in the processor's
        caches.  When a rule raises, the texts are explained one by one, so the error comes
        from the first text that raises it and nothing else changes."""
        runs = []
        for t in texts:
            if not isinstance(t, str):
                raise TypeError(f"textmend works on str, not {type(t).__name__}; decode bytes first")
            runs.append(_Run(t, len(self.rules)))
        try:
            active = runs
            for _ in range(self.max_passes):
                for run in active:
                    self._begin_pass(run)
                for step in enumerate(self.rules):
                    if not flags and step[1].flags_only:
                        continue
                    for run in active:
                        self._pass(run.trace, run.ctx, run.flags, run.suggestions, run.seen, only=step)
                active = [run for run in active if run.trace.text != run.before]
                if not active:
                    break
        except Exception:  # noqa: BLE001 - replayed text by text, where it is raised again
            return [self.explain(run.text, flags=flags) for run in runs]
        return [self._result(run) for run in runs]

    def _begin_pass(self, run: _Run) -> None:
        """A new pass over ``run``'s current text: a new context, which keeps what the last
        pass worked out about the text it ended with."""
        run.before = run.trace.text
        last, ctx = run.ctx, Context(self, run.text)
        if last is not None:  # the protected spans of the text the last pass ended with
            ctx.keep_protected(last)
            tokens = last.cache.get("cap_tokens")
            if tokens is not None and tokens[0] is run.trace.text:  # and its capitalised tokens
                ctx.cache["cap_tokens"] = tokens
        elif self._prepared:
            tokens = self._prepared.pop(run.text, ctx)
            if tokens is not ctx:  # worked out by prepare()
                ctx.cache["cap_tokens"] = (run.text, tokens)
        run.ctx = ctx

    @staticmethod
    def _result(run: _Run) -> Result:
        flags, suggestions = run.flags, run.suggestions
        if flags:
            flags = list({(f.start, f.end, f.rule): f for f in flags}.values())
            flags.sort(key=lambda f: (f.start, f.end, f.rule))
        if suggestions:
            suggestions = list({(e.start, e.end, e.rule, e.replacement): e for e in suggestions}.values())
            suggestions.sort(key=lambda e: (e.start, e.end, e.rule))
        return Result(text=run.trace.text, edits=run.trace.edits(), flags=flags,
                      suggestions=suggestions, original=run.text)

    def _pass(self, trace: Trace, ctx: Context, flags: list[Flag], suggestions: list[Edit],
              seen: list[tuple[str, Any] | None], flagging: bool = True,
              only: tuple[int, Rule] | None = None) -> None:
        """Run every rule once over the current text of ``trace`` (not those that only flag,
        unless ``flagging``), or only rule ``i`` of ``only = (i, rule)`` (a step of
        :meth:`explain_many`), and apply what each found."""
        filtering = bool(self._select or self._ignore)
        # (the loop holds the step itself: most rules find nothing in most texts, and a call
        # per rule was 2.2 % of the instructions of mend() over news, callgrind 582 -> 569 M)
        current = trace.text
        for i, rule in (enumerate(self.rules) if only is None else (only,)):
            if not flagging and rule.flags_only:
                continue
            last = seen[i]
            if last is not None and last[0] == current and rule.deterministic:
                found = last[1]
            else:
                ctx.text = current
                found = rule.find(current, ctx)
                if found and not isinstance(found, (list, tuple)):
                    found = list(found)  # a generator: it can be read only once
                seen[i] = (current, found)
            if found:
                self._apply(rule, found, trace, ctx, flags, suggestions, filtering)
                current = trace.text

    def _apply(self, rule: Rule, found: list | tuple, trace: Trace, ctx: Context, flags: list[Flag],
               suggestions: list[Edit], filtering: bool) -> None:
        """Apply what ``rule`` found in the current text of ``trace``: its edits (the unsafe
        ones held back as suggestions), and its flags, outside protected spans."""
        text = trace.original
        current = trace.text
        edits: list[Edit] = []
        new_flags: list[Flag] = []
        for item in found:
            if filtering:  # rules with sub-codes: filter each finding
                if self._ignore and any(matches_code(item.rule, s) for s in self._ignore):
                    continue
                if self._select and item.rule != rule.code and not any(
                        matches_code(item.rule, s) or matches_code(rule.code, s) for s in self._select):
                    continue
            (edits if isinstance(item, Edit) else new_flags).append(item)
        if rule.respects_protected and (edits or new_flags):
            spans = ctx.protected(current)
            if spans:
                edits = [e for e in edits if not _overlaps(spans, e.start, e.end)]
                new_flags = [f for f in new_flags if not _overlaps(spans, f.start, f.end)]
        if not edits and not new_flags:
            return
        edits = _non_overlapping(edits, len(current))
        if self.unsafe_fixes:
            apply_now, held = edits, []
        else:
            apply_now = [e for e in edits if e.safety == SAFE]
            held = [e for e in edits if e.safety != SAFE] if len(apply_now) < len(edits) else []
        if new_flags or held:
            span = trace.mapper()
            for f in new_flags:
                a, b = span(f.start, f.end)
                flags.append(replace(f, start=a, end=b, original=text[a:b]))
            for e in held:
                a, b = span(e.start, e.end)
                suggestions.append(replace(e, start=a, end=b, original=text[a:b]))
        if apply_now:
            trace.apply(apply_now)
            after = trace.text
            if after is not current:  # the capitalised tokens follow the edits
                from .evidence import carry_cap_tokens

                carry_cap_tokens(ctx, current, after, apply_now)
                # and so do the protected spans (a long text is not scanned again whole
                # after every rule that edits it)
                ctx.carry_protected(current, after, apply_now)

    def mend(self, text: str) -> str:
        """The mended text (:meth:`explain` without the rules that only flag)."""
        return self.explain(text, flags=False).text

    def __repr__(self) -> str:
        return f"Pipeline([{', '.join(r.code for r in self.rules)}], unsafe_fixes={self.unsafe_fixes})"

"""Evidence from context, shared by the name, possessive and casing rules.

Every name repair needs evidence before it fires: where the word stands (mid-sentence or
at a sentence start, in an ALL-CAPS headline, inside a larger proper name), what stands
next to it (a title, a first name), and what the rest of the document says (the canonical
name used elsewhere).  The helpers here answer those questions cheaply.
"""
from __future__ import annotations

import re
from functools import lru_cache

import regex

#: a word: letters and combining marks, hyphenated parts allowed ("Jong-oun", "Nouvelle-Delhi")
WORD = regex.compile(r"\p{L}[\p{L}\p{M}]*(?:-\p{L}[\p{L}\p{M}]*)*")
#: a capitalised word (initial upper case letter)
CAP_WORD = regex.compile(r"(?<![\p{L}\p{M}\d_-])\p{Lu}[\p{L}\p{M}]*(?:-\p{L}[\p{L}\p{M}]*)*")

#: titles and roles that introduce a person's name
TITLES = frozenset("""
President Vice-President Premier Minister Chancellor Secretary Secretary-General Prime
King Queen Prince Princess Emir Sheikh Sheik Sultan Pope Ayatollah Mr Mrs Ms Dr Sir Dame Lord
General Gen Marshal Admiral Colonel Commander Leader leader Governor Senator Representative Rep
Mayor Commissioner Chairman Chairwoman Chair Speaker Ambassador Envoy envoy Spokesman
spokesman Spokeswoman spokeswoman spokesperson Director Chief chief Patriarch Cardinal Archbishop
Judge Justice Foreign Defence Defense counterpart Crown Deputy Opposition opposition dictator
strongman Comrade Marshal Field Officer Captain Lieutenant Monsieur Madame Herr Frau Señor
""".split())

#: words after which a capitalised word does not start a sentence of prose
SENTENCE_END = ".!?\n\r:|•"
OPENERS = "\"'“‘«([—–-*"

MONTHS_DAYS = frozenset("""January February March April May June July August September October
November December Monday Tuesday Wednesday Thursday Friday Saturday Sunday""".split())

#: words of sport reporting; a sentence with two of them is about sport, where club names
#: look like cities ("Napoli beat Juventus in the league")
SPORT = re.compile(r"\b(?:beat|beats|goals?|goalless|striker|midfielder|defender|goalkeeper|coach|"
                   r"league|Serie|Liga|Bundesliga|Ligue|Premiership|fixture|derby|penalty|"
                   r"kick-off|stadium|scored|relegation|relegated|promoted|UEFA|FIFA|Champions|"
                   r"squad|draw|drew|match|season|transfer|striker|winger|cup|Cup|club|fans)\b")

FUNCTION_WORDS = frozenset("""
a an the and or but nor of in on at to for with by from as than that which who whom whose
this these those it its is are was were be been being has have had having do does did will
would shall should can could may might must not no so if then there here also only even
just still yet about after before over under again said says say told tells added adds
while when where what how why because though although since until unless into onto upon
he she they we you i him her them us me his their our your my
himself herself itself themselves ourselves yourself myself one ones own
""".split())


def is_english_word(word: str) -> bool:
    """True when ``word`` (any case) is in the English word list shipped with the lexicon."""
    return word.lower() in _english()


@lru_cache(maxsize=1)
def _english():
    """The English word list's index (:func:`textmend.lexicon.english_index`)."""
    try:
        from .lexicon import english_index
    except ImportError:  # word list not built: every word counts as unknown
        return frozenset()
    return english_index()


def sentence_initial(text: str, start: int) -> bool:
    """True when the word at ``start`` begins a sentence (or the text, or a line)."""
    i = start - 1
    while i >= 0 and (text[i] in " \t" or text[i] in OPENERS):
        i -= 1
    return i < 0 or text[i] in SENTENCE_END


def prev_word(text: str, start: int) -> tuple[str, int]:
    """The word right before ``start`` (only spaces, or a full stop and spaces, between)
    and its start; ('', -1) if there is none."""
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i == start:
        return "", -1
    if i > 0 and text[i - 1] == ".":
        i -= 1
    j = i
    while j > 0:
        c = text[j - 1]
        if c.isalpha() or c == "-" or ("\u0300" <= c <= "\u036f"):
            j -= 1
        else:
            break
    while j < i and not text[j].isalpha():  # a word starts with a letter
        j += 1
    if j >= i:
        return "", -1
    return text[j:i], j


def next_word(text: str, end: int) -> tuple[str, int]:
    """The word right after ``end`` (only spaces between), and its start; ('', -1) if none."""
    i = end
    while i < len(text) and text[i] in " \t":
        i += 1
    if i == end:
        return "", -1
    m = WORD.match(text, i)
    return (m.group(), i) if m else ("", -1)


_UPPER_WORDS = re.compile(r"(?<![^\W\d_])[^\W\d_a-z]{2,}(?![^\W\d_])")
_LOWER_WORDS = re.compile(r"(?<![^\W\d_])[^\W\d_]*[a-z][^\W\d_]*")


class CapsLines:
    """Which lines of a text are ALL-CAPS (headlines, captions): names there stay as they are."""

    def __init__(self, text: str):
        self.text = text
        self._cache: dict[int, bool] = {}

    def __call__(self, pos: int) -> bool:
        text = self.text
        ls = text.rfind("\n", 0, pos) + 1
        got = self._cache.get(ls)
        if got is None:
            le = text.find("\n", pos)
            line = text[ls:min(le if le >= 0 else len(text), ls + 400)]  # headlines are short
            upper = len(_UPPER_WORDS.findall(line))
            if upper < 2:
                got = False
            else:
                lower = len(_LOWER_WORDS.findall(line))
                got = upper / (upper + lower) >= 0.6
            self._cache[ls] = got
        return got


def caps_lines(ctx, text: str) -> CapsLines:
    """A :class:`CapsLines` for ``text`` shared by the rules of a pass (``ctx.cache``)."""
    got = ctx.cache.get("caps_lines")
    if got is None or got.text is not text:
        got = ctx.cache["caps_lines"] = CapsLines(text)
    return got


_SENTENCE_END = re.compile(r"[.?!](?=\s)|\n")
#: greedy: the end of the last sentence end in the searched range
_LAST_SENTENCE_END = re.compile(r"(?s).*(?:[.?!](?=\s)|\n)")


def sentence_bounds(text: str, pos: int, reach: int = 1500) -> tuple[int, int]:
    """Rough start and end of the sentence around ``pos`` (looking at most ``reach``
    characters either way, so the cost never depends on the length of the text)."""
    lo = max(0, pos - reach)
    m = _LAST_SENTENCE_END.match(text, lo, pos)
    start = m.end() if m else lo
    m = _SENTENCE_END.search(text, pos, min(len(text), pos + reach))
    return start, (m.start() if m else min(len(text), pos + reach))


#: (text, {(kind, sentence bounds): answer}) for the text asked about last; replaced as a
#: whole, so threads working on different texts never read each other's answers
_SENTENCE_MEMO: tuple[str | None, dict] = (None, {})


def text_memo(text: str) -> dict:
    """A dict of answers about ``text`` (kept while the same text is asked about)."""
    global _SENTENCE_MEMO
    last, memo = _SENTENCE_MEMO
    if last is not text:
        memo = {}
        _SENTENCE_MEMO = (text, memo)
    return memo


def sporty(text: str, pos: int) -> bool:
    """True when the sentence around ``pos`` is about sport (clubs are named after cities)."""
    s, e = sentence_bounds(text, pos)
    memo = text_memo(text)
    got = memo.get(("sport", s, e))
    if got is None:
        got = memo[("sport", s, e)] = len({m.group().lower() for m in SPORT.finditer(text, s, e)}) >= 2
    return got


_ENGLISH_GLUE = frozenset("""the of and in to a is was were are for on with by that from as at has
have had it its this be been will would said says not but or an which who their his her
they he she we after before than also into over more about""".split())


_FOREIGN_GLUE = frozenset("""y del los las el en con por para que une des du dans avec et les est
und der die das mit von zu ist ein eine il di della delle dei con che è com não uma
och att som det ar uz un pēc ir ja na se je ze do od jest że és az egy ve bir için""".split())


def english_here(text: str, pos: int) -> bool:
    """False when the sentence around ``pos`` is in another language (a quotation or a
    passage: "América Central y del Sur", "Rīgas pilī"): names there are spelt right."""
    s, e = sentence_bounds(text, pos)
    memo = text_memo(text)
    got = memo.get(("english", s, e))
    if got is None:
        got = memo[("english", s, e)] = _english_sentence(text, s, e)
    return got


def _english_sentence(text: str, s: int, e: int) -> bool:
    words = _WORDS.findall(text, s, min(e, s + 600))
    if len(words) < 4:
        return True
    lowered = [w.lower() for w in words]
    english = sum(map(_ENGLISH_GLUE.__contains__, lowered))
    foreign = sum(map(_FOREIGN_GLUE.__contains__, lowered))
    if foreign >= 2 and foreign > english:
        return False
    accented = sum(1 for w in words if not w.isascii())
    return not (english == 0 and len(words) >= 8 and accented * 4 >= len(words))


def apostrophe(text: str) -> str:
    """The apostrophe the document already uses for possessives: ’ or '."""
    if "’" not in text:  # (no curly one at all: the straight one, without four counts)
        return "'"
    curly = text.count("’s") + text.count("’t")
    straight = text.count("'s") + text.count("'t")
    return "’" if curly > straight else "'"


_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


class _WordSet:
    """The set of words of one text (every ``_WORDS`` match, and the parts of hyphenated
    ones).  Membership of a few words is answered by searching the text for each (a C-level
    scan, remembered); the whole set is built only when many words are asked about."""

    __slots__ = ("text", "_set", "_asked", "_held")
    BUILD_AFTER = 24  # distinct words looked up one by one before the set is built

    def __init__(self, text: str):
        self.text = text
        self._set: set[str] | None = None
        self._asked: dict[str, bool] = {}
        self._held: dict[str, bool] = {}

    def holds(self, s: str) -> bool:
        """``s in self.text``, remembered: a rule that asks once per occurrence of a word
        searches a long text once per string, not once per occurrence."""
        got = self._held.get(s)
        if got is None:
            got = self._held[s] = s in self.text
        return got

    def get(self) -> set[str]:
        if self._set is None:
            found = set(_WORDS.findall(self.text))
            self._set = found | {p for w in found if "-" in w for p in w.split("-")}
        return self._set

    def __contains__(self, word: str) -> bool:
        if self._set is not None:
            return word in self._set
        got = self._asked.get(word)
        if got is None:
            if len(self._asked) >= self.BUILD_AFTER:
                return word in self.get()
            got = self._asked[word] = _has_word(self.text, word)
        return got


def _has_word(text: str, word: str) -> bool:
    """``word in set(words of text)`` without building the set: ``word`` occurs with no
    letter next to it (a hyphenated word: with no hyphenated part either)."""
    if not word or _WORDS.fullmatch(word) is None:
        return False
    letter = _LETTER.match
    n, end = len(word), len(text)
    hyphen = "-" in word
    i = text.find(word)
    while i >= 0:
        j = i + n
        if (not (i and letter(text, i - 1)) and not (j < end and letter(text, j))
                and not (hyphen and ((i >= 2 and text[i - 1] == "-" and letter(text, i - 2))
                                     or (text[j:j + 1] == "-" and letter(text, j + 1))))):
            return True
        i = text.find(word, i + 1)
    return False


_LETTER = re.compile(r"[^\W\d_]")


class DocWords:
    """The words a document uses, for evidence like 'the canonical name is used elsewhere in
    the same document'.  ``add`` records names repaired on the way."""

    def __init__(self, text: str, base: _WordSet | None = None):
        self.base = base if base is not None and base.text is text else _WordSet(text)
        self.extra: set[str] = set()
        #: when a set: every word asked about and not found is recorded in it
        self.missed: set[str] | None = None

    @property
    def words(self) -> set[str]:
        return self.base.get()

    def add(self, *words: str) -> None:
        self.extra.update(words)

    def __contains__(self, word: str) -> bool:
        if word in self.extra or word in self.base:
            return True
        if self.missed is not None:
            self.missed.add(word)
        return False

    def holds(self, s: str) -> bool:
        """``s in`` the document's text (remembered; see :meth:`_WordSet.holds`)."""
        return self.base.holds(s)


def doc_words(ctx, text: str) -> DocWords:
    """A :class:`DocWords` for ``text`` whose word set is shared by the rules of a pass."""
    base = ctx.cache.get("words")
    if base is None or base.text is not text:
        base = _WordSet(text)
        ctx.cache["words"] = base
    return DocWords(text, base)


#: capitalised tokens, fast: the pattern opens with a plain character class, so ``re`` skips
#: every position without an ASCII capital in C.  A superset of :data:`CAP_WORD`'s matches
#: (it also starts inside words: ``McDonald`` → ``McDonald``, ``iPhone`` → ``Phone``),
#: callers filter.  ``_CAP_ASCII`` is exact for texts whose only non-ASCII characters are
#: the punctuation and symbols of :data:`_NOT_LETTERS`; the others need ``_CAP_UNICODE``,
#: and words that open with a non-ASCII capital a second scan (``_CAP_OTHER``).
#: (``[A-Z][A-Za-z]*(?:-[A-Za-z]+)*``, written so that ``re`` runs it ~8 % faster: runs of one
#: range each instead of a class of two, possessive, as nothing after them can fail)
_CAP_ASCII = re.compile(r"[A-Z][a-z]*+(?:[A-Z][a-z]*+)*+(?:-[A-Za-z]++)*+")
_CAP_UNICODE = re.compile(r"[A-Z][^\W\d_]*+(?:-[^\W\d_]++)*+")
_CAP_OTHER = re.compile(r"[^\x00-\x7f\u00a0-\u00bf\u2000-\u206f][^\W\d_]*+(?:-[^\W\d_]++)*+")
_NOT_LETTERS = "’‘“”—–£€…•·«»°±×\u00a0\u200b\u2022\u2032\u2033"
#: combining marks: words with them are tokenised differently by ``re`` and ``regex``
_MARK = regex.compile(r"\p{M}")


def _ascii_cap_tokens_py(text: str) -> set[str]:
    """The distinct matches of ``_CAP_ASCII`` in an ASCII ``text`` (the definition of the C
    version, ``textmend._speedups.ascii_cap_tokens``, ~3x faster)."""
    return set(_CAP_ASCII.findall(text))


def _load_speedups():
    """The optional C module where it was built (setup.py) and not turned off with
    ``TEXTMEND_NO_SPEEDUPS=1``, else None: its pure-Python twins then run, same results."""
    import os

    if os.environ.get("TEXTMEND_NO_SPEEDUPS", "") not in ("", "0"):
        return None
    try:
        from . import _speedups
    except ImportError:  # no C compiler where textmend was installed
        return None
    return _speedups


_SPEEDUPS = _load_speedups()


def speedup(name: str, twin):
    """The C function ``name`` of the optional module where it is in use, else ``twin`` (the
    pure-Python definition, or None for a caller that wraps the C call itself).  Each module
    picks its functions once, at import."""
    return getattr(_SPEEDUPS, name) if _SPEEDUPS is not None else twin


_ascii_cap_tokens = speedup("ascii_cap_tokens", _ascii_cap_tokens_py)
#: the C scan of :func:`needle_hits` (None: its twin :func:`_needle_hits_py` runs)
_needle_hits_c = speedup("needle_hits", None)


def _ascii_view(text: str) -> str | None:
    """``text`` with each character of :data:`_NOT_LETTERS` made a space, when that leaves
    it all ASCII (no accented letters), else None.  ``_CAP_ASCII`` finds the same tokens in
    it as in ``text`` (it never matches those characters, nor a space, and looks at nothing
    else), and faster: the view is stored one byte a character (``str.replace`` narrows the
    string once the last wide character is gone), where one curly quote makes ``text`` two."""
    for c in _NOT_LETTERS:
        if c in text:
            text = text.replace(c, " ")
    return text if text.isascii() else None


def cap_tokens(ctx, text: str) -> set[str] | None:
    """The distinct capitalised tokens of ``text`` (a superset of the strings
    :data:`CAP_WORD` matches), shared by the rules of one pass through ``ctx.cache``.

    The cheap gate of the name, possessive and casing rules: a rule intersects this set with
    the words it could ever repair (C-level set operations) and looks no further when the
    intersection is empty, which it is for most documents.  None when the text has combining
    marks, whose words ``re`` splits differently: callers then take their exhaustive path.

    >>> sorted(cap_tokens(None, "Xi met Jong-un in Pyongyang; ÉMILE and McDonald's. 3XI"))
    ['Jong-un', 'MILE', 'McDonald', 'Pyongyang', 'XI', 'Xi', 'ÉMILE']
    """
    cache = ctx.cache if ctx is not None else {}
    got = cache.get("cap_tokens")
    if got is not None and got[0] is text:
        return got[1]
    blocks = long_pieces(text)
    if blocks is None:
        found = _cap_tokens_of(text)
    else:
        found = set()
        for block in blocks:
            got = _cap_tokens_of(block)
            if got is None:  # (combining marks: None, as for the whole text)
                found = None
                break
            found |= got
    cache["cap_tokens"] = (text, found)
    return found


#: from this length on, a text with characters outside ASCII is tokenised block by block:
#: one curly quote makes a long document a UCS-2 string, whose scans are slower, and one
#: accented letter sent all of it to the two Unicode scans (10 MB of news: 405 ms whole,
#: ~190 ms by blocks, 195 of 199 of which need the ASCII scan only)
BLOCKWISE = 200_000


def _cap_tokens_of(text: str) -> set[str] | None:
    """:func:`cap_tokens` of ``text`` in one piece.  No token crosses a line break and no
    pattern looks behind, so the tokens of a text are those of its lines; a block of only
    ASCII letters gets the tokens of the Unicode scans but for those that open with a
    symbol such as ``€`` or ``×`` (``_CAP_OTHER``), which no gate knows."""
    if text.isascii():
        return _ascii_cap_tokens(text)
    view = _ascii_view(text)
    if view is not None:
        return _ascii_cap_tokens(view)
    if _MARK.search(text):
        return None
    found = set(_CAP_UNICODE.findall(text))
    found.update(_CAP_OTHER.findall(text))
    return found


def long_pieces(text: str):
    """The blocks (:func:`line_blocks`) in which to scan a long text outside ASCII, or None
    for a text to scan whole.  One curly quote makes a long document a UCS-2 string, whose
    searches cost several times those of a Latin-1 one, while most of its blocks are
    Latin-1 or ASCII; a scan whose matches never cross a line break gives the same there."""
    if len(text) < BLOCKWISE or text.isascii():
        return None
    return line_blocks(text, BLOCKWISE // 4)


def line_blocks(text: str, size: int):
    """``text`` in pieces of about ``size`` characters, each cut after a line break (the
    rest in one piece when no line break follows)."""
    pos, n = 0, len(text)
    while pos < n:
        cut = text.find("\n", pos + size)
        end = n if cut < 0 else cut + 1
        yield text[pos:end]
        pos = end


def carry_cap_tokens(ctx, before: str, after: str, edits) -> None:
    """``edits`` (non-overlapping, offsets into ``before``) made ``after``: when ``ctx.cache``
    holds the capitalised tokens of ``before``, keep for ``after`` those plus the tokens of
    the stretches around each replacement (from white space to white space), instead of a
    new scan of the whole text.  A superset of ``cap_tokens(after)`` (a token no longer in
    the text may stay): right for the gates, which only ever narrow what to look at, and
    linear in the edits, not in the text, for long documents with many edits."""
    got = ctx.cache.get("cap_tokens") if ctx is not None else None
    if got is None or got[0] is not before or got[1] is None:
        return
    found = set(got[1])
    shift = 0
    n = len(after)
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        a = e.start + shift
        b = a + len(e.replacement)
        shift += len(e.replacement) - (e.end - e.start)
        lo, hi = a, b
        while lo > 0 and not after[lo - 1].isspace():
            lo -= 1
            if a - lo > _CARRY_REACH:
                return  # a long stretch without white space: let the next scan see it whole
        while hi < n and not after[hi].isspace():
            hi += 1
            if hi - b > _CARRY_REACH:
                return
        more = cap_tokens(None, after[lo:hi])
        if more is None:  # combining marks: the rules take their exhaustive path
            return
        found |= more
    if len(before) + shift != n:  # (not what these edits make: no carry)
        return
    ctx.cache["cap_tokens"] = (after, found)


#: how far :func:`carry_cap_tokens` looks for white space around a replacement
_CARRY_REACH = 200


def occurrences(text: str, words, pattern) -> list[tuple[int, int, str]]:
    """Where ``pattern`` (a compiled ``regex`` pattern with its own look-behind) matches
    exactly one of ``words``: ``(start, end, word)`` in text order.  The same matches as
    ``[m for m in pattern.finditer(text) if m.group() in words]`` when every match starts
    after a character the pattern cannot contain (so no match can start inside another),
    found by ``str.find`` per word; many words in a long text are found by one scan for all
    of them (:func:`needle_hits`), ``pattern`` tried only where one of them starts.
    Either way the cost is linear in the text, not a ``regex`` scan of every position."""
    if len(words) > 8 and len(text) > 20_000:  # many words in a long text: one scan
        match = pattern.match
        out = []
        pos = 0
        for i, _ in needle_hits(text, words):  # (every place where one of them starts)
            if i < pos:
                continue  # inside the last match
            got = match(text, i)
            if got is not None and got.group() in words:
                out.append((i, got.end(), got.group()))
                pos = got.end()
        return out
    out = []
    for w in words:
        n = len(w)
        i = text.find(w)
        while i >= 0:
            m = pattern.match(text, i)
            if m is not None and m.end() - i == n:
                out.append((i, i + n, w))
            i = text.find(w, i + 1)
    out.sort()
    return out


def needle_hits(text: str, needles, *, whole: bool = False):
    """``(start, needle)`` for every place of ``text`` where one of ``needles`` starts, in
    text order, found by one scan for all of them, not one scan per needle: for many
    needles in a long text.  Where several start at a place, the longest (none may be
    empty).  With ``whole``, only needles not followed by an ASCII letter (the longest such
    at a place): a caller after whole words is spared the places where a short one only
    begins a longer word ("I" in "It", "Ma" in "Manchester": 44,934 hits in 4 MB of news and
    Reuters, 12,228 of them whole).  The scan is ``textmend._speedups.needle_hits`` where
    that was built (a table look-up per character), else :func:`_needle_hits_py`.

    >>> list(needle_hits("Kim Jong and Moon Jae and Kim", ["Kim ", "Moon ", "Kim"]))
    [(0, 'Kim '), (13, 'Moon '), (26, 'Kim')]
    >>> list(needle_hits("In Iran, I and Ira", ["I", "Ira"], whole=True))
    [(9, 'I'), (15, 'Ira')]
    """
    needles = frozenset(needles)
    if not needles:
        return ()
    if _needle_hits_c is None:
        return _needle_hits_py(text, needles, whole)
    return _needle_hits_c(text, _needle_table(needles), whole)


def _needle_hits_py(text: str, needles: frozenset[str], whole: bool = False):
    """:func:`needle_hits` by one ``re`` trie pattern (:func:`_finder`), searched again from
    each place after a hit (the definition of the C version)."""
    search = _finder(needles, whole).search
    m = search(text)
    while m is not None:
        i = m.start()
        yield i, m.group()
        m = search(text, i + 1)


@lru_cache(maxsize=64)
def _needle_table(needles: frozenset[str]) -> dict[str, tuple[str, ...]]:
    """The first two characters of each needle (the one, for a needle of one character) ->
    the needles that open with them, longest first (for the C scan)."""
    table: dict[str, list[str]] = {}
    for w in needles:
        table.setdefault(w[:2], []).append(w)
    return {c: tuple(sorted(ws, key=lambda w: (-len(w), w))) for c, ws in table.items()}


#: a text from this long on is a long text: the names gate scans it once for all the words
#: it looks for (:func:`needle_hits`; one scan costs ~10x one ``str.find`` per character in
#: ``re``, plus compiling its pattern, ~3-6x in C), not once per word
LONG_TEXT = 100_000


@lru_cache(maxsize=64)
def _finder(words: frozenset[str], whole: bool = False) -> re.Pattern:
    """One ``re`` pattern (a trie) for where any of ``words`` starts (``whole``: and is not
    followed by an ASCII letter; the trie gives back to a shorter word when the longest
    is)."""
    from .trie import trie_pattern

    return re.compile(trie_pattern(sorted(words)) + ("(?![A-Za-z])" if whole else ""))


def used_in(proper: str, lexicon, doc: DocWords) -> bool:
    """The document writes this name in proper case: the word itself, or, for a name that
    is also a month or a weekday ("May"), a full name it belongs to ("Theresa May")."""
    if proper not in doc:
        return False
    if proper not in MONTHS_DAYS:
        return True
    return any(all(t in doc for t in e.name.split()) for e in lexicon.entries_for(proper)
               if " " in e.name)

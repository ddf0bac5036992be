"""Spans that no rule may edit (URLs, e-mail addresses, @handles, #hashtags, code, tickers),
and helpers the rules use to stay out of text that is not theirs: a line index and a guard
that tells English prose from other languages.

>>> text = "see https://example.com/Moscou.html or mail a.b@ex.org #Poutine `x = 1` <MER.N>"
>>> [text[s:e] for s, e in protected_spans(text)]
['https://example.com/Moscou.html', 'a.b@ex.org', '#Poutine', '`x = 1`', '<MER.N>']
>>> guard = LanguageGuard("A two -day visit.\\nVoilà le travail , dit-il , et nous avons fini .")
>>> guard.foreign(3), guard.foreign(30)
(False, True)
"""
from __future__ import annotations

import bisect
import re
from itertools import accumulate

import regex

_PLUS_ONE = (1).__add__

# Each kind of span has a pattern that starts on its own distinctive character, and runs
# only when that character is in the text: prose pays a few substring tests, not a regex
# that tries nine alternatives at every position.
_TLDS = "com|org|net|gov|edu|io|co|uk|de|fr|ru|cn|eu|info|int"
_EXTS = "txt|md|py|js|html?|json|csv|pdf|docx?|xlsx?|png|jpe?g|gif|zip|exe"
_URL = re.compile(r"\b(?:https?|ftp|file)://[^\s<>\"'`]+", re.I)
# (written in lower case, capitals or with a capital W: the three spellings the gate of
# protected_spans looks for, so that a stretch of text has the spans it has in any text)
_WWW = re.compile(r"\b(?:www|WWW|Www)\d?\.[^\s<>\"'`]+")
_MAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|(?<![\w@])@\w{1,30}")
_HASHTAG = re.compile(r"(?<![\w&#])#\w+")
_CODE = re.compile(r"```.*?```|`[^`\n]+`", re.S)
_TAG = re.compile(r"<[A-Za-z/][\w.&$/=-]{0,30}>")
_KINDS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    # URLs
    (("://",), _URL),
    (("www", "WWW", "Www"), _WWW),
    # e-mail addresses and @handles
    (("@",), _MAIL),
    # #hashtags
    (("#",), _HASHTAG),
    # fenced and inline code
    (("`",), _CODE),
    # tickers and tags: <MER.N>, <br/>
    (("<",), _TAG),
)


# The patterns above have no literal prefix, so ``finditer`` tries every position of the
# text (30-90 ns a character).  Each match is anchored near its needle, though: the finders
# below give exactly the spans of ``pattern.finditer(text)`` but try the pattern only there.
def _anchored(text: str, pattern: re.Pattern[str], needle: str, before: int, after: int) -> list[tuple[int, int]]:
    """``pattern.finditer`` spans, for a pattern whose every match starts ``after`` to ``before``
    characters before an occurrence of ``needle`` (occurrences at least ``before - after + 1``
    apart, so candidate starts come in order)."""
    out: list[tuple[int, int]] = []
    find, match = text.find, pattern.match
    pos = 0
    q = find(needle)
    while q >= 0:
        for st in range(max(pos, q - before), q - after + 1):
            m = match(text, st)
            if m is not None:
                out.append(m.span())
                pos = m.end()
                break
        q = find(needle, max(q + 1, pos + after))
    return out


def _www(text: str) -> list[tuple[int, int]]:
    """``_WWW.finditer`` spans: every match starts on "www", "WWW" or "Www"."""
    starts: set[int] = set()
    for three in ("www", "WWW", "Www"):
        q = text.find(three)
        while q >= 0:
            starts.add(q)
            q = text.find(three, q + 1)
    if len(starts) * 64 > len(text):  # dense: one scan in C is cheaper
        return [m.span() for m in _WWW.finditer(text)]
    out: list[tuple[int, int]] = []
    pos = 0
    for st in sorted(starts):
        if st >= pos:
            m = _WWW.match(text, st)
            if m is not None:
                out.append(m.span())
                pos = m.end()
    return out


_MAIL_CHARS = frozenset("_.+-")
_MAIL_AFTER = re.compile(r"[\w.-]*")


def _mail(text: str) -> list[tuple[int, int]]:
    """``_MAIL.finditer`` spans.  A match holds an "@" and starts in the run of ``[\\w.+-]``
    before the first "@" it holds; it ends inside the run of ``[\\w.-]`` after it.  So the
    leftmost match from ``pos`` is the one that starts at or before the first "@" after
    ``pos``, searched for in that window alone (the pattern sees nothing outside it but the
    character after it, which ``endpos`` includes), or else a match after that "@"."""
    out: list[tuple[int, int]] = []
    find, search, after = text.find, _MAIL.search, _MAIL_AFTER.match
    n = len(text)
    pos = 0
    q = find("@")
    while q >= 0:
        st = q
        floor = max(pos, q - 256)  # a longer run: search from ``pos`` (still exact)
        while st > floor and ((c := text[st - 1]).isalnum() or c in _MAIL_CHARS):
            st -= 1
        if st == floor:
            st = pos
        end = min(n, after(text, q + 1).end() + 1)
        m = search(text, st, end)
        if m is not None and m.start() <= q:
            m = _MAIL.match(text, m.start()) or search(text, st)  # the same, with the whole text
            out.append(m.span())
            pos = m.end()
        else:
            pos = q + 1
        q = find("@", pos)
    return out


def _kind_spans(text: str, kind: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """The spans of ``_KINDS[kind]``'s pattern in ``text`` (``pattern.finditer``)."""
    if kind == 1:
        return _www(text)
    needle = _KINDS[kind][0][0]
    if text.count(needle) * 64 > len(text):  # dense: one scan in C is cheaper
        return [m.span() for m in pattern.finditer(text)]
    if kind == 0:
        return _anchored(text, pattern, needle, 5, 3)  # https:// http:// file:// ftp://
    if kind == 2:
        return _mail(text)
    return _anchored(text, pattern, needle, 0, 0)


# bare domains and file names, found from their ending (".com", ".pdf") backwards
# (the look-ahead: most full stops are followed by no letter, which then fails at once
# instead of after a try of every alternative: ~4x faster over long texts; every
# alternative, and every character it matches ignoring case, is a letter)
_ENDING = re.compile(rf"\.(?=[^\W\d_])(?:{_TLDS}|{_EXTS})\b", re.I)
_PATH = re.compile(r"/\S*")
_NAME_BEFORE = re.compile(r"[\w-]+(?:\.[\w-]+)*\Z")
_DOMAIN_ENDING = re.compile(rf"\.(?:{_TLDS})\b", re.I)


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping ``(start, end)`` spans of ``text`` to leave untouched."""
    return with_code(text, plain_spans(text))


def plain_spans(text: str) -> list[tuple[int, int]]:
    """:func:`protected_spans` but for code: each lies inside one run of characters
    between spaces and line breaks (what :func:`carry_protected` carries)."""
    spans: list[tuple[int, int]] = []
    # the needles of _KINDS, tested inline (most texts have none of them)
    if "://" in text:
        spans.extend(_kind_spans(text, 0, _URL))
    if "www" in text or "WWW" in text or "Www" in text:
        spans.extend(_kind_spans(text, 1, _WWW))
    if "@" in text:
        spans.extend(_kind_spans(text, 2, _MAIL))
    if "#" in text:
        spans.extend(_kind_spans(text, 3, _HASHTAG))
    if "<" in text:
        spans.extend(_kind_spans(text, 5, _TAG))
    if "." in text:
        for m in _ENDING.finditer(text):
            s = m.start()
            before = _NAME_BEFORE.search(text, max(0, s - 256), s)
            if before is None or (before.start() > 0 and _word_char(text[before.start() - 1])):
                continue
            start, end = before.start(), m.end()
            if _DOMAIN_ENDING.match(text, s):
                path = _PATH.match(text, end)  # "example.com/a/b.html"
                if path:
                    end = path.end()
            elif "." in before.group():
                # a file name is one word and its extension: "report.pdf", not "a.b.pdf"
                start = s - len(before.group().rsplit(".", 1)[-1])
            spans.append((start, end))
    return _merged(spans) if spans else spans


def with_code(text: str, plain: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``plain`` (:func:`plain_spans` of ``text``) and the fenced and inline code of ``text``."""
    if "`" not in text:
        return plain
    code = _kind_spans(text, 4, _CODE)
    return _merged(plain + code) if code else plain


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort()
    merged = [spans[0]]
    for s, e in spans[1:]:
        if s < merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


#: how far :func:`carry_protected` looks for a space or a line break around an edit
_CARRY_REACH = 256


def carry_protected(before: str, spans: list[tuple[int, int]], after: str, edits,
                    most: float = 0.25) -> list[tuple[int, int]] | None:
    """``plain_spans(after)``, from ``spans = plain_spans(before)`` and the ``edits``
    (sorted, non-overlapping, offsets into ``before``) that made ``after``; or None, when
    it cannot be carried (the caller then scans ``after`` whole).

    Every kind of span but code lies inside one run of characters between spaces and line
    breaks, and no pattern looks past the space or line break around it.  So only the runs
    an edit touches can hold different spans: they are scanned again, each stretch of them
    on its own, and the spans elsewhere are kept, shifted.  Linear in the edits, not in the
    text, for long documents (add the code with :func:`with_code`).  None when there is a
    long run without a space around an edit, or when the runs to scan again are more than
    ``most`` of the text (one scan is cheaper).

    >>> from textmend.edits import Edit
    >>> before = "Poutine ,  see www.example.com , a.b@ex.org"
    >>> after = "Poutine, see www.example.com, a.b@ex.org"
    >>> edits = [Edit(7, 8, "", "TM201"), Edit(9, 10, "", "TM201"), Edit(30, 31, "", "TM201")]
    >>> carry_protected(before, plain_spans(before), after, edits, most=1) == plain_spans(after)
    True
    """
    n = len(before)
    regions: list[list[int]] = []  # [lo, hi, growth] in ``before``, whole runs
    rfind, find = before.rfind, before.find
    for e in edits:
        s, t = e.start, e.end
        floor = max(0, s - _CARRY_REACH)
        lo = max(rfind(" ", floor, s), rfind("\n", floor, s)) + 1
        if lo == 0 and floor > 0:
            return None  # a long run: let a scan of the whole text see it
        ceil = min(n, t + _CARRY_REACH)
        a, b = find(" ", t, ceil), find("\n", t, ceil)
        hi = min(a, b) if a >= 0 and b >= 0 else max(a, b)
        if hi < 0:
            if ceil < n:
                return None
            hi = n
        growth = len(e.replacement) - (t - s)
        if regions and lo <= regions[-1][1]:
            last = regions[-1]
            last[1] = max(last[1], hi)
            last[2] += growth
        else:
            regions.append([lo, hi, growth])
    if sum(r[1] - r[0] for r in regions) > n * most:
        return None
    out: list[tuple[int, int]] = []
    shift = 0
    k = 0
    nspans = len(spans)
    for lo, hi, growth in regions:
        while k < nspans and spans[k][1] <= lo:
            a, b = spans[k]
            out.append((a + shift, b + shift))
            k += 1
        while k < nspans and spans[k][0] < hi:
            k += 1  # inside the region: found again below
        a = lo + shift
        b = hi + shift + growth
        if a < b:
            out.extend((s + a, e + a) for s, e in plain_spans(after[a:b]))
        shift += growth
    out.extend((a + shift, b + shift) for a, b in spans[k:])
    if n + shift != len(after):
        return None  # (not what these edits make)
    return out


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


class LineIndex:
    """Line boundaries of a text, found in O(log n) per query (built on first use).

    Rules that look at "the line around a match" must not scan back to the start of the
    line for every match: on a 10 MB line with a million matches that is quadratic.
    """

    __slots__ = ("text", "_nl")

    def __init__(self, text: str):
        self.text = text
        self._nl: list[int] | None = None  # the start of every line but the first

    def bounds(self, pos: int) -> tuple[int, int]:
        """``(start, end)`` of the line holding ``pos``; ``end`` excludes the newline."""
        nl = self._nl
        if nl is None:
            # where each line after the first starts, summed in C from the line lengths
            lines = self.text.split("\n")
            lines.pop()
            nl = self._nl = list(accumulate(map(_PLUS_ONE, map(len, lines))))
        k = bisect.bisect_right(nl, pos)
        start = nl[k - 1] if k > 0 else 0
        end = nl[k] - 1 if k < len(nl) else len(self.text)
        return start, end


# function words: the English ones are frequent in any English sentence; the others are
# frequent in French, Spanish, Portuguese, Italian, German, Dutch and the Slavic languages
# but (nearly) never words of English prose
_ENGLISH = frozenset("""
the of and to that with for was were said says which would from this have has had been they
their there what when who whom not but are it its his her she he we you will be by at on an
or is a after about also than more into could should
""".split())
_FOREIGN = frozenset("""
le la les des du une est dans pour pas que qui sur avec ce cette ces je vous nous ils elle
elles au aux sont mais ou où très été être avoir fait leur leurs nos notre votre sans
der die das und ist nicht mit den dem ein eine einen zu auf für sich von dass wird werden
auch bei nach aus wie oder sind wurde noch nur
el los las del y en es por con para una lo como su sus más pero sobre este esta
il di che della delle degli sono gli nel nella alla anche più questo questa
de da em não os uma mais ao dos das pelo pela seu sua
het een niet ook op zijn maar voor naar bij deze dit wordt
je na sa se ako že aj sú som sme ste alebo jako jsou být který která které
""".split())
_WORD = re.compile(r"[^\W\d_]+")
_NON_ASCII = regex.compile(r"[^\x00-\x7f]+")
# the fast path of looks_foreign for ASCII text: bytes that are not letters become spaces;
# ``w in _FOREIGN and w.lower() not in _ENGLISH`` is ``w in _FOREIGN_ASCII`` for ASCII ``w``
_LETTERS_ONLY = bytes(b if chr(b).isalpha() and b < 0x80 else 0x20 for b in range(256))
_ENGLISH_ASCII = frozenset(w.encode() for w in _ENGLISH if w.isascii())
_FOREIGN_ASCII = frozenset(w.encode() for w in _FOREIGN if w.isascii() and w.lower() not in _ENGLISH)


def looks_foreign(s: str) -> bool:
    """True when ``s`` reads as a language other than English.

    Evidence, never a default: at least two function words of other languages, written in
    lower case (``Le Pen``, ``Los Angeles`` and ``da Silva`` are names), and more than twice as
    many as English ones; or (with no English function word at all) most words written
    with letters outside ASCII or outside the Latin script.  Short or ambiguous text counts
    as English.

    >>> looks_foreign("je vous souhaite bonne fête"), looks_foreign("Napíšte nám !")
    (True, True)
    >>> looks_foreign("São Paulo and Québec"), looks_foreign("Lula da Silva said")
    (False, False)
    """
    if s.isascii():
        ascii_s = s.encode("ascii")
    elif len(s) < 80 or _WORD.search("".join(_NON_ASCII.findall(s))):
        ascii_s = None  # short, or a word with a letter outside ASCII: the general path
    else:
        # no character outside ASCII is part of a word (curly quotes, dashes, symbols): as
        # "?" (one for each), they separate the same words
        ascii_s = s.encode("ascii", "replace")
    if ascii_s is not None:
        # the same words, found in C: an ASCII word of ``_WORD`` is a run of ASCII letters
        words_b = ascii_s.translate(_LETTERS_ONLY).split()
        fo = sum(map(_FOREIGN_ASCII.__contains__, words_b))
        if fo < 2:
            return False  # and no word is outside ASCII
        en = sum(map(_ENGLISH_ASCII.__contains__, map(bytes.lower, words_b)))
        return fo > 2 * en
    words = _WORD.findall(s)
    if not words:
        return False
    en = fo = non_ascii = 0
    for w in words:
        lw = w.lower()
        if lw in _ENGLISH:
            en += 1
        elif w in _FOREIGN:
            fo += 1
        if not w.isascii():
            non_ascii += 1
    if fo >= 2 and fo > 2 * en:
        return True
    return en == 0 and len(words) >= 2 and non_ascii * 2 > len(words)


class LanguageGuard:
    """Is the text around a position English?  Decided once per line (per 600-character
    window on long lines) and cached, so asking at every match stays linear."""

    WINDOW = 600

    __slots__ = ("text", "lines", "_cache")

    def __init__(self, text: str, lines: LineIndex | None = None):
        self.text = text
        self.lines = lines or LineIndex(text)
        self._cache: dict[tuple[int, int], bool] = {}

    def foreign(self, pos: int) -> bool:
        ls, le = self.lines.bounds(pos)
        w = self.WINDOW
        if le - ls <= 2 * w:
            key = (ls, le)
        else:
            k = (pos - ls) // w
            key = (max(ls, ls + k * w - w // 2), min(le, ls + (k + 1) * w + w // 2))
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = looks_foreign(self.text[key[0]:key[1]])
        return got

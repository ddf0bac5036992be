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

# Each kind of span has a pattern that starts on its own distinctive character, and runs
# only when that character is in the text: prose pays a few substring tests, not a regex
# that tries nine alternatives at every position.
_TLDS = "com|org|net|gov|edu|io|co|uk|de|fr|ru|cn|eu|info|int"
_EXTS = "txt|md|py|js|html?|json|csv|pdf|docx?|xlsx?|png|jpe?g|gif|zip|exe"
_KINDS: tuple[tuple[tuple[str, ...], re.Pattern[str]], ...] = (
    # URLs
    (("://",), re.compile(r"\b(?:https?|ftp|file)://[^\s<>\"'`]+", re.I)),
    (("www", "WWW", "Www"), re.compile(r"\bwww\d?\.[^\s<>\"'`]+", re.I)),
    # e-mail addresses and @handles
    (("@",), re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|(?<![\w@])@\w{1,30}")),
    # #hashtags
    (("#",), re.compile(r"(?<![\w&#])#\w+")),
    # fenced and inline code
    (("`",), re.compile(r"```.*?```|`[^`\n]+`", re.S)),
    # tickers and tags: <MER.N>, <br/>
    (("<",), re.compile(r"<[A-Za-z/][\w.&$/=-]{0,30}>")),
)
# bare domains and file names, found from their ending (".com", ".pdf") backwards
_ENDING = re.compile(rf"\.(?:{_TLDS}|{_EXTS})\b", re.I)
_PATH = re.compile(r"/\S*")
_NAME_BEFORE = re.compile(r"[\w-]+(?:\.[\w-]+)*\Z")
_DOMAIN_ENDING = re.compile(rf"\.(?:{_TLDS})\b", re.I)


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping ``(start, end)`` spans of ``text`` to leave untouched."""
    spans: list[tuple[int, int]] = []
    for needles, pattern in _KINDS:
        if any(n in text for n in needles):
            spans.extend(m.span() for m in pattern.finditer(text))
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
    if not spans:
        return []
    spans.sort()
    merged = [spans[0]]
    for s, e in spans[1:]:
        if s < merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


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
        self._nl: list[int] | None = None

    def bounds(self, pos: int) -> tuple[int, int]:
        """``(start, end)`` of the line holding ``pos``; ``end`` excludes the newline."""
        if self._nl is None:
            text = self.text
            nl, find, p = [], text.find, text.find("\n")
            while p >= 0:
                nl.append(p)
                p = find("\n", p + 1)
            self._nl = nl
        nl = self._nl
        k = bisect.bisect_left(nl, pos)
        start = nl[k - 1] + 1 if k > 0 else 0
        end = nl[k] if k < len(nl) else len(self.text)
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

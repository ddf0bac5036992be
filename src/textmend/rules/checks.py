"""Checks: findings a person should look at.  These rules only report :class:`Flag` objects;
they never change the text.

* **TM701** ``pronoun-mismatch``: a possessive or reflexive pronoun whose gender does not
  match the person it most probably refers to (``Putin … expressing her gratitude``,
  ``Giorgia Meloni, who said his government``).  The person's gender comes from the lexicon
  (``ctx.lexicon.person(token).gender``).  The check is conservative:

  - the person is the nearest person named before the pronoun in the same sentence, and is
    the lexicon's person only when the text gives the full name somewhere (``Brian May`` is
    not ``Theresa May``);
  - nothing that could be another antecedent stands between them: a capitalised word the
    lexicon does not know as a place or organisation, a gendered noun (``wife``), a role noun
    (``minister``; not when it describes the object pronoun: ``calling him a dear friend``),
    a pronoun of the same gender, a quotation mark, a colon or a dash;
  - the pronoun is not in quoted speech; only possessive ``his``/``her`` and reflexive
    ``himself``/``herself`` are checked (an object ``her`` refers too often to someone else);
  - nobody of the pronoun's gender is named earlier in the sentence (except as a possessor,
    ``Macron's proposal``) or in the sentence before, unless the pronoun sits in a clause that
    describes the person (``Meloni, who said his …``, ``…, praising … and expressing her …``).

  The flag's ``suggestion`` is the pronoun of the other gender.
* **TM702** ``duplicated-coordinate``: the same word on both sides of ``and``/``or``
  (``"complete and complete"``, ``close and close cooperation``), a common trace of a
  translation that rendered two synonyms by one word.  Only adjectives and adverbs are flagged
  (a list and a few endings), or any pair in quotation marks: nouns repeat legitimately
  (``cash and cash equivalents``).  Idiomatic repetition (``again and again``, ``on and on``,
  ``hours and hours``) and comparatives (``bigger and bigger``) are not flagged; the idiom list
  is ``textmend/data/checks.toml``.

Both rules analyse only the few places that fast C-level prefilters keep (``find``); their
``find_plain`` is the plain analysis of every sentence and conjunction, which ``find`` matches
exactly (the tests hold it to that).

>>> from textmend import Pipeline
>>> r = Pipeline(select=["TM702"]).explain("The talks were difficult and difficult, and went on and on.")
>>> [(f.rule, f.original, f.suggestion) for f in r.flags]
[('TM702', 'difficult and difficult', 'difficult')]
"""
from __future__ import annotations

import re
import tomllib
import weakref
from functools import lru_cache
from itertools import compress, filterfalse
from operator import itemgetter, not_
from pathlib import Path

import regex

from ..edits import Flag
from ..evidence import _CAP_OTHER, _CAP_UNICODE, cap_tokens
from ..trie import trie_pattern
from .base import Context, Rule
from .layout import _STRIP, FUNCTION, core, ends_sentence

DATA = Path(__file__).resolve().parent.parent / "data" / "checks.toml"


@lru_cache(maxsize=1)
def coordinate_idioms() -> frozenset[str]:
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    return frozenset(w.lower() for w in data.get("coordinate_idioms", []))


# -- TM702 -----------------------------------------------------------------------------------

_GAP = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
#: found from the conjunction outwards (fast): the word before, the conjunction, the word after
_CONJ = regex.compile(_GAP + r"(and|or)" + _GAP, regex.IGNORECASE)
_AFTER = regex.compile(r"\p{L}(?:[\p{L}'’-]*\p{L})?(?![\w-])(?!['’]\w)")


def _duplicates_plain(text: str):
    """``(start, end, first, conjunction, second)`` for every ``X and X`` / ``X or X``: the
    plain scan of every conjunction, the specification of :func:`_duplicates`."""
    for m in _CONJ.finditer(text):
        found = _pair(text, m)
        if found is not None:
            yield found


def _pair(text: str, m):
    after = _AFTER.match(text, m.end())
    if after is None:
        return None
    word = after.group()
    s = m.start() - len(word)
    if s < 0 or text[s:m.start()].lower() != word.lower():
        return None
    prev = text[s - 1] if s else " "
    if prev.isalnum() or prev in "_-" or (prev in "'’" and s > 1 and text[s - 2].isalnum()):
        return None  # part of a longer word: "well-known and known"
    return s, after.end(), text[s:m.start()], m.group(1), word


# A fast prefilter (the ``re`` engine, which searches a literal quickly): every lower-case
# "and"/"or" between white space, except those where ASCII characters prove that the words
# around it differ.  A flagged pair ``a and w`` has ``a.lower() == w.lower()`` with ``len(a) ==
# len(w) >= 2``, the whole white space run as its gaps, ``w`` starting with a letter and ``a``
# ending with one; so the conjunction can be passed over when
#   - the character before a one-character gap is ASCII and no letter,
#   - the first character after the gap is ASCII and no letter nor white space, or
#   - the word after it is plain ASCII (letters, inner ' ’ -) followed by a character that ends
#     it for ``_AFTER`` as well, and it has one letter only, or its last two or three characters
#     differ (ignoring case, all ASCII) from those before the one-character gap.
# What is left (a few per 10 KB) is judged by :func:`_pair`, exactly as the plain scan does.
_NOT_LETTER = r"[\x00-\x08\x0b-\x1f\x21-\x40\x5b-\x60\x7b-\x7f]"  # ASCII, no letter nor [ \t\n]
_WORD_END = r"[ \t\n\r,.;:!?)\]}\"”»]"


def _conj_scan(conj: str):
    # possessive quantifiers: the word after the gap starts with a letter, so only the whole
    # white space run can stand before it; the word itself is read once (no backtracking)
    # and its last characters are compared with lookbehinds at its end.  (The proof that
    # holds for most conjunctions in prose, words of letters that differ, is tried first.)
    return re.compile(
        conj + r"(?<=[ \t\n]" + conj + r")(?=[ \t\n])"
        r"(?!(?<=([\x00-\x7f])([\x00-\x7f])([A-Za-z])[ \t\n]" + conj + r")[ \t]*+\n?[ \t]*+"
        r"(?=[A-Za-z])[A-Za-z'’-]++(?<=[A-Za-z])(?=" + _WORD_END + r")"
        r"(?:(?<=[ \t\n][A-Za-z])"  # one letter
        r"|(?<=[ \t\n][A-Za-z]{2})(?<!(?i:\2\3))"  # two letters, not those before
        r"|(?<![ \t\n].)(?<![ \t\n]..)(?<!(?i:\1\2\3)))"  # three or more: the last three
        r"|(?<=" + _NOT_LETTER + r"[ \t\n]" + conj + r")"
        r"|[ \t]*+\n?[ \t]*+" + _NOT_LETTER + ")")


_CONJ_SCANS = (_conj_scan("and"), _conj_scan("or"))
_GAP_CHARS = " \t\n"


def _duplicates(text: str):
    """``(start, end, first, conjunction, second)``, in text order, for every ``X and X`` /
    ``X or X`` that :class:`DuplicatedCoordinate` can flag (two letters or more, a lower-case
    conjunction): what :func:`_duplicates_plain` finds, from the few conjunctions the
    prefilter keeps (it may also keep a pair whose first word is itself "and"/"or", which the
    rule drops as a function word).

    A flagged pair's conjunction match starts where the white space before the conjunction
    starts (its first word ends with a letter), and no earlier match of the plain scan can
    overlap it: that match would end in the conjunction's own gap, so the first word would
    be (the end of) "and"/"or", a function word or part of a longer word.  So each kept
    conjunction is judged on its own, with the match that starts at its white space.
    """
    found = []
    for scan in _CONJ_SCANS:
        for m in scan.finditer(text):
            c = m.start()
            r = c
            while r > 0 and text[r - 1] in _GAP_CHARS:
                r -= 1
            cm = _CONJ.match(text, r)
            if cm is None or cm.start(1) != c:
                continue
            pair = _pair(text, cm)
            if pair is not None:
                found.append(pair)
    if len(found) > 1:
        found.sort()
    return found


#: adjectives (and adverbs) whose doubling is a translation trace; other words are flagged
#: only when the pair stands in quotation marks ("clear and clear")
ADJECTIVES = frozenset("""
complete full total whole entire difficult hard tough complex clear close strong firm solid
stable steady deep broad wide large big huge great major important significant serious severe
grave critical crucial essential vital key main good positive constructive productive useful
frank open sincere honest fair just equal free independent sovereign safe secure calm quiet
rapid quick fast slow new modern recent old ancient long short high low strict precise exact
accurate direct immediate urgent efficient concrete real true genuine actual practical mutual
reciprocal bilateral common joint special particular specific unique simple easy basic
fundamental radical profound sharp harsh bitter fierce intense violent brutal cruel risky
uncertain unclear unstable weak poor rich wealthy happy sad proud sure certain confident ready
able willing warm cordial friendly excellent perfect ideal normal usual regular formal legal
legitimate valid lasting durable permanent sustainable constant consistent coherent transparent
global local national international regional internal external political social cultural
strategic historic decisive active dynamic vibrant brilliant notable visible tangible resolute
steadfast unwavering determined unprecedented remarkable tremendous enormous immense vast
extensive intensive massive heavy light bright dark clean pure calm tense tight loose rigid
flexible smooth rough thorough careful cautious prudent wise smart fine nice bad evil wrong
right correct proper appropriate adequate sufficient necessary possible impossible probable
likely unlikely obvious evident apparent explicit implicit definitive definite final ultimate
absolute relative partial limited unlimited fresh stark sober blunt candid fruitful peaceful
""".split())

_ADJ_SUFFIXES = ("ous", "ful", "ive", "less", "ical")
_ADJ_LONG_SUFFIXES = ("able", "ible")  # longer words only: not "table", "cable"
_NOT_ADVERBS = frozenset("""only early daily weekly monthly yearly family supply reply apply rely
ally rally belly bully jelly lily holy ugly assembly anomaly monopoly italy july fly""".split())


def _adjective_like(word: str) -> bool:
    w = word.lower()
    if w in ADJECTIVES:
        return True
    if "-" in w:
        return False
    if w.endswith(_ADJ_SUFFIXES) and len(w) > 5:
        return True
    if w.endswith(_ADJ_LONG_SUFFIXES) and len(w) > 6:
        return True
    return w.endswith("ly") and len(w) > 5 and w not in _NOT_ADVERBS  # "firmly and firmly"


class DuplicatedCoordinate(Rule):
    """``complete and complete``, ``close and close cooperation``."""

    code = "TM702"
    name = "duplicated-coordinate"
    family = "checks"
    description = "the same word on both sides of 'and'/'or'"
    flags_only = True  # (a check: never an edit)

    def find(self, text: str, ctx: Context) -> list[Flag]:
        if " and " not in text and " or " not in text:
            return []
        return self._flags(text, _duplicates(text))

    def find_plain(self, text: str, ctx: Context | None = None) -> list[Flag]:
        """What :meth:`find` returns, from the plain scan of every conjunction (slow; the
        specification that the tests hold :meth:`find` to)."""
        if " and " not in text and " or " not in text:
            return []
        return self._flags(text, _duplicates_plain(text))

    def _flags(self, text: str, pairs) -> list[Flag]:
        idioms = coordinate_idioms()
        out = []
        for start, end, a, conj, b in pairs:
            low = a.lower()
            if low in idioms or low in FUNCTION or low in _PRONOUNS_ALL or len(low) < 2:
                continue
            if low.endswith("er") and len(low) > 4:  # comparatives: "closer and closer"
                continue
            if not b.islower() or not (a.islower() or (a.istitle() and _sentence_initial(text, start))):
                continue  # names ("Johnson and Johnson") and capitals
            if conj.lower() != conj:
                continue
            before, after = text[start - 1:start] if start else "", text[end:end + 1]
            quoted = bool(before) and before in _OPEN_QUOTES and bool(after) and after in _CLOSE_QUOTES
            if not quoted and not _adjective_like(low):
                continue  # "cash and cash equivalents", "growing and growing": not a trace
            why = "in quotation marks" if quoted else "an adjective or adverb"
            out.append(self.flag(
                start, end,
                f"the same word {low!r} on both sides of {conj!r} ({why}): probably two different "
                f"words (synonyms) in the source, translated by one; keep one {low!r} or restore "
                f"the second word",
                suggestion=a))
        return out


_OPEN_QUOTES = "\"'“‘«„"
_CLOSE_QUOTES = "\"'”’»"
_PRONOUNS_ALL = frozenset("i me you he him she her it we us they them one".split())


def _sentence_initial(text: str, pos: int) -> bool:
    before = text[max(0, pos - 40):pos].rstrip(" \t\"'“‘(")
    if not before or before.endswith("\n"):
        return True
    words = before.split()
    return bool(words) and ends_sentence(words[-1])


# -- TM701 -----------------------------------------------------------------------------------

#: pronoun -> (gender, the pronoun of the other gender)
PRONOUNS = {"his": ("m", "her"), "her": ("f", "his"), "himself": ("m", "herself"),
            "herself": ("f", "himself")}

GENDERED = {
    "f": frozenset("""woman women wife wives mother mothers queen queens daughter daughters sister
        sisters girl girls lady ladies mrs ms miss madam madame actress actresses chairwoman
        spokeswoman businesswoman congresswoman grandmother aunt niece widow bride princess
        duchess empress female females girlfriend heiress nun she her hers herself""".split()),
    "m": frozenset("""man men husband husbands father fathers king kings son sons brother brothers
        boy boys gentleman gentlemen mr sir lord chairman spokesman businessman congressman
        grandfather uncle nephew widower groom prince duke emperor male males boyfriend heir
        monk he him his himself""".split()),
}

#: nouns for people of either gender: a possible antecedent standing between
ROLE_NOUNS = frozenset("""
minister ministers president presidents leader leaders official officials chancellor premier
secretary spokesperson chief director chair ceo executive head governor mayor senator judge
lawyer prosecutor ambassador envoy diplomat counterpart colleague friend friends ally allies
partner partners rival opponent candidate voter voters citizen citizens resident residents
child children parent parents person people member members deputy aide adviser advisor
advisers advisors journalist reporter author writer teacher student students doctor patient
player players coach manager owner founder officer soldier soldiers worker workers critic
critics analyst analysts expert experts victim victims witness witnesses host guest guests
successor predecessor monarch ruler dictator pope cardinal bishop priest activist activists
""".split())

_PRONOUN_GATE = regex.compile(r"\b(?:[Hh]is|[Hh]er|[Hh]imself|[Hh]erself)\b")
_PRONOUN_FORMS = {"f": frozenset("she her hers herself".split()),
                  "m": frozenset("he him his himself".split())}

_WORD = regex.compile(r"\S+")
_QUOTES = "\"“”«»„"
_QUOTE_SET = frozenset(_QUOTES)


def _in_quotes(sent, i) -> bool:
    """Is token ``i`` inside a quotation opened earlier in the sentence?"""
    before = "".join(t[2] for t in sent[:i])
    return before.count('"') % 2 == 1 or before.count("“") > before.count("”") \
        or before.count("«") > before.count("»")


def _mention(tokens_, j: int, resolver: _Resolver, gender: str) -> bool:
    """Does token ``j`` speak of someone of ``gender`` (other than as a possessor)?"""
    w = tokens_[j][2]
    c = core(w).lower().rstrip(".,;:!?")
    if c in GENDERED[gender] and c not in ("his", "her"):
        return True
    e = resolver.person(tokens_, j)
    if e is _OTHER:
        return False
    return e is not None and e.gender == gender and not core(w).rstrip(".,;:!?").endswith(("'s", "’s"))


class _Context:
    """What the judgement of one pronoun needs besides its own tokens, computed once per
    sentence however many pronouns it has: ``_in_quotes(sent, i)`` and
    ``_mentions(sent[:j], …)`` for growing ``i`` and ``j``, and the sentence before."""

    def __init__(self, sent, resolver: _Resolver, previous):
        self.sent = sent
        self.resolver = resolver
        self._previous = previous  # () -> the tokens of the sentence before
        self._quoted_upto = 0
        self._quotes = dict.fromkeys('"“”«»', 0)
        self._first: dict[str, list[int]] = {}  # gender -> [tokens judged, first mention or -1]
        self._before: dict[str, bool] = {}

    def in_quotes(self, i: int) -> bool:
        """``_in_quotes(sent, i)``."""
        n = self._quotes
        for k in range(self._quoted_upto, i):
            w = self.sent[k][2]
            for q in n:
                if q in w:
                    n[q] += w.count(q)
        self._quoted_upto = max(self._quoted_upto, i)
        return n['"'] % 2 == 1 or n["“"] > n["”"] or n["«"] > n["»"]

    def mentioned_before(self, j: int, gender: str) -> bool:
        """``PronounMismatch._mentions(sent[:j], resolver, gender)``."""
        st = self._first.setdefault(gender, [0, -1])
        while st[1] < 0 and st[0] < j:
            if _mention(self.sent, st[0], self.resolver, gender):
                st[1] = st[0]
            st[0] += 1
        return 0 <= st[1] < j

    def previous_mentions(self, gender: str) -> bool:
        """``PronounMismatch._mentions(previous, resolver, gender)``."""
        if gender not in self._before:
            self._before[gender] = PronounMismatch._mentions(self._previous(), self.resolver, gender)
        return self._before[gender]


class _Sentence(_Context):
    """The sentence of :func:`_sentences` that starts at ``start``, tokenised only as far as
    the pronouns judged need (each one and the token after it), and the sentence before."""

    def __init__(self, text: str, start: int, resolver: _Resolver):
        super().__init__([], resolver, self._previous_tokens)
        self.text = text
        self.start = start
        self.tokens = self.sent
        self._open = True  # may the sentence go on after the last token read?
        self._words = _WORD.finditer(text, start)

    def holds(self, t: int) -> bool:
        """Is the token that starts at ``t`` in this sentence (read up to it)?"""
        return t >= self.start and self.index(t, strict=False) >= 0

    def index(self, t: int, strict: bool = True) -> int:
        """The index of the token that starts at ``t`` (read up to it and the token after)."""
        toks, text = self.tokens, self.text
        if self._open and (not toks or toks[-1][0] <= t):
            last = toks[-1][1] if toks else self.start
            for m in self._words:
                s, e = m.span()
                if toks and text.find("\n", last, s) >= 0:
                    self._open = False
                    break
                w = m.group()
                toks.append((s, e, w))
                last = e
                if ends_sentence(w):
                    self._open = False
                    break
                if s > t:
                    break
            else:
                self._open = False
        for i in range(len(toks) - 1, -1, -1):
            if toks[i][0] == t:
                return i
            if toks[i][0] < t:
                break
        if strict:
            raise ValueError(t)  # pragma: no cover - t is a token of this sentence
        return -1

    def _previous_tokens(self):
        before = _last_token_end(self.text, self.start)
        if before is None:
            return []
        p_start = _sentence_start(self.text, _WORD_BACK.search(self.text, 0, before).start())
        return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(self.text, p_start, before)]


def _name_of(word: str) -> str:
    return _without_suffix(core(word).rstrip(".,;:!?"))


def _without_suffix(w: str) -> str:
    if w[-1:] not in ("s", "'", "’"):
        return w
    for suffix in ("'s", "’s", "'", "’"):
        if w.endswith(suffix):
            return w[: -len(suffix)]
    return w


def _sentences(text: str) -> list[list[tuple[int, int, str]]]:
    """Tokens of ``text`` grouped in sentences (split at terminators and line breaks)."""
    out: list[list[tuple[int, int, str]]] = []
    cur: list[tuple[int, int, str]] = []
    last_end = 0
    for m in _WORD.finditer(text):
        if cur and "\n" in text[last_end:m.start()]:
            out.append(cur)
            cur = []
        cur.append((m.start(), m.end(), m.group()))
        last_end = m.end()
        if ends_sentence(m.group()):
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def _possessive_word(word: str) -> bool:
    """Can ``word`` (the token after his/her) be what the pronoun possesses: a lower-case
    content word, no function word or adverb?"""
    nxt = core(word).rstrip(".,;:!?")
    if not nxt[:1].islower() or nxt.lower() in FUNCTION or nxt.lower() in _ADVERBS:
        return False
    return not (nxt.endswith("ly") and nxt not in _NOT_ADVERBS)


class _FullNames:
    """The full names and multi-word variants of the lexicon's people with a gender, and a
    scan that lists those a text holds (for long texts, where a search of the whole text
    for each person looked up would cost as many passes as there are people)."""

    def __init__(self, entries):
        names = set()
        for e in entries:
            if e.kind == "person" and e.gender in ("m", "f"):
                names.add(e.name)
                names.update(v for v in e.variants if " " in v)
        self.names = frozenset(names)
        self.scan = re.compile(trie_pattern(names)) if names else None
        self.firsts = frozenset(n[0] for n in names)
        #: name -> the names it starts with (itself too)
        self.prefixes = {n: [n[:k] for k in range(1, len(n) + 1) if n[:k] in names] for n in names}

    def found(self, text: str) -> set[str]:
        """The names that occur in ``text``: the longest name that starts at each position
        (a scan, then each position inside what it found), and the names it starts with."""
        got: set[str] = set()
        if self.scan is None:
            return got
        match, firsts, prefixes = self.scan.match, self.firsts, self.prefixes
        for m in self.scan.finditer(text):
            got.update(prefixes[m.group()])
            for p in range(m.start() + 1, m.end()):
                if text[p] in firsts:
                    inner = match(text, p)
                    if inner is not None:
                        got.update(prefixes[inner.group()])
        return got


#: entries a _LexiconMemo dict keeps at most (it starts anew when full)
_MEMO_SIZE = 100_000


def _remember(memo: dict, key, value):
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    memo[key] = value
    return value


class _NameGate:
    """Which genders have the names a text holds, of ``named`` (the full names and
    multi-word variants of the lexicon's people of known gender, with their gender)?
    Answered from the text's capitalised tokens (:func:`~textmend.evidence.cap_tokens`)
    with C-level set operations, and a search of the text only for the names whose pieces
    are all among them.

    Why that is exact: ``cap_tokens`` is what the scans ``_CAP_ASCII``, or ``_CAP_UNICODE``
    and ``_CAP_OTHER``, find in the text.  Scan a name with them: its *pieces*.  Inside a
    name, after its first ASCII character that no token can hold (no letter nor ``-``: a
    *barrier*), the scans of a text that holds the name go exactly as over the name, since
    no token reaches across a barrier.  So each piece after a barrier starts a token of the
    text, and is the whole token when a barrier ends it (``Jong`` in ``Kim Jong Un``:
    *exact*); a piece at the end of the name may go on in the text (``Putin-led``:
    *prefix*).  A piece before the first barrier may be glued to what stands before the
    name (``Anti-Tony``): when a barrier ends it, it is a token or ends one where a piece
    can start (a capital or a character outside ASCII: *glued*); a name without a barrier
    needs its pieces inside tokens (*contained*), and a name without a piece is searched
    whole.  (The ASCII scan finds the same pieces in a name of ASCII letters, and a text
    that holds a name with other letters is no ASCII text.)

    What a token satisfies is learned once (``_verdicts``, and ``_ends`` for the glued
    pieces a token ends with); the tokens that satisfy nothing (most) are sorted out in
    bulk by C-level maps (a scan of each token for the pieces), kept in a set
    (``_nothing``) and taken out of a text's tokens in C.  A name is searched only when
    all its requirements are held and its glued pieces are tokens or end one."""

    def __init__(self, named):
        #: a requirement -> the names indexed under it: (name, requirements, glued pieces)
        self._index: dict[tuple[str, str], list[tuple[str, frozenset, frozenset]]] = {}
        self._genders: dict[str, frozenset[str]] = {}
        for name, gender in named:
            self._genders[name] = self._genders.get(name, frozenset()) | {gender}
        whole = []
        for name in sorted(self._genders):
            reqs, glued = _requirements(name)
            if not reqs:
                whole.append(name)
                continue
            key = max(reqs, key=lambda r: (len(r[1]), r))  # (the longest piece: rarest)
            self._index.setdefault(key, []).append((name, frozenset(reqs), frozenset(glued)))
        self._whole = tuple(whole)
        found = self._index.values()
        reqs = {r for entries in found for _, rs, _ in entries for r in rs}
        self._exact = frozenset(p for kind, p in reqs if kind == _EXACT)
        #: what a token may have at its start, and after it (where a piece can start);
        #: and the scans that find the tokens that may have some
        at_start = [r for r in reqs if r[0] != _EXACT]
        inside = [r for r in reqs if r[0] == _CONTAINED]
        inside += [(_GLUED, p) for entries in found for _, _, gs in entries for p in gs]
        self._at_start, self._inside = _Pieces(at_start), _Pieces(inside)
        self._verdicts: dict[str, tuple[tuple[str, str], ...]] = {}
        self._ends: dict[str, tuple[str, ...]] = {}
        self._nothing: set[str] = set()

    def learn(self, tokens: set[str]) -> None:
        """Learn what these tokens satisfy, at once (:meth:`PronounMismatch.prepare`)."""
        new = (tokens - self._nothing).difference(self._verdicts)
        if new:
            self._learn_all(new)

    def _learn_all(self, new: set[str]) -> None:
        """Learn what the tokens ``new`` satisfy: :meth:`_learn` for the few that may satisfy
        something (C-level maps find them), the others satisfy nothing."""
        if len(self._nothing) + len(self._verdicts) + len(new) > 2 * _MEMO_SIZE:
            self._nothing.clear()
            self._verdicts.clear()
            self._ends.clear()
        toks = list(new)
        maybe = new & self._exact
        at_start, inside = self._at_start.at, self._inside.at
        maybe.update(t for t in toks if at_start(t, 0))
        # a piece starts with a capital or a character outside ASCII: after the first
        # character of a token, only a token of another shape than "Word" may have one
        tails = map(itemgetter(slice(1, None)), toks)
        odd = set(filterfalse(str.isascii, toks))
        odd.update(compress(toks, map(not_, map(str.islower, tails))))
        maybe.update(t for t in odd - maybe if any(inside(t, i) for i in _piece_starts(t)))
        for tok in maybe:
            self._learn(tok)
        self._nothing.update(new - maybe)

    def _learn(self, tok: str) -> tuple[tuple[str, str], ...]:
        """Learn what the token ``tok`` satisfies (its requirements, and the glued pieces
        it ends with after its first character; those it is are looked up in the tokens),
        and return its requirements."""
        got = [(_EXACT, tok)] if tok in self._exact else []
        got += self._at_start.at(tok, 0)
        ends = []
        if not (tok.isascii() and tok[1:].islower()):  # (most tokens: a piece starts at 0 only)
            for i in _piece_starts(tok):
                for kind, p in self._inside.at(tok, i):
                    if kind == _CONTAINED:
                        got.append((kind, p))
                    elif i + len(p) == len(tok):
                        ends.append(p)
        verdict = tuple(got)
        if not got and not ends:
            self._nothing.add(tok)
        else:
            self._verdicts[tok] = verdict
            if ends:
                self._ends[tok] = tuple(ends)
        return verdict

    def genders(self, tokens: set[str], text: str) -> frozenset[str]:
        """The genders of the names ``text`` holds (its capitalised tokens: ``tokens``)."""
        found: frozenset[str] = frozenset()
        rest = tokens - self._nothing
        if rest:
            new = rest.difference(self._verdicts)
            if new:
                self._learn_all(new)
                rest = rest - self._nothing
            verdicts, ends = self._verdicts, self._ends
            held: set[tuple[str, str]] = set()
            have = tokens  # the tokens and the glued pieces they end with
            for tok in rest:
                got = verdicts.get(tok)
                if got is None:  # (forgotten meanwhile: the memo was full)
                    got = self._learn(tok)
                held.update(got)
                glued = ends.get(tok)
                if glued:
                    have = have | set(glued)
            index, genders = self._index, self._genders
            for r in held:
                for name, reqs, glued in index.get(r, ()):
                    if reqs <= held and glued <= have and not genders[name] <= found \
                            and name in text:
                        found |= genders[name]
                        if len(found) == 2:
                            return found
        for name in self._whole:
            if not self._genders[name] <= found and name in text:
                found |= self._genders[name]
        return found


def _piece_starts(tok: str):
    """Where a piece may start inside ``tok`` after its first character: at a capital or a
    character outside ASCII."""
    for i in range(1, len(tok)):
        c = tok[i]
        if "A" <= c <= "Z" or c >= "\x80":
            yield i


class _Pieces:
    """``(kind, piece)`` pairs, found by the first four characters of the piece: which of
    them a token has at ``i``."""

    def __init__(self, entries):
        by4: dict[str, list[tuple[str, str]]] = {}
        short: dict[str, list[tuple[str, str]]] = {}
        for kind, p in sorted(set(entries)):
            (by4.setdefault(p[:4], []) if len(p) >= 4 else short.setdefault(p, [])).append((kind, p))
        self._by4 = {k: tuple(v) for k, v in by4.items()}
        self._short = {k: tuple(v) for k, v in short.items()}
        self._lengths = tuple(sorted({len(p) for p in short}))

    def at(self, tok: str, i: int) -> list[tuple[str, str]]:
        got = [e for e in self._by4.get(tok[i:i + 4], ()) if tok.startswith(e[1], i)]
        for k in self._lengths:
            if i + k > len(tok):
                break
            got += self._short.get(tok[i:i + k], ())
        return got


_EXACT, _PREFIX, _CONTAINED, _GLUED = "=", "^", "~", "$"


#: an ASCII character that no capitalised token holds: no letter nor "-" (see :class:`_NameGate`)
_BARRIER = re.compile(r"[\x00-\x2c\x2e-\x40\x5b-\x60\x7b-\x7f]")


def _pieces(name: str) -> list[tuple[int, int, str]]:
    """``(start, end, piece)``: what the scans of :func:`~textmend.evidence.cap_tokens` find
    in ``name``, but those that start with no letter (``_CAP_OTHER`` finds ``×`` or ``€``
    too, which may stand in a text scanned with ``_CAP_ASCII`` only)."""
    scans = (_CAP_UNICODE,) if name.isascii() else (_CAP_UNICODE, _CAP_OTHER)
    return sorted((m.start(), m.end(), m.group()) for scan in scans
                  for m in scan.finditer(name) if m.group()[0].isalpha())


def _requirements(name: str) -> tuple[list[tuple[str, str]], list[str]]:
    """What the capitalised tokens of a text that holds ``name`` must have (see
    :class:`_NameGate`): requirements ``(_EXACT, piece)``, a token equal to the piece;
    ``(_PREFIX, piece)``, one that starts with it; ``(_CONTAINED, piece)``, one that holds
    it; and the glued pieces, each a token or the end of one.  A piece of one or two letters
    at the end is required only when there is no other (``Un`` would be "United" too); a
    name without a piece requires nothing (it is searched whole)."""
    pieces = _pieces(name)
    first = _BARRIER.search(name)
    if first is None:
        return sorted({(_CONTAINED, p) for _, _, p in pieces}), []
    barrier = first.start()
    reqs, ends, glued = [], [], []
    for s, e, p in pieces:
        closed = _BARRIER.match(name, e) is not None
        if s < barrier:
            if closed:
                glued.append(p)
        elif closed:
            reqs.append((_EXACT, p))
        else:
            ends.append((_PREFIX, p))
    reqs += [r for r in ends if len(r[1]) > 2] or ([] if reqs else ends)
    if not reqs:
        reqs = [(_CONTAINED, p) for p in glued]
    return sorted(set(reqs)), sorted(set(glued))


class _LexiconMemo:
    """What depends on the lexicon only, remembered between texts: ``lexicon.person(name)``,
    :meth:`_Resolver.non_person`, what a capitalised name is for :func:`_decide`, the
    :class:`_FullNames`, the :class:`_NameGate`; and ``_name_of(token)``."""

    def __init__(self, lexicon):
        self.lexicon = lexicon
        self.persons: dict = {}
        self.non_persons: dict[str, bool] = {}
        self.names: dict[str, str] = {}  # token -> _name_of(token)
        self.kinds: dict[str, object] = {}  # name -> _GENDERED or what kind_of_no_one says
        self._full: _FullNames | None = None
        self._canonical = getattr(lexicon, "canonical", None)
        self._canonical_len = len(self._canonical or ())
        self._gate: _NameGate | None = None

    @property
    def gate(self) -> _NameGate:
        """The :class:`_NameGate` of the full names and multi-word variants of the people
        of known gender, which :meth:`_Resolver._established` looks for."""
        gate = self._gate
        if gate is None:
            gate = self._gate = _NameGate(
                (n, e.gender) for e in self.lexicon.entries
                if e.kind == "person" and e.gender in ("m", "f")
                for n in (e.name, *(v for v in e.variants if " " in v)))
        return gate

    def fresh(self) -> bool:
        """Are the lexicon's indexes still those this memo was made from?"""
        canonical = getattr(self.lexicon, "canonical", None)
        return canonical is self._canonical and len(canonical or ()) == self._canonical_len

    def person(self, name: str):
        """``lexicon.person(name)``."""
        try:
            return self.persons[name]
        except KeyError:
            return _remember(self.persons, name, self.lexicon.person(name))

    def non_person(self, name: str) -> bool:
        """Does ``name`` name something of the lexicon, and no person?"""
        try:
            return self.non_persons[name]
        except KeyError:
            entries = self.lexicon.entries_for(name) if name else []
            return _remember(self.non_persons, name,
                             bool(entries) and all(en.kind != "person" for en in entries))

    def name_of(self, tok: str) -> str:
        """``_name_of(tok)``."""
        return _remember(self.names, tok, _name_of(tok))

    def kind(self, name: str) -> object:
        """``_GENDERED`` when ``_Resolver._lookup(name)`` may be a person (it depends on the
        text), else what :meth:`kind_of_no_one` says."""
        e = self.person(name)
        if e is None and name.isupper() and len(name) > 1:
            e = self.person(name.title())
        kind = _GENDERED if e is not None and e.gender in ("m", "f") else self.kind_of_no_one(name)
        return _remember(self.kinds, name, kind)

    def kind_of_no_one(self, name: str) -> object:
        """For a capitalised name that names no person: skipped by ``_antecedent`` (a place or
        organisation of the lexicon, a day or month), a demonym (skipped before a lower-case
        word), or a word that stops it."""
        if self.non_person(name) or name.lower() in _CALENDAR:
            return _SKIPPED
        return _DEMONYM_WORD if _demonym(name) else _STOP

    @property
    def full_names(self) -> _FullNames | None:
        if self._full is None:
            entries = getattr(self.lexicon, "entries", None)
            if entries is None:
                return None
            self._full = _FullNames(entries)
        return self._full


_MEMO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


#: (lexicon, its people, their number, its memo) of the last text: the common case, fast
_LAST_MEMO: tuple = (None, None, -1, None)


def _memo(lexicon) -> _LexiconMemo:
    """The :class:`_LexiconMemo` of a lexicon object, anew when its entries changed."""
    global _LAST_MEMO
    last = _LAST_MEMO  # one tuple, replaced whole: safe with threads
    people = lexicon.people
    if last[0] is lexicon and last[1] is people and last[2] == len(people) and last[3].fresh():
        return last[3]
    memo = _memo_of(lexicon)
    _LAST_MEMO = (lexicon, people, len(people), memo)
    return memo


def _memo_of(lexicon) -> _LexiconMemo:
    key = (lexicon.people, len(lexicon.people), getattr(lexicon, "canonical", None),
           len(getattr(lexicon, "canonical", ())))
    try:
        got = _MEMO.get(lexicon)
    except TypeError:  # not weakly referable: nothing remembered between texts
        return _LexiconMemo(lexicon)
    if got is not None and all(a is b if isinstance(a, dict) else a == b for a, b in zip(got[0], key)):
        return got[1]
    memo = _LexiconMemo(lexicon)
    _MEMO[lexicon] = (key, memo)
    return memo


def _pronoun_tokens(text: str, genders: frozenset[str] = frozenset("mf")) -> list[tuple[int, str, str]]:
    """``(start, token, core)`` of every token whose core is a checked pronoun of one of
    ``genders``, in order."""
    out = []
    lower, upper, start = _PRONOUN_SCANS[genders]
    found = list(lower.finditer(text))
    i = text.find(start)  # rare: found by memchr, the pattern tried there only
    while i >= 0:
        m = upper.match(text, i)
        if m is not None:
            found.append(m)
        i = text.find(start, i + 1)
    for m in found:
        t = m.start()
        while t > 0 and text[t - 1] in _STRIP:
            t -= 1
        if t > 0 and text[t - 1] not in _SPACE:
            continue  # inside a longer token: "(x)his"
        e = m.end()
        if e == len(text) or text[e] in _SPACE:
            w = text[t:e]
        else:
            w = _WORD.match(text, t).group()
        c = core(w).rstrip(".,;:!?")
        if c in _PRONOUN_CORES:
            out.append((t, w, c))
    out.sort()
    return out


def _last_token_end(text: str, pos: int) -> int | None:
    """End of the last token before ``pos`` (None when there is none)."""
    m = _WORD_BACK.search(text, 0, pos)
    return None if m is None else m.end()


def _sentence_start(text: str, t: int) -> int:
    """Where the sentence of :func:`_sentences` that holds the token starting at ``t``
    starts: after the last line break or sentence-ending token before it, found from ``t``
    backwards (a sentence costs its own length)."""
    pos = hi = t
    while True:
        m = _TERM_BACK.search(text, 0, pos)  # the last token end that may end a sentence
        lo = 0 if m is None else m.end()
        nl = text.rfind("\n", lo, hi)
        if nl >= 0:  # a line break after it: the sentence starts on that line
            return _NEXT_TOKEN.match(text, nl + 1).start(2)
        if m is None:
            return _NEXT_TOKEN.match(text, 0).start(2)
        tok = _WORD_BACK.search(text, 0, m.end())
        if ends_sentence(tok.group()):
            return _NEXT_TOKEN.match(text, m.end()).start(2)
        pos = hi = tok.start()  # an abbreviation ("Mr."): look further back


#: white space as ``\s`` of the ``regex`` module (what separates the tokens of ``_WORD``)
_SPACE = frozenset("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                   "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
# \x1c-\x1f are white space for ``str.split`` and ``re`` but not for ``regex``'s ``\s``: a text
# with one of them is split into tokens with ``_WORD`` (slower), as :func:`_sentences` does.
#: every possible checked pronoun of the genders wanted: the lower-case scan, the capitalised
#: one and its first letters (``re`` finds a literal prefix fast, one of two or three letters
#: faster than "h"); the characters around a pronoun token's core (space, quotes, brackets,
#: .,;:!?) are no ``\w``
_PRONOUN_SCANS = {
    frozenset("mf"): (re.compile(r"h(?<!\wh)(?:is|er|imself|erself)(?!\w)"),
                      re.compile(r"H(?<!\wH)(?:is|er|imself|erself)(?!\w)"), "H"),
    frozenset("m"): (re.compile(r"hi(?<!\whi)(?:s|mself)(?!\w)"),
                     re.compile(r"Hi(?<!\wHi)(?:s|mself)(?!\w)"), "Hi"),
    frozenset("f"): (re.compile(r"her(?<!\wher)(?:self)?(?!\w)"),
                     re.compile(r"Her(?<!\wHer)(?:self)?(?!\w)"), "Her"),
}
_PRONOUN_CORES = frozenset(f for p in PRONOUNS for f in (p, p.title()))
_NEXT_TOKEN = regex.compile(r"(\s*)(\S+)")
#: the same with ``re`` (faster), for a text without \x1c-\x1f (space for ``re`` only)
_NEXT_TOKEN_SPLIT = re.compile(r"(\s*)(\S+)")
#: how many tokens before a pronoun ``_antecedent`` looks at
_LOOK_BACK = 30
_TERM_BACK = regex.compile(r"(?r)[.!?][\"'”’»)\]]*(?=\s)")
_WORD_BACK = regex.compile(r"(?r)\S+")


_SKIPPED, _STOP, _DEMONYM_WORD, _GENDERED = object(), object(), object(), object()
_BOTH = frozenset("mf")
#: the genders of persons named -> the genders of the pronouns that may be flagged
_OTHER_GENDERS = {_BOTH: _BOTH, frozenset("m"): frozenset("f"), frozenset("f"): frozenset("m")}
#: a text longer than this lists its full names at once when it looks up many people
_LONG_TEXT = 100_000


def _decide(toks, w: str, gender: str, resolver: _Resolver) -> bool | None:
    """Walk ``toks`` (the tokens before the pronoun token ``w``) backwards to the first
    capitalised token that decides :meth:`PronounMismatch._antecedent`: True for a person
    of the other gender, False for anyone else or a word that may name someone; None when
    none decides."""
    n = len(toks)
    memo = resolver._memo
    names, kinds = memo.names, memo.kinds
    for k in range(n - 1, -1, -1):
        tok = toks[k]
        f = tok[0]
        if "a" <= f <= "z" or "0" <= f <= "9":
            continue  # its name starts with that character: not capitalised
        name = names.get(tok)
        if name is None:
            name = memo.name_of(tok)
        if not name[:1].isupper():
            continue
        kind = kinds.get(name)
        if kind is None:
            kind = memo.kind(name)
        if kind is _GENDERED:
            kind = resolver._lookup(name)
            if kind is _OTHER:
                return False
            if kind is not None:
                return kind.gender != gender
            kind = memo.kind_of_no_one(name)
        if kind is _SKIPPED:
            continue
        if kind is _DEMONYM_WORD:  # _not_a_name: "Russian troops"
            if core(toks[k + 1] if k + 1 < n else w)[:1].islower():
                continue
        return False  # a capitalised word that may name someone else
    return None


class PronounMismatch(Rule):
    """``Putin … expressing her gratitude`` (Putin is male in the lexicon)."""

    code = "TM701"
    name = "pronoun-mismatch"
    family = "checks"
    description = "pronoun whose gender does not match the person it refers to"
    flags_only = True  # (a check: never an edit)

    def find(self, text: str, ctx: Context) -> list[Flag]:
        """Only the sentences of the few pronouns that can be flagged are analysed: a
        pronoun token of the checked shape, not quoted, possessive (his/her), with a person
        of the other gender (in the lexicon, named in full in the text) among the 30 tokens
        before it; and only pronouns of a gender other than one of those named in full
        (:meth:`_NameGate.genders`) are looked for.  Their sentences are then checked as
        :meth:`find_plain` checks every one."""
        lexicon = ctx.lexicon
        if not getattr(lexicon, "people", None):
            return []
        memo = _memo(lexicon)
        tokens = cap_tokens(ctx, text)
        named = _BOTH if tokens is None else memo.gate.genders(tokens, text)
        if not named:
            return []  # no gendered person's full name (or multi-word variant) is here
        # a pronoun is flagged for a person of the other gender (who needs a full name here)
        found = _pronoun_tokens(text, _OTHER_GENDERS[named])
        if not found:
            return []
        resolver = _Resolver(text, lexicon, memo)
        split = not ("\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text)
        out: list[Flag] = []
        sent = None  # the sentence of the last pronoun judged
        for t, w, c in found:
            if not self._may_flag(text, t, w, c, resolver, split):
                continue
            if sent is None or not sent.holds(t):
                sent = _Sentence(text, _sentence_start(text, t), resolver)
            flag = self._judge(sent.tokens, sent.index(t), resolver, sent)
            if flag is not None:
                out.append(flag)
        return out

    def prepare(self, words: set[str], pipeline) -> None:
        """Learn the name gate's verdicts on these words at once (in bulk: faster)."""
        lexicon = pipeline.lexicon
        if getattr(lexicon, "people", None):
            _memo(lexicon).gate.learn(words)

    def find_plain(self, text: str, ctx: Context) -> list[Flag]:
        """Every sentence checked (slow; the specification :meth:`find` is held to)."""
        if not _PRONOUN_GATE.search(text):
            return []
        lexicon = ctx.lexicon
        if not getattr(lexicon, "people", None):
            return []
        resolver = _Resolver(text, lexicon)
        out: list[Flag] = []
        previous: list = []
        for sent in _sentences(text):
            out.extend(self._check(sent, resolver, previous))
            previous = sent
        return out

    def _may_flag(self, text: str, t: int, w: str, c: str, resolver: _Resolver, split: bool) -> bool:
        """Can :meth:`_check` flag the pronoun token ``w`` (at ``t``, core ``c``)?  False only
        when it cannot: quoted in the token, no person of the other gender among the tokens
        before it, or (his/her) not possessive."""
        if not _QUOTE_SET.isdisjoint(w):
            return False
        pron = c.lower()
        if pron in ("her", "his") and not w[-1:].isalpha():
            return False
        if not self._person_before(text, t, w, PRONOUNS[pron][0], resolver, split):
            return False
        if pron in ("her", "his"):
            m = (_NEXT_TOKEN_SPLIT if split else _NEXT_TOKEN).match(text, t + len(w))
            if m is None or "\n" in m.group(1) or not _possessive_word(m.group(2)):
                return False  # the next token ends, or starts another sentence, or is no noun
        return True

    @staticmethod
    def _person_before(text: str, t: int, w: str, gender: str, resolver: _Resolver, split: bool) -> bool:
        """Can :meth:`_antecedent` find a person of the other gender before the pronoun at
        ``t``?  It looks at most 30 tokens back and stops at the first capitalised token
        (from the pronoun backwards) that names a person or may name someone; so only the
        nearest capitalised tokens that decide are looked at.  Sentence ends are not looked
        for: a token before the sentence start can only make this answer True, or answer
        False where the sentence start would have stopped :meth:`_antecedent` anyway."""
        if split:  # first the last dozen tokens: the nearest capitalised one mostly decides
            a = max(0, t - 100)
            nl = text.rfind("\n", a, t)
            toks = text[a if nl < 0 else nl + 1:t].rsplit(None, 12)
            whole = a == 0 or nl >= 0  # the piece starts at the start of its line
            found = _decide(toks if whole and len(toks) <= 12 else toks[1:], w, gender, resolver)
            if found is not None:
                return found
            if whole and len(toks) <= 12:
                return False  # no more tokens on the line
        back = 200
        while True:  # the last 30 tokens before t in its line (a sentence ends at a line break)
            a = max(0, t - back)
            nl = text.rfind("\n", a, t)
            seg = text[a if nl < 0 else nl + 1:t]
            toks = seg.rsplit(None, _LOOK_BACK + 1) if split else _WORD.findall(seg)
            if len(toks) > _LOOK_BACK or a == 0 or nl >= 0:
                break
            back *= 4
        return bool(_decide(toks[-_LOOK_BACK:], w, gender, resolver))

    def _check(self, sent, resolver: _Resolver, previous) -> list[Flag]:
        out = []
        context = _Context(sent, resolver, lambda: previous)
        for i in range(len(sent)):
            flag = self._judge(sent, i, resolver, context)
            if flag is not None:
                out.append(flag)
        return out

    def _judge(self, sent, i: int, resolver: _Resolver, context: _Context) -> Flag | None:
        """The flag for token ``i`` of ``sent`` (every token before it, and the next one when
        the sentence goes on), or None."""
        s, e, w = sent[i]
        c = core(w).rstrip(".,;:!?")
        pron = c.lower()
        if pron not in PRONOUNS or c not in (pron, pron.title()):
            return None
        gender, other = PRONOUNS[pron]
        if not _QUOTE_SET.isdisjoint(w) or context.in_quotes(i):
            return None  # quoted speech: the speaker's "her" is someone else
        if pron in ("her", "his") and not self._possessive(sent, i):
            return None  # "thanked her", "talks with her yesterday": an object, not checked
        found = self._antecedent(sent, i, resolver, gender)
        if found is None:
            return None
        j, entry = found
        if context.mentioned_before(j, gender):
            return None  # "Merkel said Putin praised her policies": her may be Merkel's
        bound = self._bound(sent, j, i)
        if not bound and context.previous_mentions(gender):
            return None  # someone of that gender in the sentence before may be meant
        name = _name_of(sent[j][2])
        sex = "male" if entry.gender == "m" else "female"
        sug = other if c.islower() else other.title()
        how = ("in a clause that describes " + name) if bound else "the nearest person before it"
        at = s + w.find(c)
        return self.flag(
            at, at + len(c),
            f"{c!r} does not match {name} ({entry.name}, {sex} in the lexicon), {how} in this "
            f"sentence: was the pronoun changed in translation? Perhaps {sug!r}",
            suggestion=sug)

    @staticmethod
    def _possessive(sent, i) -> bool:
        """``her gratitude``, ``his government``: followed by a lower-case content word."""
        if not sent[i][2][-1:].isalpha() or i + 1 >= len(sent):
            return False
        return _possessive_word(sent[i + 1][2])

    def _antecedent(self, sent, i, resolver: _Resolver, gender):
        """The nearest person before token ``i`` when nothing else can be the antecedent."""
        for j in range(i - 1, max(-1, i - 31), -1):
            _, _, w = sent[j]
            if not _QUOTE_SET.isdisjoint(w) or w.endswith((":", ";")) or w in ("-", "–", "—"):
                return None
            e = resolver.person(sent, j)
            if e is _OTHER:
                return None
            if e is not None:
                return (j, e) if e.gender != gender else None
            c = core(w).lower().rstrip(".,;:!?")
            if c in _PRONOUN_FORMS[gender]:
                return None  # "she … her": the text already speaks of someone of that gender
            if (c in GENDERED[gender] or c in ROLE_NOUNS) and not self._predicative(sent, j):
                return None  # "his wife … her", "the minister … her": another antecedent
            name = _name_of(w)
            if j > 0 and name[:1].isupper() and not resolver.non_person(name) \
                    and not _not_a_name(name, sent[j + 1][2] if j + 1 < len(sent) else ""):
                return None  # a capitalised word the lexicon does not know may name someone
        return None

    @staticmethod
    def _mentions(tokens_, resolver: _Resolver, gender: str) -> bool:
        """Do these tokens speak of someone of ``gender`` (other than as a possessor)?"""
        return any(_mention(tokens_, j, resolver, gender) for j in range(len(tokens_)))

    @staticmethod
    def _bound(sent, j, i) -> bool:
        """Is the pronoun in a clause whose subject is the person: ``Meloni, who said his …``,
        ``Putin sent a message, praising … and expressing her …``?"""
        between = [core(t[2]).lower() for t in sent[j + 1:i]]
        raw = [t[2] for t in sent[j:i]]
        if len(between) >= 2 and raw[0].endswith(",") and between[0] == "who":
            return True
        for k, t in enumerate(raw[:-1]):
            if t.endswith(",") and core(raw[k + 1]).lower().endswith("ing"):
                return True
        return False

    @staticmethod
    def _predicative(sent, j) -> bool:
        """``calling him a dear friend``: a noun that describes the object pronoun before it."""
        for k in range(j - 1, max(-1, j - 4), -1):
            c = core(sent[k][2]).lower()
            if c in ("him", "her", "them"):
                return True
            if c not in ("a", "an", "the", "dear", "old", "close", "good", "great", "true", "real",
                         "personal", "longtime", "long-time", "trusted", "loyal"):
                return False
        return False


_OTHER = object()  # a person the lexicon does not know (same surname, other first name)

#: capitalised words before a surname that are titles, not first names
_TITLES = frozenset("""president prime minister chancellor premier mr mrs ms dr sir lady lord
king queen prince princess pope leader secretary general senator governor mayor judge minister
foreign defence defense finance interior russian chinese italian french german british american
belarusian ukrainian polish spanish japanese indian turkish brazilian israeli former vice deputy
the a an""".split())


class _Resolver:
    """Which person (of the lexicon) a token names, in this document."""

    def __init__(self, text: str, lexicon, memo: _LexiconMemo | None = None):
        self.text = text
        self.lexicon = lexicon
        self._cache: dict[str, object] = {}
        self._memo = _LexiconMemo(lexicon) if memo is None else memo
        self._searches = 0  # full-text searches made by _established
        self._found: set[str] | None = None  # the full names in a long text (_FullNames)

    def non_person(self, name: str) -> bool:
        return self._memo.non_person(name)

    def _established(self, e) -> bool:
        """The document gives the person's full name (or a multi-word variant) somewhere."""
        if self._found is None and len(self.text) > _LONG_TEXT:
            self._searches += 1
            if self._searches > 8:  # many people in a long text: list its full names at once
                full = self._memo.full_names
                if full is not None:
                    self._full_names = full.names
                    self._found = full.found(self.text)
        if self._found is not None:
            return self._holds(e.name) or any(" " in v and self._holds(v) for v in e.variants)
        if e.name in self.text:
            return True
        return any(" " in v and v in self.text for v in e.variants)

    def _holds(self, name: str) -> bool:
        """``name in self.text``, from the full names found."""
        if name in self._full_names:
            return name in self._found
        return name in self.text

    def person(self, toks, j):
        """The lexicon person ``toks[j]`` names; ``_OTHER`` for another person with that name;
        None when it names no one known."""
        w = toks[j][2]
        if "a" <= w[0] <= "z":  # the name starts with that letter: no one
            return None
        name = _name_of(w)
        if not name or not name[0].isupper():
            return None
        e = self._lookup(name)
        if e is None or e is _OTHER:
            return e
        if j > 0:  # "Brian May", "Victor Conte": a first name that is not this person's
            prev = _name_of(toks[j - 1][2])
            if prev[:1].isupper() and prev.lower() not in _TITLES and prev not in e.tokens \
                    and not toks[j - 1][2].endswith((",", ".", ";", ":")):
                if self._lookup(prev) is not e:
                    return _OTHER
        return e

    def _person(self, name: str):
        return self._memo.person(name)

    def _lookup(self, name: str):
        if name in self._cache:
            return self._cache[name]
        e = self._person(name)
        if e is None and name.isupper() and len(name) > 1:
            e = self._person(name.title())
        if e is not None and (e.gender not in ("m", "f") or not self._established(e)):
            e = _OTHER if e.gender in ("m", "f") else None
        self._cache[name] = e
        return e


_CALENDAR = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february
march april june july august september october november december""".split())
_DEMONYM = regex.compile(r"\p{Lu}\p{Ll}+(?:ian|ean|an|ese|ish|i)")


def _not_a_name(word: str, nxt: str) -> bool:
    """Capitalised words that name no one: days, months, and demonyms used as adjectives
    (``Russian troops``)."""
    if word.lower() in _CALENDAR:
        return True
    return _demonym(word) and core(nxt)[:1].islower()


@lru_cache(maxsize=4096)
def _demonym(word: str) -> bool:
    return bool(_DEMONYM.fullmatch(word))


_ADVERBS = frozenset("""yesterday today tomorrow tonight now again too also back home there here
later earlier once twice well instead alone anyway afterwards first last soon still even""".split())


RULE_ORDER = ["TM701", "TM702"]

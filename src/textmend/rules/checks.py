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

>>> from textmend import Pipeline
>>> r = Pipeline(select=["TM702"]).explain("The talks were difficult and difficult, and went on and on.")
>>> [(f.rule, f.original, f.suggestion) for f in r.flags]
[('TM702', 'difficult and difficult', 'difficult')]
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

import regex

from ..edits import Flag
from .base import Context, Rule
from .layout import FUNCTION, core, ends_sentence

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


def _duplicates(text: str):
    """``(start, end, first, conjunction, second)`` for every ``X and X`` / ``X or X``."""
    for m in _CONJ.finditer(text):
        after = _AFTER.match(text, m.end())
        if after is None:
            continue
        word = after.group()
        s = m.start() - len(word)
        if s < 0 or text[s:m.start()].lower() != word.lower():
            continue
        prev = text[s - 1] if s else " "
        if prev.isalnum() or prev in "_-" or (prev in "'’" and s > 1 and text[s - 2].isalnum()):
            continue  # part of a longer word: "well-known and known"
        yield s, after.end(), text[s:m.start()], m.group(1), word


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

    def find(self, text: str, ctx: Context) -> list[Flag]:
        if " and " not in text and " or " not in text:
            return []
        idioms = coordinate_idioms()
        out = []
        for start, end, a, conj, b in _duplicates(text):
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


def _in_quotes(sent, i) -> bool:
    """Is token ``i`` inside a quotation opened earlier in the sentence?"""
    before = "".join(t[2] for t in sent[:i])
    return before.count('"') % 2 == 1 or before.count("“") > before.count("”") \
        or before.count("«") > before.count("»")


def _name_of(word: str) -> str:
    w = core(word).rstrip(".,;:!?")
    for suffix in ("'s", "’s", "'", "’"):
        if w.endswith(suffix):
            w = w[: -len(suffix)]
            break
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


class PronounMismatch(Rule):
    """``Putin … expressing her gratitude`` (Putin is male in the lexicon)."""

    code = "TM701"
    name = "pronoun-mismatch"
    family = "checks"
    description = "pronoun whose gender does not match the person it refers to"

    def find(self, text: str, ctx: Context) -> list[Flag]:
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

    def _check(self, sent, resolver: _Resolver, previous) -> list[Flag]:
        out = []
        for i, (s, e, w) in enumerate(sent):
            c = core(w).rstrip(".,;:!?")
            pron = c.lower()
            if pron not in PRONOUNS or c not in (pron, pron.title()):
                continue
            gender, other = PRONOUNS[pron]
            if any(q in w for q in _QUOTES) or _in_quotes(sent, i):
                continue  # quoted speech: the speaker's "her" is someone else
            if pron in ("her", "his") and not self._possessive(sent, i):
                continue  # "thanked her", "talks with her yesterday": an object, not checked
            found = self._antecedent(sent, i, resolver, gender)
            if found is None:
                continue
            j, entry = found
            if self._mentions(sent[:j], resolver, gender):
                continue  # "Merkel said Putin praised her policies": her may be Merkel's
            bound = self._bound(sent, j, i)
            if not bound and self._mentions(previous, resolver, gender):
                continue  # someone of that gender in the sentence before may be meant
            name = _name_of(sent[j][2])
            sex = "male" if entry.gender == "m" else "female"
            sug = other if c.islower() else other.title()
            how = ("in a clause that describes " + name) if bound else "the nearest person before it"
            at = s + w.find(c)
            out.append(self.flag(
                at, at + len(c),
                f"{c!r} does not match {name} ({entry.name}, {sex} in the lexicon), {how} in this "
                f"sentence: was the pronoun changed in translation? Perhaps {sug!r}",
                suggestion=sug))
        return out

    @staticmethod
    def _possessive(sent, i) -> bool:
        """``her gratitude``, ``his government``: followed by a lower-case content word."""
        if not sent[i][2][-1:].isalpha() or i + 1 >= len(sent):
            return False
        nxt = core(sent[i + 1][2]).rstrip(".,;:!?")
        if not nxt[:1].islower() or nxt.lower() in FUNCTION or nxt.lower() in _ADVERBS:
            return False
        return not (nxt.endswith("ly") and nxt not in _NOT_ADVERBS)

    def _antecedent(self, sent, i, resolver: _Resolver, gender):
        """The nearest person before token ``i`` when nothing else can be the antecedent."""
        for j in range(i - 1, max(-1, i - 31), -1):
            _, _, w = sent[j]
            if any(q in w for q in _QUOTES) or w.endswith((":", ";")) or w in ("-", "–", "—"):
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
        for j, (_, _, w) in enumerate(tokens_):
            c = core(w).lower().rstrip(".,;:!?")
            if c in GENDERED[gender] and c not in ("his", "her"):
                return True
            e = resolver.person(tokens_, j)
            if e is _OTHER:
                continue
            if e is not None and e.gender == gender and not core(w).rstrip(".,;:!?").endswith(("'s", "’s")):
                return True
        return False

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

    def __init__(self, text: str, lexicon):
        self.text = text
        self.lexicon = lexicon
        self._cache: dict[str, object] = {}

    def non_person(self, name: str) -> bool:
        entries = self.lexicon.entries_for(name) if name else []
        return bool(entries) and all(en.kind != "person" for en in entries)

    def _established(self, e) -> bool:
        """The document gives the person's full name (or a multi-word variant) somewhere."""
        if e.name in self.text:
            return True
        return any(" " in v and v in self.text for v in e.variants)

    def person(self, toks, j):
        """The lexicon person ``toks[j]`` names; ``_OTHER`` for another person with that name;
        None when it names no one known."""
        name = _name_of(toks[j][2])
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

    def _lookup(self, name: str):
        if name in self._cache:
            return self._cache[name]
        e = self.lexicon.person(name)
        if e is None and name.isupper() and len(name) > 1:
            e = self.lexicon.person(name.title())
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
    return bool(_DEMONYM.fullmatch(word)) and core(nxt)[:1].islower()


_ADVERBS = frozenset("""yesterday today tomorrow tonight now again too also back home there here
later earlier once twice well instead alone anyway afterwards first last soon still even""".split())


RULE_ORDER = ["TM701", "TM702"]

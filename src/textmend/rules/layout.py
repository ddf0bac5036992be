"""Layout (opt-in): run-in section headings put back on their own lines.

Translated and scraped articles often lose the line breaks around their section headings, so
the heading runs into the text: ``… visit China with pleasure. Anti-Western messaging During
their Kremlin talks, …``.  A run-in heading is recognised from its shape alone:

* it starts a sentence (after ``.``/``!``/``?``) or a paragraph (not a wrapped line),
* it is a short run (2–8 words) in sentence case, without punctuation, digits, possessives,
  finite verbs (``is``, ``said``) or subordinators, that does not start with a pronoun or a
  conjunction and does not end in a noun that usually stands before a name (``Opposition
  leader Michael Howard``, ``Hollywood blockbuster The Aviator``),
* it ends where a capitalised word follows a word that can end a phrase: a closed-class
  sentence opener (``The``, ``During``, ``Despite``, ``On``…) after a lower-case content word,
  and followed by a lower-case word when it is an article (*strong* evidence); or any
  capitalised word after a lower-case content word (*weak* evidence, e.g. ``… EU challenge XI
  is part …``),
* what follows reads as a sentence: four words or more, ending in ``.``, ``!`` or ``?`` on the
  same line.

A heading found with weak evidence is reported only when the same text has at least two found
with strong evidence.  The rule is off by default and its edits are unsafe: enable it with
``select=["TM801"], unsafe_fixes=True``.

The token helpers here are shared with the boilerplate rules (``boilerplate.py``), which use
the same evidence to decide where an inline teaser ends.

>>> from textmend import Pipeline
>>> p = Pipeline(select=["TM801"], unsafe_fixes=True)
>>> print(p.mend("He left. Talks on trade During the visit, the two sides met twice."))
He left.
<BLANKLINE>
Talks on trade
<BLANKLINE>
During the visit, the two sides met twice.
"""
from __future__ import annotations

import re
from itertools import islice
from typing import NamedTuple

from ..edits import UNSAFE, Edit
from .base import Context, Rule


class Tok(NamedTuple):
    start: int
    end: int
    text: str


_TOKEN = re.compile(r"[^\s]+")
#: a word that can be part of a heading: letters/digits with inner hyphens, apostrophes, &
_HEADWORD = re.compile(r"[^\W_](?:[\w'’&.-]*[^\W_])?|&", re.UNICODE)
_STRIP = "\"'“”‘’«»()[]{}"
_STRIP_SET = frozenset(_STRIP) | {""}  # "": an empty word (whose core is empty)

#: words that cannot end a headline or heading: articles, prepositions, conjunctions,
#: auxiliaries, possessives
FUNCTION = frozenset("""
a an the of to in on at for with by from into onto over under about after before than that
which who whom whose whereas and or but nor as so if via per amid amidst against between among
amongst during since until till without within towards toward across through throughout upon
near off up down out its his her their our my your this these those is are was were be been
being has have had will would shall should can could may might must do does did not no yet
such both either neither each every some any all most many more much few less very also just
only even than then when where while whether because although though unless once
""".split())

#: capitalised words that open a sentence and are rarely capitalised inside one
STARTERS = frozenset("""
The A An This These Those In On At During Despite Beyond After Before Since While When Where
As But However Meanwhile Although Though Under For From With Without According It He She
They We Its His Her Their Our There Here Some Many Most Several Both Each Every No Only
Earlier Later Last Next Yesterday Today Also Still Yet Instead Besides Moreover Furthermore
Nevertheless Nonetheless Such Among Amid Against By Until If Unlike Following Asked Speaking
Overall Indeed Already Currently Now Then Thus Hence Recently Previously Initially
""".split())

#: words that precede a proper noun inside a phrase (``southern Brazil``, ``former Soviet``)
MODIFIERS = frozenset("""
northern southern eastern western central north south east west northeast northwest southeast
southwest north-east north-west south-east south-west former new old greater upper lower
neighbouring neighboring mainland rural downtown inner outer occupied annexed pro anti
ex late then fellow rival
""".split())

#: verbs that make a run a sentence, not a heading (auxiliaries, reporting verbs, common
#: irregular past tenses); and verbs that often precede a title (``told The Guardian``)
VERBS = frozenset("""
is are was were be been am has have had will would shall should can could may might must do
does did said says say told tells tell added adds asked asks announced announces claimed
claims warned warns urged urges met meets made makes took takes gave gives won wins beat
beats led leads left sent sold bought brought kept lost paid put ran set spent struck thought
wrote writes came comes became becomes went goes got gets held holds heard knew meant read
reads fell feels felt found finds grew joined joins called calls named dubbed titled entitled
starring starred watched quoted cited reported reports insisted insists stressed stresses
denied denies agreed agrees expects expected wants wanted needs needed hopes hoped fears feared
believes believed saw sees
""".split())

#: nouns that commonly stand right before a name (``Opposition leader Michael Howard``)
NAME_PRECEDERS = frozenset("""
president minister leader chancellor premier secretary spokesman spokeswoman spokesperson chief
director chairman chairwoman chair ceo executive firm company group rival giant champion coach
manager striker star singer actor actress author writer editor colleague counterpart envoy
ambassador general commander governor mayor senator king queen prince princess pope judge lawyer
prosecutor partner team club side newspaper magazine channel broadcaster network carrier airline
bank maker retailer brand label band party agency ministry colonel captain officer analyst
economist professor doctor brother sister wife husband son daughter mother father friend boss
owner founder veteran winger midfielder defender goalkeeper keeper skipper batsman bowler forward
rapper comedian presenter host daily weekly successor predecessor candidate nominee challenger
opponent ally deputy aide adviser advisor official spokesmen operator insurer producer developer
chairperson head counsel correspondent reporter photographer player film movie comedy drama
thriller biopic blockbuster album single song track book novel show series hopeful hopefuls
nominee nominees musical play opera documentary sitcom game title adventure hit epic sequel
remake artist duo trio outfit act frontman guitarist drummer vocalist icon legend newcomer
winner favourite favorite rookie magazine paper website site app programme program brand
""".split())

#: words a run-in heading does not start with: pronouns, conjunctions, determiners
NOT_HEAD_START = frozenset("""
he she it they we i you his her its their our my your there here this that these those but
and or so yet nor then if when while because although though unless one some many most other
others another each every both either neither no such what which who how why
""".split())

#: determiners: a sentence opener that is one of these and is followed by a capitalised word
#: may be part of a title ("Oscar hopefuls The Aviator, Million Dollar Baby…")
DETERMINERS = frozenset("The A An No This These Those Some Many Several Both Each Every Its His Her Their Our".split())

#: lower-case particles inside names (``Lula da Silva``, ``von der Leyen``)
PARTICLES = frozenset("da de di do dos das du del della der den van von ter ten la le el al bin ibn ben y e".split())

ABBREVIATIONS = frozenset("""
mr mrs ms dr st jr sr prof gen col lt sgt capt gov sen rep rev hon no nos vs etc inc corp co
ltd jan feb mar apr jun jul aug sep sept oct nov dec fig approx dept est ft mt
""".split())

_TERMINAL_CHARS = frozenset(".!?\"'”’»)]")
_TERMINATOR = re.compile(r"[.!?][\"'”’»)\]]*(?=\s|$)")


def core(word: str) -> str:
    """A token without the quotes and brackets around it."""
    return word.strip(_STRIP)


def is_cap(word: str) -> bool:
    if word[:1] not in _STRIP_SET:  # (the common case, without the strip)
        return word[:1].isupper()
    w = core(word)
    return bool(w) and w[0].isupper()


def is_title(word: str) -> bool:
    """``Ukrainian``, ``Anti-Western``: a capital followed by lower-case letters."""
    w = core(word)
    return len(w) > 1 and w[0].isupper() and any(c.islower() for c in w[1:])


def is_lower(word: str) -> bool:
    if word[:1] not in _STRIP_SET:  # (the common case, without the strip)
        return word[:1].islower()
    w = core(word)
    return bool(w) and w[0].islower()


def is_headword(word: str) -> bool:
    return bool(_HEADWORD.fullmatch(word))


def tokens(text: str, start: int = 0, end: int | None = None, limit: int | None = None) -> list[Tok]:
    """Whitespace tokens of ``text[start:end]`` (at most ``limit``) with their offsets."""
    end = len(text) if end is None else end
    found = _TOKEN.finditer(text, start, end)
    if limit is not None:
        found = islice(found, limit)
    new = tuple.__new__  # Tok(...) without the Python-level __new__ of a NamedTuple
    return [new(Tok, (m.start(), m.end(), m.group())) for m in found]


def line_end(text: str, pos: int, limit: int | None = None) -> int:
    """Where the line that ``pos`` is on ends (looking at most ``limit`` characters ahead)."""
    stop = len(text) if limit is None else min(len(text), pos + limit)
    e = text.find("\n", pos, stop)
    return stop if e < 0 else e


def is_abbreviation(word: str) -> bool:
    """``Mr.``, ``U.S.``, ``Jan.``: a full stop that does not end a sentence."""
    w = core(word).rstrip(".")
    if not w:
        return False
    if re.fullmatch(r"(?:[A-Za-z]\.)*[A-Za-z]", w):  # initials and U.S.
        return len(w) <= 1 or "." in w
    return w.lower() in ABBREVIATIONS


def ends_sentence(word: str) -> bool:
    """Does this token end a sentence (``pleasure.``, ``said.”``, ``why?``)?"""
    if word[-1:] not in _TERMINAL_CHARS:  # what a terminator (and its closers) ends with
        return False
    m = _TERMINATOR.search(word)
    if not m or m.end() != len(word):
        return False
    if word[m.start()] == "." and is_abbreviation(word[: m.start() + 1]):
        return False
    return True


def sentence_end(text: str, pos: int, limit: int = 80) -> int | None:
    """End of the sentence that starts at ``pos`` when it reads as a sentence: at least four
    words, two of them lower-case, ending in ``.``/``!``/``?`` on the same line."""
    stop = line_end(text, pos, 4000)
    words = 0
    lower = 0
    for m in islice(_TOKEN.finditer(text, pos, stop), limit):
        w = m.group()
        words += 1
        lower += is_lower(w)
        if w[-1] in _TERMINAL_CHARS and ends_sentence(w):
            return m.end() if words >= 4 and lower >= 2 else None
    return None


def function_word(word: str) -> bool:
    return core(word).lower() in FUNCTION


def open_ended(word: str) -> bool:
    """A token that cannot close a run: a function word, or one ending in ``:``, ``|``, ``,``…"""
    return function_word(word) or not word[-1:].isalnum() and word[-1:] not in "\"'”’)»"


def boundary(prev: str, word: str) -> str | None:
    """Where a sentence (or heading) can start inside a run of words with no punctuation.

    ``"strong"``: a closed-class sentence opener (``The``, ``During``) after a word that can
    end a phrase; ``"weak"``: any capitalised word after a lower-case content word.
    """
    w = core(word)
    if not w or not w[0].isupper() or open_ended(prev) or prev.endswith(("'s", "’s")):
        return None
    if not (word[:1].isalnum()):  # a quote or bracket opens it: not judged here
        return None
    p = core(prev).lower()
    if w in STARTERS and word.rstrip(",") == w:
        if p in VERBS or (p.endswith("ed") and len(p) > 4):
            return None
        if w in ("A", "An") and not is_lower(prev):
            return None
        return "strong"
    if is_lower(prev) and p not in MODIFIERS and p not in VERBS and p not in PARTICLES and w[-1:].isalnum():
        return "weak"
    return None


def heading_before(text: str, toks: list[Tok], k: int, first: int = 0) -> int | None:
    """Index ``j`` such that ``toks[j:k]`` is a run-in heading that ends right before the
    sentence start ``toks[k]``; ``first`` is the lowest index the heading may start at.

    The heading is a sentence-case run of 2–6 words (``Ukrainian conflict in progress``)
    whose first word follows either a lower-case content word (``… the bodyguard Ukrainian``)
    or a capitalised word, when the heading's first word is a common word that the same text
    also writes in lower case (``… to the North Soldiers against technology``, with
    ``soldiers`` elsewhere).
    """
    j = k - 1
    while j >= first and not is_title(toks[j].text):
        w = toks[j].text
        if not is_headword(w) or (core(w).lower() in VERBS):
            return None
        j -= 1
    if j <= first or not is_headword(toks[j].text):
        return None
    n = k - j
    if not 2 <= n <= 6 or function_word(toks[k - 1].text):
        return None
    if any(c.isdigit() for t in toks[j:k] for c in t.text):
        return None
    prev = toks[j - 1].text
    if open_ended(prev):
        return None
    w = core(toks[j].text)
    if is_lower(prev):
        if core(prev).lower() in MODIFIERS | VERBS | PARTICLES:
            return None
        return j
    low = w.lower()
    if low != w and re.search(r"(?<![\w-])" + re.escape(low) + r"(?![\w-])", text):
        return j
    return None


#: a heading found with weak evidence is kept when the text has this many strong ones
WEAK_NEEDS = 2


class Heading(NamedTuple):
    start: int       # first character of the heading
    end: int         # end of its last word
    next: int        # first character of the sentence that follows
    evidence: str    # "strong" or "weak"
    para: bool       # already at the start of a line


_SENT_START = re.compile(r"(\n)[ \t]*|[.!?][\"'”’»)\]]*[ \t]+")


def run_in_headings(text: str) -> list[Heading]:
    """Every run-in heading in ``text`` (see the module docstring for the evidence)."""
    found: list[Heading] = []
    last = -1
    first = len(text) - len(text.lstrip(" \t"))
    starts = [(first, True, 0)] if first < len(text) else []
    starts_iter = ((m.end(), m.group(1) is not None, m.start()) for m in _SENT_START.finditer(text))
    for p, para, at in _chain(starts, starts_iter):
        if p <= last or p >= len(text) or not text[p].isupper():
            continue
        if para and at > 0:  # a wrapped line is no paragraph start
            prev_line = text[text.rfind("\n", 0, at) + 1:at].split()
            if prev_line and not ends_sentence(prev_line[-1]):
                continue
        if not para:  # after a terminator: it must really end a sentence
            before = text[max(0, at - 40):p].split()
            if not before or not ends_sentence(before[-1]):
                continue
        h = _heading_at(text, p, para)
        if h:
            found.append(h)
            last = h.next
    strong = sum(h.evidence == "strong" for h in found)
    return [h for h in found if h.evidence == "strong" or strong >= WEAK_NEEDS]


def _chain(*iterables):
    for it in iterables:
        yield from it


_SUBORDINATORS = frozenset("when while because if although though unless whether that which who whom whose".split())


def _heading_at(text: str, p: int, para: bool) -> Heading | None:
    toks = tokens(text, p, line_end(text, p, 600), 11)
    if len(toks) < 4 or not is_cap(toks[0].text):
        return None
    first = core(toks[0].text)
    if first.lower() in NOT_HEAD_START or (first in STARTERS and first not in ("The", "A", "An")):
        return None
    for k in range(1, len(toks) - 1):
        prev = toks[k - 1].text
        if not is_headword(prev) or k > 8:
            return None
        kind = boundary(prev, toks[k].text)
        if kind is None:
            continue
        head = [core(t.text).lower() for t in toks[:k]]
        if k < 2 or any(w in VERBS or w in _SUBORDINATORS for w in head) or function_word(prev):
            return None
        if any(c.isdigit() for w in head for c in w):
            return None
        s_word, nxt = core(toks[k].text), toks[k + 1].text
        if head[-1] in NAME_PRECEDERS or head[-1] in MODIFIERS or any("'" in w or "’" in w for w in head):
            return None  # "… the French film The 10th District", "Media General's class A shares"
        if kind == "strong":
            plain = is_lower(nxt)  # "The time …", not "The Aviator …" or "The 10th District"
            if is_lower(prev):
                if s_word in DETERMINERS and not plain:
                    kind = "weak"
            elif not (s_word in ("The", "A", "An") and plain):
                return None  # "The News From Paraguay": a title in title case
        if kind == "weak":
            if head[0] in ("the", "a", "an"):
                return None
            if any(w.endswith("ed") and len(w) > 4 for w in head[1:]):
                return None
            if not is_lower(prev):
                return None
        if sentence_end(text, toks[k].start) is None:
            return None
        return Heading(toks[0].start, toks[k - 1].end, toks[k].start, kind, para)
    return None


class RunInHeading(Rule):
    """``… with pleasure. Anti-Western messaging During their talks, …`` → the heading on its
    own line, with a blank line before and after it."""

    code = "TM801"
    name = "run-in-heading"
    family = "layout"
    safety = UNSAFE
    default_enabled = False
    description = "run-in section heading put back on its own line"

    def find(self, text: str, ctx: Context) -> list[Edit]:
        if len(text) < 20:
            return []
        out: list[Edit] = []
        for h in run_in_headings(text):
            heading = text[h.start:h.end]
            follows = core(text[h.next:line_end(text, h.next, 200)].split()[0])
            why = ("a sentence opener" if h.evidence == "strong" else
                   "a capitalised word after a lower-case one, in a text with other run-in headings")
            msg = (f"run-in heading {heading!r} put on its own line: a short sentence-case run "
                   f"without punctuation, followed by {follows!r} ({why})")
            conf = 0.8 if h.evidence == "strong" else 0.6
            if not h.para:
                s = h.start
                while s > 0 and text[s - 1] in " \t":
                    s -= 1
                out.append(self.edit(s, h.start, "\n\n", msg, confidence=conf))
            out.append(self.edit(h.end, h.next, "\n\n", msg, confidence=conf))
        return out


RULE_ORDER = ["TM801"]

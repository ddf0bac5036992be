"""The spacing rules (TM201–TM205): what they repair, and the look-alikes they must leave.

Every must-not-touch example here stands for a false positive found on real clean news
(see docs/reliability.md); the sentences are made up, the patterns are the real ones.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textmend import Edit, Pipeline, apply_edits, protect
from textmend.protect import LanguageGuard, LineIndex, looks_foreign, protected_spans
from textmend.rules import spacing

from .properties import check_contract
from .strategies import any_text, ascii_prose

SPACING = Pipeline(select=["TM2"])          # all five, the opt-in whitespace rules included
DEFAULT_SPACING = Pipeline(select=["TM201", "TM202", "TM203"])


def mend(text: str) -> str:
    return SPACING.mend(text)


@pytest.mark.parametrize("before, after", [
    ("a four -day visit", "a four-day visit"),
    ("a 30 -day truce", "a 30-day truce"),
    ("a well- known face", "a well-known face"),
    ("the long- awaited step", "the long-awaited step"),
    ("a free -trade deal", "a free-trade deal"),
    ("the co- development of drones", "the co-development of drones"),
    ("a Kremlin -backed group", "a Kremlin-backed group"),
    ("a state- owned firm", "a state-owned firm"),
    ("a fire -proof door and a fire-proof wall", "a fire-proof door and a fire-proof wall"),
    ("this week , according to", "this week, according to"),
    ("for an immediate agreement .", "for an immediate agreement."),
    ("it rose 5% .", "it rose 5%."),
    ("he said : \"no\"", "he said: \"no\""),
    ("Why not ?", "Why not?"),
    ("the summit .Then they left", "the summit. Then they left"),
    ("the summit.Diplomats said", "the summit. Diplomats said"),
    ("after the meeting.\u201cWe agree,\u201d he said", "after the meeting. \u201cWe agree,\u201d he said"),
    ("it was over?Nobody knew", "it was over? Nobody knew"),
    ("the  reconstruction", "the reconstruction"),
    ("date 2025-05-08 \nNext", "date 2025-05-08\nNext"),
    ("one line \r\ntwo -day\r\n", "one line\r\ntwo-day\r\n"),
])
def test_repairs(before, after):
    assert mend(before) == after


@pytest.mark.parametrize("text", [
    # hyphens that are dashes or suspended compounds
    "the economy -which had stalled for years- grew",
    "a stake in the carmaker -best known for its racing team- rose",
    "the quality, the style -and the price",
    "trading in one city rather than another- cancelled the need",
    "out in the country- it's better",
    "one key point- al-Qaeda attacks",
    "pre- and post-war Europe", "a two- or three-day trip", "medium- and long-term debt",
    "the Vereins- und Handelsbank", "it was -5 C at kickoff", "a 3-1 win", "from 1990 -1995 on",
    "the plan - if it works - is cheap", "ROUND CUTS -steady/up 11.00",
    # punctuation look-alikes
    "an ellipsis . . . in a quote", "it was strange . . . really", "and then ... nothing",
    "growth of 3.5 percent", "at 10 :30", "so sad :) really", "wink ;-) there",
    "French: Voil\u00e0 le travail , dit-il , et nous avons fini !",
    "Slovak: Nap\u00ed\u0161te n\u00e1m !",
    # missing-space look-alikes
    "the U.S. and J.R.R. Tolkien, e.g. this", "Mr.Smith and St.Louis and Gov.Brown",
    "shares of Ericsson <eric.St.> and Swedish Match <smbs.St> rose",
    "the System.Drawing.Color class", "see https://example.com/a.The ,b",
    "write to press.office@example.org today", "open report.pdf now",
    "Je vous remercie.Pardonnez-moi, dit-il, et merci pour tout",
    # hyphens that open a line: list bullets and dashes, never joined to the line before
    "Points:\n- item one\n- item two\n- three more", "a four\n -day visit", "Score one\n- two more",
    "Line 2\n- day one", "we met\n -mostly- in March",
    # whitespace that is layout
    "Shr  loss  12 cts  vs  11 cts", "It ended.  Then it began.", "    Indented paragraph.",
    "One.\n\nTwo.\n", "a line\n   \nwith a blank line of spaces",
    "voil\u00c3  le travail",  # mojibake: the second space is a lost no-break space
])
def test_leaves_alone(text):
    assert mend(text) == text


def test_whitespace_rules_are_opt_in():
    import textmend

    assert textmend.mend("the  reconstruction ") == "the  reconstruction "
    assert textmend.mend("the  reconstruction ", select=["TM204", "TM205"]) == "the reconstruction"


def test_control_character_between_spaces_stays_stable():
    # ftfy deletes the control character and keeps both spaces; the default pipeline keeps
    # ftfy's result and a second run changes nothing (idempotent)
    import textmend

    once = textmend.mend("characters \x1a are here")
    assert once == "characters  are here"
    assert textmend.mend(once) == once


def test_edits_are_minimal():
    text = "a four -day visit , then the summit.Diplomats left"
    r = DEFAULT_SPACING.explain(text)
    assert apply_edits(text, r.edits) == r.text
    assert [(text[e.start:e.end], e.replacement, e.rule) for e in r.edits] == [
        (" ", "", "TM201"), (" ", "", "TM202"), ("", " ", "TM203")]


def test_language_guard():
    assert looks_foreign("je vous souhaite une bonne f\u00eate et merci")
    assert looks_foreign("Nap\u00ed\u0161te n\u00e1m")
    assert not looks_foreign("the talks in Los Angeles and Las Vegas")
    assert not looks_foreign("Marine Le Pen said the party would win")
    assert not looks_foreign("Lula da Silva met the president")
    assert not looks_foreign("")
    text = "English line with the words.\nune ligne en fran\u00e7ais avec des mots et le reste"
    guard = LanguageGuard(text)
    assert not guard.foreign(3)
    assert guard.foreign(len(text) - 3)


def test_line_index():
    text = "ab\ncd\n\nef"
    li = LineIndex(text)
    assert [li.bounds(i) for i in (0, 2, 3, 6, 7, 9)] == [(0, 2), (0, 2), (3, 5), (6, 6), (7, 9), (7, 9)]


@given(ascii_prose)
def test_spacing_contract_on_prose(text):
    check_contract(SPACING, text)


@given(any_text)
def test_spacing_contract_on_any_text(text):
    check_contract(SPACING, text)


# -- protected spans (protect.py) --------------------------------------------------------

_OLD_PROTECTED = re.compile(  # the single-regex version, kept as the reference
    r"""
      (?:\b(?:https?|ftp|file)://|\b(?-i:www|WWW|Www)\d?\.)[^\s<>"'`]+
    | \b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b
    | (?<![\w@])@\w{1,30}
    | (?<![\w&#])\#\w+
    | ```.*?```
    | `[^`\n]+`
    | \b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|io|co|uk|de|fr|ru|cn|eu|info|int)\b(?:/\S*)?
    | \b[\w-]+\.(?:txt|md|py|js|html?|json|csv|pdf|docx?|xlsx?|png|jpe?g|gif|zip|exe)\b
    | <[A-Za-z/][\w.&$/=-]{0,30}>
    """, re.VERBOSE | re.DOTALL | re.IGNORECASE)

_PROTECT_TOKENS = ["a", "b", "x1", ".", ".com", ".pdf", ".co", ".uk", "/", "@", "#", "`", "<", ">",
                   " ", "-", "_", "www", "http://", "https://", "\u00e9", "&", "\n", "ORG", ".Com", ":"]


@given(st.lists(st.sampled_from(_PROTECT_TOKENS), max_size=14).map("".join))
def test_protected_spans_cover_the_reference(text):
    spans = protected_spans(text)
    assert spans == sorted(spans)
    assert all(a < b <= c for (a, b), (c, _) in zip(spans, spans[1:]))
    for m in _OLD_PROTECTED.finditer(text):
        assert any(s <= m.start() and m.end() <= e for s, e in spans), (m.group(), spans)


@given(st.one_of(st.lists(st.sampled_from(_PROTECT_TOKENS + ["K", "\u212a", "\u017f", "\u0131", "1"]),
                          max_size=14).map("".join), any_text))
def test_ending_scan_is_the_plain_pattern(text):
    from textmend import protect

    plain = re.compile(rf"\.(?:{protect._TLDS}|{protect._EXTS})\b", re.I)
    assert [m.span() for m in protect._ENDING.finditer(text)] == [m.span() for m in plain.finditer(text)]


@given(st.lists(st.sampled_from(["w", "W", "ww", "www", "WwW", "WWW", "Www", "wWw", ".", "a", "1", " ", "x.com", "\n"]), max_size=16)
       .map("".join))
def test_www_scan_is_the_plain_pattern(text):
    from textmend import protect

    assert protect._www(text) == [m.span() for m in protect._WWW.finditer(text)]


def test_protected_spans_examples():
    text = "see https://example.com/a.b or a.b@ex.org, #Tag, `x = 1`, <MER.N>, report.pdf, bbc.co.uk/news"
    assert [text[s:e] for s, e in protected_spans(text)] == [
        "https://example.com/a.b", "a.b@ex.org", "#Tag", "`x = 1`", "<MER.N>", "report.pdf",
        "bbc.co.uk/news"]
    assert protected_spans("the summit.Diplomats said, country&#39;s") == []


# -- the fast paths give what the plain scans give ---------------------------------------

_KIND_TOKENS = ["a", "b", "Z", "0", "_", ".", "+", "-", "@", "#", "&", "`", "```", "<", ">", "/", ":",
                "://", "http", "https", "HTTPS", "ftp", "f\u0131le", "www", "wWw", "WWW", "ww", "W", " ",
                "\n", "\u00e9", "\u017f", "x.com", "a.b@c.de", "@user", "<MER.N>", "<br/>", "'", "=", "\u00b2"]


@given(st.lists(st.sampled_from(_KIND_TOKENS), max_size=40).map("".join))
def test_each_kind_of_protected_span_is_its_patterns_finditer(text):
    for kind, (needles, pattern) in enumerate(protect._KINDS):
        if any(n in text for n in needles):
            assert protect._kind_spans(text, kind, pattern) == [m.span() for m in pattern.finditer(text)]


_CARRY_TOKENS = _KIND_TOKENS + [".com", ".pdf", "report", "\t", "\u00a0", ",", "  "]


@st.composite
def _edited(draw):
    """A text of protected-span pieces and sorted, non-overlapping edits of it."""
    text = "".join(draw(st.lists(st.sampled_from(_CARRY_TOKENS), max_size=40)))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=8)))
    edits, last = [], -1
    for a, b in zip(cuts[::2], cuts[1::2] + [None]):
        b = a if b is None else b
        if a <= last:
            continue
        rep = "".join(draw(st.lists(st.sampled_from(_CARRY_TOKENS), max_size=2)))
        edits.append(Edit(a, b, rep, "TEST"))
        last = b
    return text, edits


@given(_edited())
def test_carried_protected_spans_are_those_of_the_edited_text(case):
    text, edits = case
    after = apply_edits(text, edits)
    got = protect.carry_protected(text, protect.plain_spans(text), after, edits, most=1)
    assert got == protect.plain_spans(after)
    assert protect.with_code(after, got) == protected_spans(after)


def test_carried_protected_spans_fall_back_where_they_cannot_carry():
    long_run = "x" * 1000 + " www.y.com"
    got = protect.carry_protected(long_run, protect.plain_spans(long_run), long_run[:500] + "z" + long_run[500:],
                                  [Edit(500, 500, "z", "T")])
    assert got is None  # no space within reach of the edit
    prose = "plain words here. " * 100 + "see www.y.com"
    after = "Plain" + prose[5:]
    edit = [Edit(0, 5, "Plain", "T")]
    assert protect.carry_protected(prose, protect.plain_spans(prose), after, edit) == protected_spans(after) != []
    assert protect.carry_protected(prose, protect.plain_spans(prose), after, edit * 1, most=0) is None


def test_a_context_carries_its_protected_spans_over_edits_code_and_all():
    from textmend.rules.base import CARRY_FROM, Context

    text = ("``quoted'' www.a.com , `code here` and more " + "plain words " * 20) * 80
    assert len(text) >= CARRY_FROM
    ctx = Context(None, text)
    ctx.protected(text)
    edits = [Edit(m.start(), m.start() + 1, "", "T") for m in re.finditer(" ,", text)]
    assert len(edits) == 80
    after = apply_edits(text, edits)
    ctx.carry_protected(text, after, edits)
    assert ctx._prot_text is after  # carried, not left for a new scan
    assert ctx.protected(after) == protected_spans(after)
    assert any(after[a:b].startswith("`") for a, b in ctx.protected(after))  # code among them
    short = Context(None, "a , www.b.com")
    short.protected(short.text)
    short.carry_protected(short.text, "a, www.b.com", [Edit(1, 2, "", "T")])
    assert short._prot_text == "a , www.b.com"  # a short text: scanned again when asked


def test_mail_spans_after_long_runs():
    text = "x" * 300 + "@ab.cd " + "y" * 300 + "@" + " @z a@b.c a@ @@q"
    assert protect._mail(text) == [m.span() for m in protect._MAIL.finditer(text)]


def _looks_foreign_reference(s):
    words = protect._WORD.findall(s)
    en = fo = non_ascii = 0
    for w in words:
        if w.lower() in protect._ENGLISH:
            en += 1
        elif w in protect._FOREIGN:
            fo += 1
        non_ascii += not w.isascii()
    return (fo >= 2 and fo > 2 * en) or (en == 0 and len(words) >= 2 and non_ascii * 2 > len(words))


_LANG_WORDS = sorted(protect._ENGLISH | protect._FOREIGN) + [
    "Le", "THE", "DER", "\u0130stanbul", "x\u00b2", "S\u00e3o", "\u2019", "\u201c", "\u2014", "\u0663", "\u0301",
    "caf\u00e9", "\u212a", ",", "1"]


@given(st.lists(st.sampled_from(_LANG_WORDS), max_size=60).map(" ".join))
def test_looks_foreign_fast_path(text):
    assert looks_foreign(text) == _looks_foreign_reference(text)


@given(st.text(alphabet="ab\n\r ", max_size=30), st.integers(-2, 35))
def test_line_index_matches_a_scan(text, pos):
    ls = text.rfind("\n", 0, max(pos, 0)) + 1 if pos > 0 else 0
    le = text.find("\n", max(pos, 0))
    assert LineIndex(text).bounds(pos) == (ls, len(text) if le < 0 else le)


@settings(max_examples=400)
@given(st.lists(st.sampled_from(["a", "B", "z", "0", "9", "-", "--", " ", "\u00e9", "_", "\n", "x1", "a-", "-a",
                                 "\u03a9", "\U0001d538", "\u2011"]),
                max_size=40).map("".join))
def test_compounds_from_hyphens(text):
    """The compounds TM201 takes as evidence, found from the hyphens (in C where it is
    built, and by the pure-Python twin), are the pattern's own matches; on any text
    width (Latin-1, BMP, astral)."""
    assert spacing._compounds(text) == re.findall(r"([A-Za-z0-9]+)-([A-Za-z]+)", text)
    assert spacing._compounds_py(text) == re.findall(r"([A-Za-z0-9]+)-([A-Za-z]+)", text)
    long = "a" * 200 + text
    assert spacing._compounds(long) == re.findall(r"([A-Za-z0-9]+)-([A-Za-z]+)", long)



# -- cheap gates of TM201–TM203 (issue 6): each must find exactly what the plain scan does

from hypothesis import example  # noqa: E402

#: pieces rich in what the gates look at: spaces before and after marks, hyphens between
#: words, dashes, full stops glued to capitals, quotes
_GATE_PIECES = ["a", "ab", "four", "day", "well", "known", "The", "Then", "St", "X", "5", "1990",
                " ", " ", " ", "-", " -", "- ", " - ", ".", " .", ",", " ,", ";", ":", "!", "?",
                " ?", "\"", "”", "’", "“", "(", ")", "\n", "é", "..."]
_gate_text = st.lists(st.sampled_from(_GATE_PIECES), max_size=40).map("".join)


@given(_gate_text)
def test_spaced_mark_is_the_plain_scan(text):
    assert spacing.spaced_mark(text) == (spacing.SpaceBeforePunctuation._re.search(text) is not None)


class _PlainHyphen(spacing.HyphenSpacing):
    """TM201 with the scan it had before its look-arounds were narrowed."""
    _either = re.compile(r"-(?:(?<= -)(?=[a-z])|(?= [a-z]))")


@example("a four\n -day visit, a well\n- known face")  # (a line break is no word's end)
@given(_gate_text)
def test_hyphen_gate_drops_no_repair(text):
    assert spacing.HyphenSpacing().find(text, None) == _PlainHyphen().find(text, None)


@given(_gate_text)
def test_sentence_matches_are_the_plain_scans(text):
    rule = spacing.MissingSpaceAfterSentence()
    want = [m.span() for p in (rule._dot, rule._bang, rule._query) for m in p.finditer(text)]
    assert [m.span() for m in rule._matches(text)] == want

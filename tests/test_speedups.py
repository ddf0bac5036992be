"""The optional C speed-ups (``textmend._speedups``) and their pure-Python twins.

Each C function must give exactly what its twin gives; the twin runs where the extension
could not be built (no C compiler), so both are tested here wherever the suite runs.
"""
from __future__ import annotations

import os
import re
import shutil
import sysconfig
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textmend import evidence

try:
    from textmend import _speedups
except ImportError:  # no C compiler where this was installed: see test_built_where_it_can_be
    _speedups = None

#: ASCII text rich in what the token pattern turns on: capitals, lower case, hyphens (alone,
#: doubled, at the ends), digits, apostrophes, white space, punctuation, control characters
_ASCII = st.text(alphabet=st.sampled_from(list("ABXZabxz--09' \n\t.,;\x00\x7f@[`{")), max_size=80) | st.text(
    alphabet=st.characters(max_codepoint=127), max_size=80)


def _compiler_and_headers() -> bool:
    """Could the install have built the extension here (the compiler setuptools uses: ``$CC``,
    else Python's own; and Python's headers)?"""
    cc = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(cc) is not None and Path(sysconfig.get_paths()["include"], "Python.h").exists()


def test_built_where_it_can_be(monkeypatch):
    """Where a C compiler and Python's headers are there, the install built the extension
    and textmend uses it (unless ``TEXTMEND_NO_SPEEDUPS`` turns it off); elsewhere textmend
    uses the pure-Python twin."""
    monkeypatch.delenv("TEXTMEND_NO_SPEEDUPS", raising=False)
    if _speedups is None:
        assert not _compiler_and_headers(), "the C speed-ups were not built: see `pip install -e .` output"
        assert evidence._load_speedups() is None
    else:
        assert evidence._load_speedups() is _speedups
    monkeypatch.setenv("TEXTMEND_NO_SPEEDUPS", "1")
    assert evidence._load_speedups() is None
    monkeypatch.setenv("TEXTMEND_NO_SPEEDUPS", "0")
    assert evidence._load_speedups() is _speedups


_DEFINITION = r"[A-Z][A-Za-z]*(?:-[A-Za-z]+)*"


@settings(max_examples=400)
@given(_ASCII)
def test_pure_twin_is_the_pattern(text):
    """The twin is the definition: the distinct matches of ``_CAP_ASCII``, the fast way of
    writing ``[A-Z][A-Za-z]*(?:-[A-Za-z]+)*``."""
    assert evidence._ascii_cap_tokens_py(text) == set(re.findall(_DEFINITION, text))


@settings(max_examples=600)
@given(_ASCII)
def test_cap_tokens_in_use_are_the_pattern(text):
    """What textmend uses (the C function where it is built) gives the twin's answer."""
    assert evidence._ascii_cap_tokens(text) == set(re.findall(_DEFINITION, text))


def test_cap_tokens_in_use_edges():
    f = evidence._ascii_cap_tokens
    assert f("") == set()
    assert f("A") == {"A"}
    assert f("A-") == {"A"}
    assert f("Jong-un Kim-Jong-Il x-Ray -B McDonald's 3XI") == {"Jong-un", "Kim-Jong-Il", "Ray", "B", "McDonald", "XI"}
    long_text = "Xi met Jong-un in Pyongyang. " * 40_000 + "Z-"
    assert f(long_text) == set(re.findall(_DEFINITION, long_text))


def test_c_cap_tokens_refuse_what_they_cannot_scan():
    """The C function takes an ASCII str only (``cap_tokens`` never gives it anything else)."""
    if _speedups is None:  # (not built: nothing to refuse; test_built_where_it_can_be decides)
        assert evidence._load_speedups() is None
        return
    with pytest.raises(ValueError):
        _speedups.ascii_cap_tokens("Émile")
    with pytest.raises(TypeError):
        _speedups.ascii_cap_tokens(b"Xi")
    with pytest.raises(TypeError):
        _speedups.compound_pairs(b"well-known")
    assert _speedups.compound_pairs("") == []


def test_pipeline_gives_the_same_without_the_extension(monkeypatch):
    """The whole pipeline, on the pure-Python twin, mends as it does with the extension."""
    import textmend

    texts = ["XI said Poutine met Nicols Maduro in Moscou .Then the four -day visit ended.",
             "Serbias President and Washingtons's envoy met XIS's aides, said the BBC's Jong-un desk."]
    with_default = [textmend.explain(t) for t in texts]
    monkeypatch.setattr(evidence, "_ascii_cap_tokens", evidence._ascii_cap_tokens_py)
    assert [textmend.explain(t) for t in texts] == with_default


#: text for the needle scan: ASCII and wider letters (Latin-1, BMP, astral), spaces, marks
_NEEDLE_ALPHABET = list("AIKMaiknor -'.\n") + ["é", "Ş", "Ωm", "𝔸", "ß"]
_needle_text = st.lists(st.sampled_from(_NEEDLE_ALPHABET), max_size=50).map("".join)


@st.composite
def _text_and_needles(draw):
    text = draw(_needle_text)
    # needles: pieces of the text (so that they are found), prefixes of each other, others
    pieces = [text[i:j] for i, j in draw(st.lists(st.tuples(st.integers(0, len(text)), st.integers(0, 8)),
                                                  max_size=8)) for j in (i + j,) if text[i:j]]
    extra = draw(st.lists(_needle_text.filter(bool), max_size=4))
    needles = frozenset(pieces + [p[:k] for p in pieces for k in (1, 2) if p[:k]] + extra)
    return text, needles


@settings(max_examples=600)
@given(_text_and_needles(), st.booleans())
def test_needle_hits_in_use_are_the_trie_scan(case, whole):
    """What textmend uses (the C scan where it is built) finds what the ``re`` trie finds:
    the longest needle at every place (``whole``: not followed by an ASCII letter)."""
    text, needles = case
    want = list(evidence._needle_hits_py(text, needles, whole)) if needles else []
    assert list(evidence.needle_hits(text, needles, whole=whole)) == want


def test_c_needle_hits_refuse_a_bad_table():
    if _speedups is None:  # (not built: test_built_where_it_can_be decides whether it should be)
        assert evidence._needle_hits_c is None
        return
    with pytest.raises(ValueError):
        _speedups.needle_hits("Kim", {"Ki": ("Xi",)}, True)
    with pytest.raises(ValueError):
        _speedups.needle_hits("Kim", {"K": ("Kim",)}, True)  # (a long needle under one character)
    with pytest.raises(TypeError):
        _speedups.needle_hits("Kim", {"Kim": ("Kim",)}, True)
    with pytest.raises(TypeError):
        _speedups.needle_hits(b"Kim", {"Ki": ("Kim",)}, True)
    assert _speedups.needle_hits("", {"Ki": ("Kim",)}, False) == []
    assert _speedups.needle_hits("Kim Ki K", {"Ki": ("Kim", "Ki"), "K": ("K",)}, True) == [(0, "Kim"), (4, "Ki"), (7, "K")]

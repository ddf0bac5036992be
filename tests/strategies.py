"""hypothesis strategies shared by the property tests."""
from __future__ import annotations

from hypothesis import strategies as st

#: any Unicode, including surrogates, controls, emoji, combining marks and RTL text
any_text = st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF,
                                          exclude_categories=()), max_size=300)
#: lines of text with the characters rules look at
ascii_prose = st.text(alphabet=st.sampled_from(list("abcdeXYZ -.,;:!?'’\n\r\t&#@/0123")), max_size=200)
plain_words = st.lists(st.from_regex(r"[a-z]{1,10}", fullmatch=True), min_size=1, max_size=40).map(" ".join)

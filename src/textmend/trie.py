"""One ``re`` pattern for a set of literal words, built as a trie.

``re`` tries the alternatives of ``a|b|c`` one after the other at every position; a trie
(``(?:al(?:so)?|re(?:ad|lated))``) shares their prefixes, so each position costs one test
per character class.  Where several words start at a position, the longest one matches.

>>> import re
>>> re.findall(trie_pattern(["also", "al", "read"]), "also al read")
['also', 'al', 'read']
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable


def trie_pattern(words: Iterable[str], char: Callable[[str], str] = re.escape) -> str:
    """A ``re`` pattern (no groups) matching any of ``words``, longest first; ``char(ch)``
    gives the pattern for one character (by default the character itself)."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = [char(ch) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return emit(root)

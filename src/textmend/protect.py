"""Spans that no rule may edit: URLs, e-mail addresses, @handles, #hashtags and code.

>>> text = "see https://example.com/Moscou.html or mail a.b@ex.org #Poutine `x = 1`"
>>> [text[s:e] for s, e in protected_spans(text)]
['https://example.com/Moscou.html', 'a.b@ex.org', '#Poutine', '`x = 1`']
"""
from __future__ import annotations

import re

_PROTECTED = re.compile(
    r"""
      (?:\b(?:https?|ftp|file)://|\bwww\d?\.)[^\s<>"'`]+      # URLs
    | \b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b                       # e-mail addresses
    | (?<![\w@])@\w{1,30}                                     # @handles
    | (?<![\w&#])\#\w+                                       # #hashtags
    | ```.*?```                                              # fenced code
    | `[^`\n]+`                                              # inline code
    | \b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|gov|edu|io|co|uk|de|fr|ru|cn|eu|info|int)\b(?:/\S*)?  # bare domains
    | \b[\w-]+\.(?:txt|md|py|js|html?|json|csv|pdf|docx?|xlsx?|png|jpe?g|gif|zip|exe)\b  # file names
    """,
    re.VERBOSE | re.DOTALL | re.IGNORECASE,
)

# cheap gate: without one of these characters nothing can be protected
_GATE = re.compile(r"[/@#`]|\.[a-zA-Z]{2}")


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Sorted, non-overlapping ``(start, end)`` spans of ``text`` to leave untouched."""
    if not _GATE.search(text):
        return []
    return [m.span() for m in _PROTECTED.finditer(text)]

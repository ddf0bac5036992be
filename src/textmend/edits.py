"""Edit and flag records: what a rule found, where, and how sure it is.

Every rule returns :class:`Edit` objects (a replacement it proposes) and :class:`Flag`
objects (a finding it reports but never applies).  Rules see the *current* text of the
pipeline; the pipeline maps their spans back to code-point offsets in the *original*
input before it hands them to the user, so that applying ``Result.edits`` right to left
to the input always reproduces ``Result.text``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Safety = Literal["safe", "unsafe"]
SAFE: Safety = "safe"
UNSAFE: Safety = "unsafe"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` by ``replacement``.

    ``rule`` is the stable code (``TM201``), ``name`` the readable rule name
    (``space-before-punctuation``).  ``original`` is the replaced text, filled in by the
    pipeline for reports.  ``confidence`` is the rule's own estimate (0..1) that the edit
    is right; ``safety`` says whether it is applied by default.
    """

    start: int
    end: int
    replacement: str
    rule: str
    name: str = ""
    safety: Safety = SAFE
    message: str = ""
    confidence: float = 1.0
    original: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        return (f"{self.start}-{self.end} {self.rule} {self.name} [{self.safety}] "
                f"{self.original!r} -> {self.replacement!r}: {self.message}")


@dataclass(frozen=True, slots=True)
class Flag:
    """A finding at ``text[start:end]`` that a person should look at; never applied."""

    start: int
    end: int
    rule: str
    name: str = ""
    message: str = ""
    suggestion: str | None = None
    original: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        return f"{self.start}-{self.end} {self.rule} {self.name}: {self.message} ({self.original!r})"


@dataclass(slots=True)
class Result:
    """What :func:`textmend.explain` returns.

    ``edits`` are the applied edits (offsets into the input), ``flags`` the findings, and
    ``suggestions`` the unsafe edits that were found but not applied (enable them with
    ``unsafe_fixes=True``).
    """

    text: str
    edits: list[Edit] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    suggestions: list[Edit] = field(default_factory=list)
    original: str = ""

    @property
    def changed(self) -> bool:
        return self.text != self.original


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (offsets into ``text``) right to left.

    >>> apply_edits("a four -day visit", [Edit(6, 8, "-", "TM201")])
    'a four-day visit'
    """
    pieces: list[str] = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if e.start < pos or e.end < e.start or e.end > len(text):
            raise ValueError(f"overlapping or out-of-range edit at {e.start}-{e.end}")
        pieces.append(text[pos:e.start])
        pieces.append(e.replacement)
        pos = e.end
    pieces.append(text[pos:])
    return "".join(pieces)

"""The built-in rules, one module per rule family (run in the order of ``FAMILIES``).

=======  =================  ==========================================================
codes    module             family
=======  =================  ==========================================================
TM1xx    ``encoding``       mojibake, HTML entities, control characters (via ftfy)
TM7xx    ``checks``         flags only: pronoun mismatch, duplicated coordinate (they run
                            before boilerplate, so a teaser's own errors are reported too)
TM2xx    ``spacing``        hyphen spacing, punctuation spacing, doubled spaces
TM3xx    ``possessives``    broken possessives (``Washingtons's``, ``Serbias President``)
TM4xx    ``names``          foreign and mangled names from the lexicon
TM5xx    ``casing``         ``XI said`` → ``Xi said``, ``victory day`` → ``Victory Day``
TM6xx    ``boilerplate``    inline page furniture (``Also read | …``, ``ADVERTISEMENT``)
TM8xx    ``layout``         opt-in: run-in headings back on their own lines
=======  =================  ==========================================================
"""
from __future__ import annotations

import importlib

from .base import Context, FunctionRule, Rule, matches_code, rule

#: family modules in the order their rules run
FAMILIES = ("encoding", "checks", "boilerplate", "spacing", "names", "possessives", "casing", "layout")


def rule_classes() -> list[type[Rule]]:
    """Every built-in rule class, in pipeline order (families in order, then by code)."""
    out: list[type[Rule]] = []
    for fam in FAMILIES:
        try:
            mod = importlib.import_module(f"{__name__}.{fam}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{fam}":
                continue
            raise
        found = [obj for obj in vars(mod).values()
                 if isinstance(obj, type) and issubclass(obj, Rule) and obj.__module__ == mod.__name__
                 and "code" in vars(obj) and obj.code != "TM000"]
        order = getattr(mod, "RULE_ORDER", None)
        found.sort(key=(lambda c: order.index(c.code)) if order else (lambda c: c.code))
        out.extend(found)
    return out


def builtin_rules() -> list[Rule]:
    """Fresh instances of every built-in rule, in pipeline order."""
    return [cls() for cls in rule_classes()]


__all__ = ["Context", "FunctionRule", "Rule", "builtin_rules", "matches_code", "rule", "rule_classes", "FAMILIES"]

"""Every module's doctests run as tests (the examples in the docs stay true)."""
from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import textmend

MODULES = sorted(m.name for m in pkgutil.walk_packages(textmend.__path__, "textmend.")
                 if not m.name.endswith("__main__") and not m.name.endswith(".dask"))


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0

"""Build configuration that pyproject.toml cannot hold: the optional C speed-ups.

Everything else (metadata, dependencies, package data) is in pyproject.toml.  The extension
is optional: without a C compiler or Python's headers the build goes on without it, and
textmend runs its pure-Python twins (same results, slower).
"""
from setuptools import Extension, setup

setup(ext_modules=[Extension("textmend._speedups", ["src/textmend/_speedups.c"], optional=True)])

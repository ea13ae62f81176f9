"""Test-wide settings."""

from __future__ import annotations

from hypothesis import settings

# A throwaway PostgreSQL server for the storage tests (started only when a test asks for it).
pytest_plugins = ["pgserver"]

# No per-example deadline: a loaded CI machine (or cn2an's first call) can take longer than
# hypothesis's 200 ms default without anything being wrong. Failures print their reproduction blob.
settings.register_profile("jixiao", deadline=None, print_blob=True)
settings.load_profile("jixiao")

"""Fixtures for the top-level tests. They live in footfall_testing.py, a module with its own name:
several folders of tests/ have a conftest.py, and `from conftest import` would find any of them."""

from footfall_testing import app, clock, config, db_path  # noqa: F401

"""Fixtures of the deployment tests: the session's private Apache (see footfall_apache.py)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from footfall_apache import apache  # noqa: E402, F401  (a fixture, shared with tests/hostile/)

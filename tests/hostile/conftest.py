"""Fixtures of the hostile-input tests: the private Apache of tests/apache/ (one per session)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                "apache"))

from footfall_apache import apache  # noqa: E402, F401  (a fixture, shared with tests/apache/)

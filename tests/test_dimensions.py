"""The one table of dimensions (cgi-bin/footfall/dimensions.py) and what derives from it: the
dashboard's table of lists is built from it and current, the day summary's written-out view
follows its order, and no other module writes the dimensions out as a list of its own."""

import ast
import glob
import inspect
import os
import re
import subprocess
import sys

from footfall import dimensions, summary
from footfall_testing import CGI_BIN, ROOT, SCRIPTS

sys.path.insert(0, SCRIPTS)
import build_dimensions  # noqa: E402


def test_the_dashboards_table_of_lists_is_built_from_the_current_table():
    result = subprocess.run([sys.executable, os.path.join(SCRIPTS, "build_dimensions.py"),
                             "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_dashboards_lists_come_in_the_order_of_their_places():
    keys = re.findall(r'key: "(\w+)"', build_dimensions.build())
    assert keys == ["page", "event", "ref", "campaign", "country", "browser", "os", "device",
                    "language"]


def test_a_changed_row_makes_the_dashboards_table_out_of_date(monkeypatch):
    monkeypatch.setattr(dimensions.BY_NAME["os"], "label", "Operating system")
    assert 'key: "os", label: "Operating system"' in build_dimensions.build()


def test_each_dimension_has_its_own_list_box_and_place():
    for field in ("name", "list", "box", "place", "label", "title"):
        values = [getattr(dimension, field) for dimension in dimensions.DIMENSIONS]
        assert len(set(values)) == len(values), field


def test_a_view_takes_its_dimensions_in_the_tables_order():
    assert list(inspect.signature(summary.View).parameters) == (
        ["visitor", "unique", "ts", "hour"] + list(dimensions.VIEW_COLUMNS) + ["seconds", "timed"])


def test_a_view_pickles_as_its_parameters_in_the_tables_order():
    names = list(inspect.signature(summary.View).parameters)
    view = summary.View(*(f"{name} value" for name in names))
    assert view.__reduce__() == (summary.View, tuple(f"{name} value" for name in names))


def test_a_views_summary_lists_each_dimension_under_its_own_name():
    values = [f"{name} value" for name in dimensions.VIEW_COLUMNS]
    view = summary.View("v", b"unique", 1795737600, 12, *values)
    rows, _uniques = summary.summarize([view])
    listed = {(dim, value) for f, _fv, dim, value in rows if f == "" and dim not in ("", "hour")}
    assert listed == set(zip(dimensions.VIEW_COLUMNS, values))


def test_page_is_the_first_column_as_the_day_summary_reads_it():
    assert dimensions.VIEW_COLUMNS[0] == "page"


def test_the_table_imports_nothing_as_it_is_on_the_hit_path():
    with open(os.path.join(CGI_BIN, "footfall", "dimensions.py"), encoding="utf-8") as f:
        tree = ast.parse(f.read())
    assert [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))] == []


# scripts/benchmark/store_study.py measures other stores than footfall's, with a record layout
# of its own (bit flags by a dimension's position): not a copy of the table.
_NOT_SCANNED = {os.path.join("cgi-bin", "footfall", "dimensions.py")}


def _dimension_lists(path):
    """The line of each tuple, list or set of the file that names two dimensions as strings."""
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            strings = {e.value for e in node.elts if isinstance(e, ast.Constant)}
            if {"browser", "country"} <= strings:
                found.append(node.lineno)
    return found


def test_no_module_but_the_table_writes_the_dimensions_out_as_a_list():
    paths = glob.glob(os.path.join(ROOT, "cgi-bin", "**", "*.py"), recursive=True)
    paths += glob.glob(os.path.join(ROOT, "scripts", "*.py"))
    found = {}
    for path in paths:
        relative = os.path.relpath(path, ROOT)
        if relative not in _NOT_SCANNED and _dimension_lists(path):
            found[relative] = _dimension_lists(path)
    assert found == {}

"""The README and docs/ tell the truth: the README is a quick start with the two commands CI runs,
its snippets are the ones the browser tests load, every link resolves, docs/api.md names every
parameter and list the code reads, and no document tells the project's history by issue number."""

import glob
import json
import os
import re

import pytest
from footfall import dimensions, exports, insights
from footfall_testing import ROOT

README_PATH = os.path.join(ROOT, "README.md")
DOCS = sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
SERVE_COMMAND = "```sh\npython3 scripts/serve.py\n```"
TEST_COMMAND = "```sh\n./scripts/test.sh\n```"


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


README = read(README_PATH)


def doc(name):
    return read(os.path.join(ROOT, "docs", name))


def without_code(text):
    """The text without its fenced code blocks (a `# comment` there is no heading)."""
    return re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)


def anchors(text):
    """The anchors GitHub makes of a Markdown file's headings."""
    return {re.sub(r"[^\w\- ]", "", heading).strip().lower().replace(" ", "-")
            for heading in re.findall(r"^#+ (.*)$", without_code(text), re.M)}


# ---------------------------------------------------------------------------------------------
# The README: a quick start
# ---------------------------------------------------------------------------------------------

def test_readme_is_a_quick_start_of_at_most_200_lines():
    assert len(README.splitlines()) <= 200


def test_readme_gives_the_two_commands_in_its_first_60_lines():
    first_lines = "\n".join(README.splitlines()[:60])
    assert SERVE_COMMAND in first_lines
    assert TEST_COMMAND in first_lines


def test_ci_runs_the_readmes_test_command():
    command = TEST_COMMAND.split("\n")[1]
    steps = [line for line in read(os.path.join(ROOT, ".ci", "run")).splitlines()
             if line.strip() and not line.startswith("#")]
    assert command in steps


def test_readme_shows_the_screenshot():
    assert "](docs/screenshot.png)" in README


@pytest.mark.parametrize("page, where", [
    ("jquery-snippet.html", "README.md"), ("jquery-snippet-w-tz.html", "README.md"),
    ("footfall-snippet.html", "README.md"), ("events-snippet.html", "README.md"),
    ("pixel-snippet.html", "docs/dashboard.md"), ("badge-snippet.html", "docs/dashboard.md"),
])
def test_documented_snippet_is_the_one_the_browser_tests_count(page, where):
    with open(os.path.join(ROOT, "tests", "browser", "pages", page), encoding="utf-8") as f:
        tested = [line for line in f.read().splitlines() if "{{endpoint}}" in line]
    assert len(tested) == 1
    assert tested[0].replace("{{endpoint}}", "/cgi-bin/stats.py") in read(os.path.join(ROOT, where))


# ---------------------------------------------------------------------------------------------
# Every document: links that resolve, no history
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [README_PATH] + DOCS, ids=os.path.basename)
def test_relative_links_and_their_anchors_resolve(path):
    text = read(path)
    for target in re.findall(r"\]\(([^)\s]+)\)", without_code(text)):
        if re.match(r"[a-z]+:", target):
            continue
        file, _, anchor = target.partition("#")
        linked = os.path.normpath(os.path.join(os.path.dirname(path), file)) if file else path
        assert os.path.exists(linked), target
        if anchor:
            assert anchor in anchors(read(linked)), target


@pytest.mark.parametrize("path", [README_PATH] + DOCS, ids=os.path.basename)
def test_documents_cite_no_issue_numbers(path):
    assert re.findall(r"\bissues? [0-9]+\b", read(path), re.I) == []


# ---------------------------------------------------------------------------------------------
# docs/api.md against the code
# ---------------------------------------------------------------------------------------------

def _names_read_from(variable):
    """Every key the app's modules (not storage's SQL) read from `variable`: params or fields."""
    names = set()
    for path in glob.glob(os.path.join(ROOT, "cgi-bin", "footfall", "*.py")):
        names |= set(re.findall(rf'\b{variable}(?:\.get\(|\[)"(\w+)"', read(path)))
    return names


@pytest.mark.parametrize("name", sorted(_names_read_from("params") | set(dimensions.FILTERS)))
def test_api_doc_names_every_query_parameter(name):
    assert re.search(rf"[`?&]{name}[`=]", doc("api.md")), name


@pytest.mark.parametrize("name", sorted(_names_read_from("fields")))
def test_api_doc_names_every_posted_field(name):
    assert re.search(rf"`{name}[`=]", doc("api.md")), name


def test_api_docs_example_answer_has_every_list():
    example = next(block for block in re.findall(r"^```json\n(.*?)^```", doc("api.md"), re.M | re.S)
                   if block.startswith('{"from"'))
    answer = json.loads(example)
    assert {name for name, _ in insights.LISTS} | {"events", "not_found", "notes"} <= set(answer)


def test_api_docs_listed_example_is_the_demos_answer(tmp_path):
    import sys

    from footfall import settings
    from footfall.app import Application
    from footfall.storage import database
    from footfall_testing import NOON, SCRIPTS, call_app

    sys.path.insert(0, SCRIPTS)
    import seed_db

    example = json.loads(next(block for block in re.findall(
        r"^```json\n(.*?)^```", doc("api.md"), re.M | re.S) if '"listed"' in block))
    config = settings.Config(db=str(tmp_path / "demo.db"), timezone="UTC")
    conn = database.connect(config.db)
    try:
        seed_db.seed_demo(conn, config, 7, now=NOON)  # serve.py's demo, as the screenshots'
    finally:
        conn.close()
    answer = call_app(Application(config, lambda: NOON), "GET",
                      query="from=2026-10-30&to=2026-11-28&browser=Firefox").json()
    # unique: an estimate from visitor hashes keyed by random salts, one or two off from run to run
    del answer["totals"]["unique"], example["totals"]["unique"]
    assert {"filter": answer["filter"], "totals": answer["totals"]} == example
    assert sum(page["entries"] for page in answer["pages"]) == example["totals"]["listed"]


@pytest.mark.parametrize("name", sorted(exports.LISTS))
def test_api_doc_gives_every_csv_list_and_its_columns(name):
    text = doc("api.md")
    assert f"`{name}`" in text.split("`&list=<name>`", 1)[1]
    columns = exports.LISTS[name]
    if columns[1:] != ("visitors", "pageviews"):
        assert f"`{','.join(columns)}`" in text, name

"""Promises about how the footfall package is put together, read from its source with ast:
no module imports one that imports it back (imports inside functions included), and only the
edge of the application reads the WSGI environ.
"""

import ast
import os

from footfall_testing import CGI_BIN

PACKAGE = os.path.join(CGI_BIN, "footfall")


def modules(package=PACKAGE):
    """{dotted name: parsed source} of every module of the package."""
    found = {}
    top = os.path.dirname(package)
    for folder, _dirs, files in os.walk(package):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                dotted = os.path.relpath(path, top)[:-3].replace(os.sep, ".")
                dotted = dotted[:-len(".__init__")] if dotted.endswith(".__init__") else dotted
                with open(path, encoding="utf-8") as source:
                    found[dotted] = (path.endswith("__init__.py"), ast.parse(source.read()))
    return found


def import_graph(package=PACKAGE):
    """{module: the package's modules it imports}, at the top of the file or inside a function."""
    found = modules(package)
    graph = {}
    for name, (is_package, tree) in found.items():
        here = name if is_package else name.rpartition(".")[0]
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = here
                    for _ in range(node.level - 1):
                        parent = parent.rpartition(".")[0]
                    base = parent + ("." + node.module if node.module else "")
                for alias in node.names:
                    # "from . import days" imports the module days; "from .days import x" days
                    imported.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in found
                                 else base)
        graph[name] = sorted(imported & set(found) - {name})
    return graph


def cycles(graph):
    """Every import cycle, each as the list of its modules, first one repeated at the end."""
    found, done = [], set()

    def visit(name, path):
        if name in path:
            found.append(path[path.index(name):] + [name])
            return
        if name in done:
            return
        for imported in graph[name]:
            visit(imported, path + [name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    return found


def test_the_import_graph_is_read_from_every_module_and_every_import():
    graph = import_graph()
    assert "footfall.storage.connection" in graph["footfall.storage.days"]
    assert "footfall.storage.event_sums" in graph["footfall.storage.days"]  # inside a function
    assert "footfall.storage.postgres" in graph["footfall.storage.database"]  # inside a function


def test_no_module_of_the_package_imports_one_that_imports_it_back():
    assert cycles(import_graph()) == []


# The modules that may read the WSGI environ: the entry, the CGI runner and the request parser.
READ_THE_ENVIRON = {"footfall.app", "footfall.cgi_runner", "footfall.request"}
# The CGI variables of a request besides its headers (HTTP_*) and WSGI's own (wsgi.*).
_CGI_VARIABLES = {"REQUEST_METHOD", "QUERY_STRING", "CONTENT_LENGTH", "CONTENT_TYPE",
                  "REMOTE_ADDR", "SERVER_NAME", "SERVER_PORT", "PATH_INFO", "SCRIPT_NAME"}


def environ_readers(package=PACKAGE):
    """{module: why it reads the WSGI environ}: it names a request's variable ("HTTP_ORIGIN",
    "wsgi.errors", "QUERY_STRING") or takes a parameter called environ. settings.py's environ
    is the process's environment (os.environ), not a request's: only its variable names count."""
    found = {}
    for name, (_is_package, tree) in modules(package).items():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and (node.value.startswith(("HTTP_", "wsgi.")) or node.value in _CGI_VARIABLES)):
                found.setdefault(name, set()).add(repr(node.value))
            elif (isinstance(node, ast.arg) and node.arg == "environ"
                  and name != "footfall.settings"):
                found.setdefault(name, set()).add("parameter environ")
    return found


def test_the_environ_readers_are_found_by_what_they_read():
    readers = environ_readers()
    assert "'HTTP_X_FOOTFALL_KEY'" in readers["footfall.request"]
    assert "parameter environ" in readers["footfall.app"]


def test_only_the_entry_the_cgi_runner_and_the_request_parser_read_the_environ():
    readers = environ_readers()
    assert {name: sorted(why) for name, why in readers.items()
            if name not in READ_THE_ENVIRON} == {}

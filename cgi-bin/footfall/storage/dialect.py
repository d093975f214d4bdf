"""footfall's statements are written once, for SQLite; this turns one into PostgreSQL's dialect.

Every difference between the two that footfall's queries meet is here, as one rule each, so
the storage modules keep one readable statement per job and PostgreSQL runs the same text,
translated once per process (translate() caches). Parameters stay parameters: ``:name`` becomes
``%(name)s`` and ``?`` ``%s``, never a value pasted into the text. The schema is not
translated: pg_schema.py writes PostgreSQL's out.

- ``insert or ignore`` -> ``insert ... on conflict do nothing``. An upsert (``insert ... on
  conflict (key) do update``, SQLite 3.24 and newer) is the same text in both.
- ``min(a, b)`` and ``max(a, b)`` of two values -> ``least`` and ``greatest``.
- ``counted`` tested as a truth value -> ``counted <> 0`` (PostgreSQL wants a boolean there).
- ``:name is null``: ``%(name)s::text is null``, since a parameter PostgreSQL sees only there has
  no type it can infer (each one footfall tests so is a site or a page: text).
- ``+day`` (a hint that keeps SQLite off an index) -> ``day``.
- ``group_concat(text, separator)`` -> ``string_agg``.
- The column ``offset``, a reserved word in PostgreSQL, quoted.
- Pragmas are not SQL for PostgreSQL: postgres.Connection answers the two that matter
  (user_version) itself and skips the rest.
"""

import re

_INSERT_OR_IGNORE = re.compile(r"^(\s*)insert\s+or\s+ignore\s+into\b", re.IGNORECASE)
_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_POSITIONAL = re.compile(r"(?<=[\s(,=])\?(?=[\s,)]|$)")
_NULL_TEST = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)(\s+is\s+(?:not\s+)?null)")
_TRUTH_OF_COUNTED = re.compile(r"\b(where|and)\s+counted\b(?!\s*(?:[=<>!]|is\b))")
_WORDS = ((re.compile(r"(?<![\":\w])offset\b"), '"offset"'),  # the column, not :offset
          (re.compile(r"(?<![\w.])\+day\b"), "day"),
          (re.compile(r"\bgroup_concat\("), "string_agg("))

_translated = {}


def translate(sql):
    """The PostgreSQL form of one footfall statement (SQLite dialect, :name parameters)."""
    done = _translated.get(sql)
    if done is None:
        done = _translated[sql] = _translate(sql)
    return done


def _translate(sql):
    text = sql.replace("%", "%%")
    for pattern, replacement in _WORDS:
        text = pattern.sub(replacement, text)
    text = _least_greatest(text)
    text = _TRUTH_OF_COUNTED.sub(r"\1 counted <> 0", text)
    if _INSERT_OR_IGNORE.match(text):
        text = _INSERT_OR_IGNORE.sub(r"\1insert into", text).rstrip().rstrip(";")
        text += "\n    on conflict do nothing"
    text = _NULL_TEST.sub(r"%(\1)s::text\2", text)
    text = _POSITIONAL.sub("%s", text)
    return _PARAMETER.sub(r"%(\1)s", text)


def _least_greatest(text):
    """min(a, b) and max(a, b) (SQLite's scalar forms) as least(a, b) and greatest(a, b); the
    aggregates min(x) and max(x) stay."""
    out, i = [], 0
    pattern = re.compile(r"\b(min|max)\s*\(", re.IGNORECASE)
    while True:
        match = pattern.search(text, i)
        if match is None:
            out.append(text[i:])
            return "".join(out)
        depth, j, top_comma = 1, match.end(), False
        while j < len(text) and depth:
            char = text[j]
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            elif char == "," and depth == 1:
                top_comma = True
            j += 1
        name = match.group(1).lower()
        if top_comma:
            name = "least" if name == "min" else "greatest"
        inner = _least_greatest(text[match.end():j - 1])
        out.append(text[i:match.start()] + f"{name}(" + inner + ")")
        i = j

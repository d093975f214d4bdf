"""Facts about the install itself, one row each in the meta table: whether the stats are public or
need a read key (kept in the database, not only in a config file the web server's user may not be
able to read), and whether the data is demo data that seed_db.py made.
"""

import os

from .. import counting
from .connection import in_transaction, try_in_transaction

# meta rows: 'read_access' is 'public' or 'sha256:<salt hex>:<digest hex>' (setup_db.py records
# it; no row: a database made before schema 5, or by the first hit, that nobody decided for).
# 'demo' is '1' in a database seed_db.py filled from empty. 'zone_day' is the configured zone's
# current day, if the clocks do not change on it: '<zone> <YYYY-MM-DD> <first moment, Unix time>
# <UTC offset, seconds>' (settings.Zone).
SELECT_META = "select value from meta where name = :name"
DELETE_META = "delete from meta where name = :name"
INSERT_META = "insert into meta (name, value) values (:name, :value)"
# Written by whichever process learns the day first, maybe several at once: the last one stays.
UPSERT_META = """
    insert into meta (name, value) values (:name, :value)
    on conflict (name) do update set value = excluded.value"""

PUBLIC = "public"


def read_meta(conn, name):
    """The value of one meta row, or None."""
    row = conn.execute(SELECT_META, {"name": name}).fetchone()
    return None if row is None else row[0]


def write_meta(conn, name, value):
    """Set (or, with value None, delete) one meta row."""

    def write(conn):
        conn.execute(DELETE_META, {"name": name})
        if value is not None:
            conn.execute(INSERT_META, {"name": name, "value": value})

    in_transaction(conn, write)


def read_access(conn):
    """'public', a key hash ('sha256:...'), or None when no decision is recorded."""
    return read_meta(conn, "read_access")


def record_public(conn):
    write_meta(conn, "read_access", PUBLIC)


def record_key(conn, key):
    """Keep only a hash of the read key: whoever copies the database cannot read the stats' key."""
    write_meta(conn, "read_access", hash_key(key))


def hash_key(key, salt=None):
    """sha256 of a random salt and the key. Cheap on purpose: GET checks it on every request, as
    a CGI process; a generated key is 144 random bits, which no hash speed makes guessable.
    A password chosen by a person is only as strong as it is long (docs/deploy.md says so)."""
    import hashlib  # only GET with a recorded key and setup_db pay for it, never a hit

    salt = os.urandom(16) if salt is None else salt
    digest = hashlib.sha256(salt + key.encode("utf-8", "surrogateescape")).hexdigest()
    return f"sha256:{salt.hex()}:{digest}"


def key_matches(stored, key):
    """Whether key is the one whose hash is stored; in constant time."""
    import hmac

    try:
        scheme, salt, _digest = stored.split(":")
        salt = bytes.fromhex(salt)
    except ValueError:
        return False  # not a hash this footfall knows: refuse rather than open
    if scheme != "sha256":
        return False
    return hmac.compare_digest(hash_key(key, salt).encode("ascii"), stored.encode("ascii"))


def recall_zone_day(conn, zone, now):
    """Make zone (a settings.Zone) know the day of now: from the zone_day row if it holds that day
    of that zone, else from the zone's rules, kept in the row for the processes after this one.
    The row is a convenience: if it cannot be written now, it is not, and nothing fails."""
    kept = (read_meta(conn, "zone_day") or "").split(" ")
    if len(kept) == 4 and kept[0] == zone.key and kept[2].isdigit() \
            and kept[3].lstrip("-").isdigit():
        day, start, offset = kept[1], int(kept[2]), int(kept[3])
        if 0 <= now - start < 86400:
            zone.knows_day(day, start, offset)
            return
    learned = counting.learn_day(zone, now)
    if learned is not None:
        value = " ".join([zone.key, *map(str, learned)])
        try_in_transaction(conn, lambda conn: conn.execute(UPSERT_META,
                                                           {"name": "zone_day", "value": value}))

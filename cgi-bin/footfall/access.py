"""Who may read the stats: anyone where they are public, else a request carrying the read key
(header X-Footfall-Key). A GET is refused without it; a test hit counts, but reads nothing back.

Imported only by the requests that ask: a GET of the stats, a test hit.
"""

from .storage import meta

KEY_REQUIRED = "a read key is required (header X-Footfall-Key)"


def may_read(given, config, connection):
    """Whether a request carrying the key given ('' for none) may read the stats. connection()
    gives the database, read only when no key is configured.

    A key configured (environment or config file) decides; else the hash setup_db.py recorded in
    the database does, so stats stay private where the web server runs as a user that cannot read
    the owner's config file. Nothing configured and nothing recorded (a database made before
    schema 5, or by the first hit): public, as before.
    """
    if config.read_key:
        import hmac

        return hmac.compare_digest(given.encode("utf-8", "surrogateescape"),
                                   config.read_key.encode("utf-8"))
    stored = meta.read_access(connection())
    if stored is None or stored == meta.PUBLIC:
        return True
    return bool(given) and meta.key_matches(stored, given)

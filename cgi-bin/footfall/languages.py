"""The visitor's language: the primary subtag of the first Accept-Language tag ('de-CH' -> 'de')."""

_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")

# A header longer than this is cut before parsing; the first tag is all that is read.
MAX_HEADER_LENGTH = 256


def language_of(accept_language):
    """A lower-case ISO 639 code of two or three letters, or '' for '*', an empty or garbled header."""
    if not accept_language:
        return ""
    first = accept_language[:MAX_HEADER_LENGTH].split(",", 1)[0].split(";", 1)[0].strip()
    # BCP 47 separates subtags with '-'; some clients send POSIX locales ('en_US').
    primary = first.replace("_", "-").split("-", 1)[0].lower()
    if 2 <= len(primary) <= 3 and set(primary) <= _LETTERS:
        return primary
    return ""

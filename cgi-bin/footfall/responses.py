"""What the application answers besides JSON, and how a request is refused: HTTPError and Raw.

Shared by app.py and the modules that make answers of their own (images.py, exports.py), so that
none of them imports another for these.
"""

REASONS = {200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized",
           404: "Not Found", 405: "Method Not Allowed", 413: "Content Too Large",
           500: "Internal Server Error", 503: "Service Unavailable"}


def status_line(status):
    """'200 OK' of a status code, as start_response takes it."""
    return f"{status} {REASONS.get(status, 'Error')}"


class HTTPError(Exception):
    """An answer other than 200: a status, a message for the client and extra headers."""

    def __init__(self, status, message, headers=()):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = list(headers)


class Raw:
    """An answer that is not JSON (the pixel, the badge, a CSV export): status, headers, body.

    body is an iterable of bytes, handed to the server as it is, so a CSV export can stream.
    """

    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, list(headers), body

    def respond(self, start_response, method, cors=()):
        """Start the answer and return its body; HEAD gets none (a streamed body is closed)."""
        start_response(status_line(self.status), self.headers + list(cors))
        if method == "HEAD":
            close = getattr(self.body, "close", None)
            if close:
                close()
            return [b""]
        return self.body

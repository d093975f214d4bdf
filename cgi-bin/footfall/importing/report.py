"""What an import shows: a progress bar on a terminal and the summary at the end."""

import time

MALFORMED_SHOWN = 5  # line numbers of malformed lines the summary shows
# Why a line is not a page view, in the order they are checked and the summary lists them.
REASONS = ("malformed", "already imported", "after --until", "method", "status", "asset",
           "footfall", "bot", "prefetch", "site not allowed", "flood")


class Progress:
    """A one-line progress bar on a terminal: lines read, lines/s and, when the size is known,
    how far along and the time left."""

    WIDTH = 24

    def __init__(self, total_bytes, stream):
        self.total, self.stream = total_bytes, stream
        self.started = time.monotonic()
        self.last_drawn = 0.0

    def update(self, lines, done_bytes, force=False):
        now = time.monotonic()
        if not force and now - self.last_drawn < 0.2:
            return
        self.last_drawn = now
        seconds = max(now - self.started, 1e-6)
        text = f"{lines:,} lines, {lines / seconds:,.0f} lines/s"
        if self.total:
            share = min(done_bytes / self.total, 1.0)
            filled = int(share * self.WIDTH)
            left = seconds * (1 - share) / share if share > 0 else 0
            text = (f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%} {text}, "
                    f"{_duration(left)} left")
        self.stream.write("\r" + text + "\033[K")
        self.stream.flush()

    def finish(self):
        self.stream.write("\r\033[K")
        self.stream.flush()


def _duration(seconds):
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class Summary:
    """What an import did, line by line: what the final summary prints."""

    def __init__(self):
        self.lines = 0
        self.views = 0
        self.not_found = 0
        self.reasons = dict.fromkeys(REASONS, 0)
        self.malformed = []  # (file, line number), the first MALFORMED_SHOWN
        self.days = set()
        self.files = []  # (name, what happened)
        self.stopped = ""  # why reading stopped early, if it did

    def text(self, seconds):
        rate = self.lines / seconds if seconds > 0 else 0
        out = [f"import_log: {len(self.files)} file(s), {self.lines:,} lines in {seconds:.1f} s "
               f"({rate:,.0f} lines/s)"]
        out += [f"  {name}: {note}" for name, note in self.files]
        span = f", {min(self.days)} to {max(self.days)}" if self.days else ""
        out.append(f"  page views counted: {self.views:,} on {len(self.days):,} day(s){span}")
        skipped = ", ".join(f"{reason} {count:,}" for reason, count in self.reasons.items() if count)
        out.append(f"  skipped: {skipped or 'none'}")
        out.append(f"  broken links (404/410 of people): {self.not_found:,} lines")
        if self.malformed:
            shown = ", ".join(f"{name}:{number}" for name, number in self.malformed)
            first = " (the first ones)" if self.reasons["malformed"] > len(self.malformed) else ""
            out.append(f"  malformed lines: {shown}{first}")
        if self.stopped:
            out.append(f"  {self.stopped}")
        return "\n".join(out) + "\n"

"""The reading loop of an import: each line of a log into its day's bucket, or counted under the
reason it is not a page view (report.REASONS), by footfall's counting rules."""

from .. import agents, campaigns, counting, languages, logformats
from . import ImportStopped
from .batches import log_hit
from .files import READ_ERRORS, LongLine
from .report import MALFORMED_SHOWN

# The first lines of each file are read before any is counted: when more than half of them do
# not fit the format, the format is wrong and the import stops there.
FORMAT_CHECK_LINES = 100
OPEN_DAYS = 2  # days held in memory at once: a log is in time order but for a few seconds
PROGRESS_EVERY = 8192  # lines between looks at the clock for the progress bar


class LineReader:
    """Importer's reading of lines, apart for its size: it keeps the caches of what a log
    repeats, reads the rest of what Importer.__init__ sets (the format, the site, --until, the
    summary, the days pending), and calls Importer.flush when a day is read whole."""

    def __init__(self):
        # A log repeats its agents, hosts, pages, referrers and hours over and over.
        self._traits = {}  # the traits of a hit, shared by the hits that have the same
        self._referrals = {}  # (source, referrer as kept, site) -> counting.referral
        self._agents = {}  # User-Agent -> (is bot, browser, os, device, the User-Agent)
        self._ips = {}  # address -> the same address: one string object per visitor
        self._sites = {}  # host as logged -> site, or None when it is not a host name
        self._day_of = {}  # quarter hour -> day (time zones change on quarter hours)
        self._pages = {}  # request target -> (page, campaign, source) or ('', why, '')
        self._refs = {}  # referrer as logged -> as kept

    def read_lines(self, state):
        """Read a file's lines to its end; True when --until stops it. A file read from its
        top is first checked against the format."""
        parse = self.parse
        lines = state.log.lines()
        partial = False
        if state.number == 0:
            head, unreadable = [], None
            try:
                for raw in lines:
                    if raw[-1:] != b"\n":
                        raw = state.log.drop_rest(raw)
                        if raw is None:
                            partial = True
                            break
                    head.append(raw)
                    if len(head) == FORMAT_CHECK_LINES:
                        break
            except READ_ERRORS as exc:  # the lines before it count all the same
                unreadable = exc
            # A line too long to read is malformed whatever the format: it tells nothing of it.
            parsed = [parse(raw.decode("utf-8", "replace")) for raw in head
                      if type(raw) is not LongLine]
            if sum(line is None for line in parsed) * 2 > len(parsed):
                example = next(raw for raw in head if type(raw) is not LongLine
                               and parse(raw.decode("utf-8", "replace")) is None)
                raise ImportStopped(self._format_message(state.log.name, example))
            if self._take_lines(state, head):
                return True
            if unreadable is not None:
                raise unreadable
        if not partial:
            if self._take_lines(state, lines):
                return True
            partial = self._partial
        if partial and state.log.name != "-":
            # A line still being written: read again from its start next time.
            state.log.stream.seek(state.offset)
        return False

    def _take_lines(self, state, raws):
        """Each line into its day's bucket or counted under a reason; True when --until stops
        the file. One loop with everything in local variables: this is where an import spends
        its time. Stops at a line without its newline (still being written): self._partial."""
        reasons, summary = self.summary.reasons, self.summary
        pending, agents_seen, pages_seen, refs_seen = self._pending, self._agents, self._pages, self._refs
        sites_seen, day_of = self._sites, self._day_of
        covered, ranges = state.covered, state.ranges
        until, live, zone = self.until, self.live, self.config.zone
        allowed = self.config.sites
        default_site = self.site
        number, offset, last_ts = state.number, state.offset, state.last_ts
        lines = 0
        last_quarter, day = None, None
        countdown = PROGRESS_EVERY
        parse = self.parse
        newest = max(pending) if pending else ""
        self._partial = False
        try:
            for raw in raws:
                if raw[-1:] != b"\n":
                    if type(raw) is not LongLine:  # else dropped already (the first lines)
                        raw = state.log.drop_rest(raw)
                    if raw is None:
                        self._partial = True
                        return False
                    number += 1
                    offset += raw.size
                    lines += 1
                    self._note_malformed(state.log.name, number)
                    continue
                line = parse(raw.decode("utf-8", "replace"))
                countdown -= 1
                if not countdown:
                    countdown = PROGRESS_EVERY
                    if self.stopping:
                        return False
                    if self.progress is not None:
                        self.progress.update(summary.lines + lines,
                                             self._done_bytes + state.log.position())
                if line is None:
                    number += 1
                    offset += len(raw)
                    lines += 1
                    self._note_malformed(state.log.name, number)
                    continue
                ip, ts, method, target, status, referrer, user_agent, host, language, purpose = line
                if host:
                    site = sites_seen.get(host, False)
                    if site is False:
                        site = self._site_of(host)
                    if site is None:
                        number += 1
                        offset += len(raw)
                        lines += 1
                        self._note_malformed(state.log.name, number)
                        continue
                else:
                    site = default_site
                if covered:
                    spans = covered.get(site)
                    if spans and _inside(ts, spans):
                        number += 1
                        offset += len(raw)
                        lines += 1
                        reasons["already imported"] += 1
                        continue
                quarter = ts // 900
                if quarter != last_quarter:  # lines of the same quarter hour follow each other
                    day = day_of.get(quarter)
                    if day is None:
                        if len(day_of) > 100_000:  # three years of quarter hours: bounded memory
                            day_of.clear()
                        day = day_of[quarter] = counting.day_of(ts, zone)
                    last_quarter = quarter
                if until is not None and day > until:
                    if not live:
                        summary.stopped = (f"stopped before line {number + 1:,} of "
                                           f"{state.log.name}: {day} is after --until {until}; "
                                           "a later import goes on from there")
                        return True
                    number += 1
                    offset += len(raw)
                    lines += 1
                    reasons["after --until"] += 1
                    continue
                # The line is read: it moves the file's offset and the time it covers.
                number += 1
                offset += len(raw)
                lines += 1
                last_ts = ts
                span = ranges.get(site)
                if span is None:
                    ranges[site] = [ts, ts]
                elif ts > span[1]:
                    span[1] = ts
                elif ts < span[0]:
                    span[0] = ts
                if status == 404 or status == 410:
                    if method == "GET" or method == "HEAD":
                        agent = agents_seen.get(user_agent)
                        if agent is None:
                            agent = self._agent(user_agent)
                        if not agent[0]:
                            self._broken_link(day, site, target, referrer)
                    reasons["status"] += 1
                    continue
                if method != "GET":
                    reasons["method"] += 1
                    continue
                if not (200 <= status < 300 or status == 304):
                    reasons["status"] += 1
                    continue
                page = pages_seen.get(target)
                if page is None:
                    page = self._page_of(target)
                if not page[0]:
                    reasons[page[1]] += 1
                    if page[1] == "malformed":
                        self._note_malformed(state.log.name, number, counted=True)
                    continue
                # The agent, a long string, is looked up only for the lines left: most are not.
                agent = agents_seen.get(user_agent)
                if agent is None:
                    agent = self._agent(user_agent)
                if agent[0]:
                    reasons["bot"] += 1
                    continue
                if purpose and counting.is_prefetch(purpose):
                    reasons["prefetch"] += 1
                    continue
                if allowed and not counting.site_allowed(site, allowed):
                    reasons["site not allowed"] += 1
                    continue
                ref = refs_seen.get(referrer)
                if ref is None:
                    ref = self._ref_of(referrer)
                hit = self._hit(ts, day, site, page[0], ref, ip, user_agent, agent,
                                languages.language_of(language) if language else "", page)
                hits = pending.get(day)
                if hits is not None:
                    hits.append(hit)
                    if day != newest:
                        self._older_line(day)
                elif day > newest:
                    # The newest day yet; when it makes more than OPEN_DAYS, the oldest is
                    # read whole. A batch that ends here notes the lines before this one as
                    # read and holds this one back (and the day before, when no line of an
                    # older day came after its first: Importer._commit), so that a day goes
                    # whole into a later batch instead of counted open (its views written to
                    # disk and read back at its end). A kill reads them again; the time
                    # noted of them is this file's own, as it will be.
                    state.number, state.offset, state.last_ts = number - 1, offset - len(raw), last_ts
                    if len(pending) >= OPEN_DAYS:
                        self.flush()
                    pending[day] = [hit]
                    newest = day
                    self._day_started(state, day)
                else:  # a day older than the newest, read again: a late line
                    self._older_line(day)
                    pending[day] = [hit]
                    if len(pending) > OPEN_DAYS:
                        state.number, state.offset, state.last_ts = number, offset, last_ts
                        self.flush()
            return False
        finally:
            state.number, state.offset, state.last_ts = number, offset, last_ts
            summary.lines += lines
            self._unsaved = self._unsaved or lines > 0

    def _hit(self, ts, day, site, page, ref, ip, user_agent, agent, language, target):
        """LogHit's arguments for a page view, its traits dict shared with the hits that have
        the same."""
        key = (agent[1], agent[2], agent[3], language, target[1], target[2])
        traits = self._traits.get(key)
        if traits is None:
            if len(self._traits) > 50_000:
                self._traits.clear()
            traits = self._traits[key] = log_hit(ts, day, site, page, ref, ip, user_agent,
                                                 *key).traits
        known = (target[2], ref, site)  # the source, the referrer, the site
        referral = self._referrals.get(known)
        if referral is None:
            if len(self._referrals) > 50_000:
                self._referrals.clear()
            referral = self._referrals[known] = counting.referral(*known)
        # The same address and agent as one string each, however many lines carry them: a
        # batch pickles each once (to the counting process) instead of once per page view.
        address = self._ips.get(ip)
        if address is None:
            if len(self._ips) > 100_000:
                self._ips.clear()
            address = self._ips[ip] = ip
        return (ts, day, site, page, ref, address, agent[4], traits, referral)

    def _note_malformed(self, name, number, counted=False):
        if not counted:
            self.summary.reasons["malformed"] += 1
        if len(self.summary.malformed) < MALFORMED_SHOWN:
            self.summary.malformed.append((name, number))

    def _site_of(self, host):
        try:
            site = counting.normalize_site(host)
        except counting.InvalidInput:
            site = None
        if len(self._sites) > 10_000:
            self._sites.clear()
        self._sites[host] = site
        return site

    def _agent(self, user_agent):
        agent = (counting.is_bot(user_agent), agents.browser_of(user_agent),
                 agents.os_of(user_agent), agents.device_of(user_agent), user_agent)
        if len(self._agents) > 50_000:  # bounded memory however many agents a log has
            self._agents.clear()
        self._agents[user_agent] = agent
        return agent

    def _ref_of(self, referrer):
        ref = counting.normalize_ref(referrer)
        if len(self._refs) > 50_000:
            self._refs.clear()
        self._refs[referrer] = ref
        return ref

    def _page_of(self, target):
        """(page, campaign, source), or ('', reason, '') for a line that is no page view."""
        path = logformats.path_of(target)
        if logformats.is_asset(path):
            page = ("", "asset", "")
        elif logformats.is_own(path):
            page = ("", "footfall", "")
        else:
            try:
                normal = counting.normalize_page(target, self.config.max_page_length)
            except counting.InvalidInput:
                normal = ""
            campaign, source = campaigns.campaign_of_hit(target)
            page = (normal, campaign, source) if normal else ("", "malformed", "")
        if len(self._pages) > 50_000:
            self._pages.clear()
        self._pages[target] = page
        return page

    def _broken_link(self, day, site, target, referrer):
        self._older_line(day)
        try:
            page = counting.normalize_page(target, self.config.max_page_length)
        except counting.InvalidInput:
            return
        # The host of the referring page, the site's own included: a broken link inside a site
        # is the one its owner can fix.
        key = (day, site, page, counting.host_of(counting.normalize_ref(referrer)))
        self._not_found[key] = self._not_found.get(key, 0) + 1
        self.summary.not_found += 1

    def _format_message(self, name, raw):
        line = raw.decode("utf-8", "replace").rstrip("\n")
        fits = [other for other in logformats.FORMAT_NAMES
                if other != self.format_name and logformats.compile_format(other)(line) is not None]
        shown = logformats.NAMED_FORMATS.get(self.format_name, self.format_name)
        message = (f"{name}: most of the first lines do not fit the format; nothing of this file "
                   f"was counted.\n  format {self.format_name}: {shown}\n  a line: {line[:300]}")
        if fits:
            message += f"\n  it reads as --format {fits[0]}"
        return message


def _inside(ts, spans):
    for first_ts, last_ts in spans:
        if first_ts <= ts <= last_ts:
            return True
    return False

"""The two GET answers that are images: the <noscript> pixel and the counter badge.

Neither needs the read key. The pixel counts a hit, so it is what a POST is (anyone may send
one); the badge shows all-time pageviews only where the owner turned badges on (a public counter
is its whole point). Imported only by those requests.
"""

from . import counting
from .responses import HTTPError, Raw
from .storage import database, days, totals

# A transparent 1x1 GIF (GIF89a, one transparent colour): the smallest image every browser shows.
PIXEL_GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
             b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

# Embedded by pages of other sites, so Cross-Origin-Resource-Policy lets them; never cached, so
# every view asks again (a cached pixel counts nothing).
PIXEL_HEADERS = (
    ("Content-Type", "image/gif"),
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Resource-Policy", "cross-origin"),
    ("Content-Length", str(len(PIXEL_GIF))),
)

# The badge: cacheable for five minutes (a counter need not be fresher, and a popular page must
# not cost a query per view). Its inline <style> is the only thing its CSP allows.
BADGE_MAX_AGE = 300
BADGE_HEADERS = (
    ("Content-Type", "image/svg+xml; charset=utf-8"),
    ("Cache-Control", f"public, max-age={BADGE_MAX_AGE}"),
    ("X-Content-Type-Options", "nosniff"),
    ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Resource-Policy", "cross-origin"),
)

def answer(app, request):
    """The answer to ?pixel=1 or ?badge=1."""
    if request.query.get("pixel"):
        return pixel(app, request)
    return badge(app, request.query)


# ---------------------------------------------------------------------------------------------
# The pixel
# ---------------------------------------------------------------------------------------------

def pixel(app, request):
    """Count a hit as a POST would (page, ref, site from the query) and answer the GIF.

    Always 200, so the page never shows a broken image; a hit not counted says why in the
    X-Footfall header, as a POST does. ref comes only from the query: the Referer header of an
    image request names the page showing the pixel, not where the visitor came from.
    """
    params = request.query
    fields = {name: params[name] for name in ("page", "ref", "site") if name in params}
    try:
        days.close_ended_days(app.connection(), app.day_of(app.clock()))  # as every request does first
        if request.method == "HEAD":
            reason = "HEAD is never counted"
        else:
            _status, answer, _headers = app.count(request.with_fields(fields))
            reason = answer.get("reason")
    except HTTPError as exc:
        reason = exc.message
    except database.DatabaseBusy:
        reason = "database busy"
    except Exception:  # the visitor's page must still get its image; the log gets the why
        import traceback

        request.log("footfall: pixel failed\n" + traceback.format_exc())
        reason = "internal error"
    headers = list(PIXEL_HEADERS)
    if reason is not None:
        headers.append(("X-Footfall", f"not counted: {reason}"))
    return Raw(200, headers, [PIXEL_GIF])


# ---------------------------------------------------------------------------------------------
# The badge
# ---------------------------------------------------------------------------------------------

def badge(app, params):
    """An SVG reading 'views | 12,345': all-time pageviews of a page, or of a whole site."""
    config = app.config
    if not config.badges:
        raise HTTPError(404, "badges are off (setting badges)")
    try:
        page = None
        if params.get("page", "").strip():
            page = counting.normalize_page(params["page"], config.max_page_length)
        site = counting.normalize_site(params["site"]) if params.get("site", "").strip() else None
    except counting.InvalidInput as exc:
        raise HTTPError(400, str(exc)) from None
    if page is None and site is None:
        raise HTTPError(400, "a badge needs page or site")
    conn = app.connection()
    views = totals.all_time_pageviews(conn, site, page)
    if page is not None:
        what = page if site is None else site + page
    else:
        what = site
    noun = "view" if views == 1 else "views"
    body = render_badge("views", f"{views:,}", f"{what}: {views:,} {noun}").encode("utf-8")
    return Raw(200, list(BADGE_HEADERS) + [("Content-Length", str(len(body)))], [body])


# Widths from the text length: Verdana-like 11px digits and letters are about 7px wide.
_CHAR_WIDTH = 7
_PADDING = 6

BADGE_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" viewBox="0 0 {width} 20" \
role="img" aria-label="{title}">
<title>{title}</title>
<style>
.l{{fill:#4a4a4a}}.v{{fill:#0b6e4f}}text{{fill:#fff;font:11px Verdana,"DejaVu Sans",sans-serif}}
@media (prefers-color-scheme:dark){{.l{{fill:#d6d6d6}}.v{{fill:#7ee2b8}}text{{fill:#111}}}}
</style>
<rect class="l" width="{label_width}" height="20" rx="3"/>
<rect class="v" x="{label_width}" width="{value_width}" height="20" rx="3"/>
<rect class="v" x="{label_width}" width="4" height="20"/>
<text x="{label_x}" y="14" text-anchor="middle">{label}</text>
<text x="{value_x}" y="14" text-anchor="middle">{value}</text>
</svg>
"""


def render_badge(label, value, title):
    """The SVG of a badge. Every piece of text is escaped: title can hold a stored page name."""
    label_width = len(label) * _CHAR_WIDTH + 2 * _PADDING
    value_width = len(value) * _CHAR_WIDTH + 2 * _PADDING
    return BADGE_SVG.format(
        width=label_width + value_width, label_width=label_width, value_width=value_width,
        label_x=label_width / 2, value_x=label_width + value_width / 2,
        label=escape(label), value=escape(value), title=escape(title))


def escape(text):
    """Text for XML content and attribute values: no markup can come through.

    U+FFFE and U+FFFF are valid UTF-8 but not XML: dropped, or the image would not parse.
    """
    text = text.replace("\ufffe", "").replace("\uffff", "")
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#39;"))

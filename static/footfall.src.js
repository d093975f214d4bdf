/* footfall.js: counts page views, their visible seconds and events; console.debug says why a
   view is not counted. This is the readable source: scripts/build_tracker.py ships it as
   static/footfall.js without comments and layout, its local names shortened (its NAMES).
   Written for that: every statement ends in ";", no template literals.
   Every byte is paid by every page view: the shipped file must stay within 735 bytes gzipped
   (tests/test_tracker.py), which is why some things are left to the server (the site is the
   host of the beacon's Origin) and to the browser (sendBeacon, nothing else). */
(function (d, l, n, on) {
  "use strict";
  // The script tag's data-endpoint (where the API is) and data-outbound (count outbound links
  // and downloads). A classic <script> tag: a module has no currentScript.
  var data = d.currentScript.dataset,
    endpoint = data.endpoint || "/cgi-bin/stats.py",
    referrer = d.referrer,
    // the path counted last and its fields, its visible ms, visible since, seconds sent
    page, view, ms, since, sent,

    // POST a form with sendBeacon: no CORS preflight, and it never delays leaving the page.
    // A browser whose owner turned beacons off is not counted (and sees no error).
    post = (form) => n.sendBeacon?.(endpoint, new URLSearchParams(form)),

    // Sum the visible time; send the seconds not sent yet
    tick = (now) => {
      now = Date.now();
      ms += since && now - since;
      since = !d.hidden && now;
      now = ms / 1e3 + .5 | 0;
      now > sent && post({ seconds: now - sent, page: page }, sent = now);
    },

    // Count this page, or say why not
    send = (form) => {
      form = n.webdriver ? "webdriver" : l.pathname === page && "same page";
      try {
        form = form || localStorage.footfall_ignore && "footfall_ignore";
      } catch (e) {}
      if (form) return console.debug("footfall: not counted: " + form);
      tick();
      post(view = { page: page = l.pathname, ref: referrer, w: screen.width, tz: Intl.DateTimeFormat().resolvedOptions().timeZone, q: l.search.slice(1) }, ms = sent = 0);
      referrer = l.href;
    },

    // footfall("signup"): an event, with the fields of the view it happened on; none where
    // that view was not counted. The server takes 64 characters at most.
    event = (name) => view && post({ ...view, event: name.slice(0, 64) }),
    push = history.pushState;

  // Single-page apps navigate by pushState
  history.pushState = (...args) => {
    push.apply(history, args);
    send();
  };
  on("popstate", send);
  // Hidden: another tab, or the page is left (then this is the last event that surely comes)
  on("visibilitychange", tick);
  // A click on an element with data-footfall-event sends its event; with data-outbound, one
  // on a link to another host sends "outbound: <host>", on a file here "download: <name>"
  on("click", (e, name) => {
    e = e.target.closest("[data-footfall-event],a[href]");
    if (name = e && e.dataset.footfallEvent) event(name);
    else if ("outbound" in data && e && e.host) {
      name = e.pathname.split("/").pop();
      e.host !== l.host ? event("outbound: " + e.hostname) : /\.(pdf|zip|dmg|exe|csv)$/.test(name) && event("download: " + name);
    }
  }, true);
  // A prerendered page is counted when it is shown, if it ever is
  d.prerendering ? on("prerenderingchange", send, true) : send();
  self.footfall = event;
})(document, location, navigator, addEventListener);

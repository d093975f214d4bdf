/* footfall.js: counts page views and their visible seconds; console.debug says why not */
(function (d, l, n, on) {
  "use strict";
  var s = d.currentScript;
  var url = s && s.dataset.endpoint || "/cgi-bin/stats.py";
  var ref = d.referrer;
  var page, ms, at, sent; // the view timed, its visible ms, since, seconds sent

  // Why not count this view
  function skip() {
    if (n.webdriver) return "webdriver";
    if (d.prerendering) return "prerendering";
    if (l.pathname === page) return "same page";
    try {
      if (localStorage.footfall_ignore) return "footfall_ignore";
    } catch (e) {}
  }

  // POST a form: no CORS preflight
  function post(f) {
    f = new URLSearchParams(f);
    n.sendBeacon && n.sendBeacon(url, f) ||
      fetch(url, { method: "POST", body: f, keepalive: true, mode: "no-cors" }).catch(function () {});
  }

  // Sum the visible time; send the seconds not sent yet
  function tick(t) {
    t = Date.now();
    ms += at && t - at;
    at = !d.hidden && t;
    t = Math.round(ms / 1e3);
    if (t > sent) post({ seconds: t - sent, page: page }, sent = t);
  }

  // Count this page, or say why not
  function send(f) {
    try {
      if (f = skip()) return console.debug("footfall: not counted: " + f);
      tick();
      f = { page: page = l.pathname, ref: ref, site: l.hostname, w: screen.width };
      try {
        f.tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
      } catch (e) {}
      if (l.search[1]) f.q = l.search.slice(1);
      post(f, ms = sent = 0);
      ref = l.href;
    } catch (e) {}
  }

  // Single-page apps navigate by pushState
  function pushState() {
    push.apply(history, arguments);
    send();
  }

  try {
    var push = history.pushState;
    history.pushState = pushState;
    on("popstate", send);
    on("pagehide", tick);
    on("visibilitychange", tick);
    if (d.prerendering) d.addEventListener("prerenderingchange", send);
    send();
  } catch (e) {}
})(document, location, navigator, addEventListener);

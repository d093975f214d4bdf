/* footfall.js: counts page views; console.debug says why it skips one */
(function (d, l) {
  "use strict";
  var s = d.currentScript;
  var endpoint = s && s.dataset.endpoint || "/cgi-bin/stats.py";
  var ref = d.referrer;
  var last;

  // Why not to count this view, if so
  function skip() {
    if (navigator.webdriver) return "webdriver";
    if (d.prerendering) return "prerendering";
    if (l.pathname === last) return "same page";
    try {
      if (localStorage.footfall_ignore) return "footfall_ignore";
    } catch (e) {}
  }

  // Count this page, or say why not
  function send() {
    try {
      var why = skip();
      if (why) return console.debug("footfall: not counted: " + why);
      last = l.pathname;
      var body = new URLSearchParams({ page: last, ref: ref, site: l.hostname });
      ref = l.href;
      // a form body needs no CORS preflight
      navigator.sendBeacon && navigator.sendBeacon(endpoint, body) ||
        fetch(endpoint, { method: "POST", body: body, keepalive: true, mode: "no-cors" })
          .catch(function () {});
    } catch (e) {}
  }

  // Single-page apps navigate by pushState
  function pushState() {
    var r = push.apply(this, arguments);
    send();
    return r;
  }

  try {
    var push = history.pushState;
    history.pushState = pushState;
    addEventListener("popstate", send);
    if (d.prerendering) d.addEventListener("prerenderingchange", send);
    send();
  } catch (e) {}
})(document, location);

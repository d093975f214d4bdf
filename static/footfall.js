/* footfall.js: counts page loads and history navigations */
(function (d, l) {
  var s = d.currentScript;
  var endpoint = s && s.getAttribute("data-endpoint") || "/cgi-bin/stats.py";
  var ref = d.referrer;
  var last;

  function send() {
    try {
      if (navigator.webdriver || d.prerendering || l.pathname == last) return;
      try {
        if (localStorage.footfall_ignore) return;
      } catch (e) {}
      last = l.pathname;
      var body = new URLSearchParams({ page: last, ref: ref, site: l.hostname });
      ref = l.href;
      // a form body needs no CORS preflight
      navigator.sendBeacon && navigator.sendBeacon(endpoint, body) ||
        fetch(endpoint, { method: "POST", body: body, keepalive: true, mode: "no-cors" })
          .catch(function () {});
    } catch (e) {}
  }

  try {
    var push = history.pushState;
    history.pushState = function () {
      var r = push.apply(this, arguments);
      send();
      return r;
    };
    addEventListener("popstate", send);
    d.prerendering ? d.addEventListener("prerenderingchange", send) : send();
  } catch (e) {}
})(document, location);

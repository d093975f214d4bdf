/* footfall dashboard: the stats API's client (where it is, the GET of a view, its answer or an
 * error fit to show) and the read key it sends, kept in this browser's localStorage. */

import { byId, show, showError } from "./dom.js";

export const DEFAULT_API = "/cgi-bin/stats.py";

// {url, problem}: ?api= (asked; same origin only, so a link cannot send the read key
// elsewhere), else data-api (fromPage), else DEFAULT_API; url null when it is no URL.
export function apiAddress(asked, fromPage, here) {
  const page = fromPage || DEFAULT_API;
  let url;
  try {
    url = asked && new URL(asked, here);
  } catch (e) {
    return { url: null,
      problem: "The API address in this page's link (?api=" + asked + ") is not a URL." };
  }
  if (url && url.origin === new URL(here).origin) return { url: url, problem: "" };
  try {
    return { url: new URL(page, here), problem: "" };
  } catch (e) {
    return { url: null,
      problem: "The API address in view_stats.html (data-api=\"" + page + "\") is not a URL." };
  }
}

// from and to: "2026-11-28", or empty for the API's default.
export function statsUrl(api, state, from, to) {
  const url = new URL(api.href);
  if (from) url.searchParams.set("from", from);
  if (to) url.searchParams.set("to", to);
  if (state.site) url.searchParams.set("site", state.site);
  state.filters.forEach((filter) => url.searchParams.set(filter.key, filter.value));
  return url;
}

export function failure(status, message) {
  const error = new Error(message);
  error.status = status;
  return error;
}

// start.js's GET of the first view, sent before the modules had loaded: the first ask takes it
// if it is to the same address with the same key, and drops it either way (a later view would
// get an old answer).
function sentByStart(url, key) {
  const sent = window.footfallDashboard && window.footfallDashboard.firstGet;
  if (!sent) return null;
  window.footfallDashboard.firstGet = null;
  return sent.url === url.href && sent.key === key ? sent.response : null;
}

function ask(url, key) {
  const sent = sentByStart(url, key);
  if (sent) return sent;
  const headers = { Accept: "application/json" };
  if (key) headers["X-Footfall-Key"] = key;
  return fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" });
}

// Rejects with an Error fit to show, its .status the HTTP status (0: not reached).
export function getJSON(url, key) {
  return ask(url, key).then(
    (response) => response.text().then((body) => answerOf(url, response, body)),
    () => {
      throw failure(0, "The stats API at " + url.href + " could not be reached. " +
        "Is the server running, and is footfall installed in its cgi-bin?" + corsHint(url));
    }
  );
}

function answerOf(url, response, body) {
  let json = null;
  try {
    json = JSON.parse(body);
  } catch (e) {
    /* not JSON: reported below */
  }
  if (response.ok && json && Array.isArray(json.visitors)) return json;
  const why = json && typeof json.error === "string" ? json.error
    : response.ok ? "the answer was not the expected JSON"
    : "HTTP " + response.status + " " + response.statusText;
  throw failure(response.status, "The stats API at " + url.pathname + " answered " +
    response.status + ": " + why);
}

// A browser hides why a request to another origin failed; dashboard_origins is the usual one.
function corsHint(url) {
  return url.origin === location.origin ? "" : " It is on another site: its " +
    "dashboard_origins setting must list " + location.origin + ".";
}

// {blob, name} of url's CSV; fallback: the name when the answer gives none. A link could not
// carry the X-Footfall-Key header, and a key in a URL would end up in the server's logs and the
// browser's history: so the CSV is fetched with the header, and saved through a Blob URL.
export function getCSV(url, key, fallback) {
  const csv = new URL(url.href);
  csv.searchParams.set("format", "csv");
  const headers = {};
  if (key) headers["X-Footfall-Key"] = key;
  return fetch(csv, { headers: headers, cache: "no-store", credentials: "same-origin" })
    .then((response) => {
      if (!response.ok) throw new Error("the API answered " + response.status);
      const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      return response.blob().then((blob) => ({ blob: blob, name: match ? match[1] : fallback }));
    });
}

/* ---- the read key ---- */

const KEY_STORE = "footfall_read_key";

export function storedKey() {
  try {
    return localStorage.getItem(KEY_STORE) || "";
  } catch (e) {
    return ""; // storage disabled: ask every time
  }
}

// setup_db.py prints a dashboard link ending in #key=...: a fragment never leaves the browser,
// so the key is stored here once and wiped from the address bar and the history.
export function keyFromLink() {
  const match = /^#key=([^&]+)/.exec(location.hash);
  if (!match) return;
  try {
    localStorage.setItem(KEY_STORE, decodeURIComponent(match[1]));
  } catch (e) {
    // storage disabled: the key form asks instead
  }
  history.replaceState(null, "", location.pathname + location.search);
}

const WHY = {
  typed: "That key was refused. Check it and try again: it is the one setup_db.py printed " +
    "(or FOOTFALL_READ_KEY).",
  stored: "The read key stored in this browser was refused. Enter the current one.",
  none: "The stats on this site are private. Enter the read key that setup_db.py printed " +
    "(or FOOTFALL_READ_KEY); it is kept in this browser only."
};

// why: "typed" (the key just entered was refused), "stored" (the one kept here), "none".
export function askForKey(why) {
  byId("keyform-why").textContent = WHY[why];
  show("keyform-box");
  byId("key").focus();
}

// typed(): a key was just stored; changed(): it was forgotten.
export function keyControls(typed, changed) {
  byId("keyform").addEventListener("submit", (event) => {
    event.preventDefault();
    try {
      localStorage.setItem(KEY_STORE, byId("key").value);
    } catch (e) {
      showError("This browser does not allow storing the key (local storage is off).");
      return;
    }
    byId("key").value = "";
    byId("forget-key").hidden = false;
    typed();
  });
  byId("forget-key").hidden = !storedKey();
  byId("forget-key").addEventListener("click", function () {
    try {
      localStorage.removeItem(KEY_STORE);
    } catch (e) {
      /* nothing stored */
    }
    this.hidden = true;
    changed();
  });
}

/* footfall dashboard: small helpers over view_stats.html's elements. Text goes in through
 * textContent, never as HTML. */

export function byId(id) {
  return document.getElementById(id);
}

// A new element holding text.
export function cell(tag, text, className) {
  const el = document.createElement(tag);
  el.textContent = text;
  if (className) el.className = className;
  return el;
}

// Show one of the page's states: "status" (loading), "keyform-box", "error-box", "empty-box" or
// "report". The report stays up (dimmed) while the next range loads, so the page never goes
// blank.
export function show(which) {
  ["status", "keyform-box", "error-box", "empty-box", "report"].forEach((id) => {
    if (which === "status" && id === "report") return;
    byId(id).hidden = id !== which;
  });
  if (which !== "status") byId("status").hidden = true;
}

export function showError(message) {
  byId("error-text").textContent = message;
  show("error-box");
}

// Canvas colours come from the style sheet's variables (light or dark).
export function cssVar(name) {
  return getComputedStyle(document.body).getPropertyValue(name).trim();
}

// The page is parsed: start.js is async, so the modules may run before the body is read.
export function whenParsed() {
  return new Promise((resolve) => {
    if (document.readyState !== "loading") resolve();
    else document.addEventListener("readystatechange", resolve, { once: true });
  });
}

// jQuery and flot have run (deferred scripts run before DOMContentLoaded, after the style
// sheet, which the chart's colours read). Once the page has loaded, a flot that failed to load
// fails the drawing, not the wait.
export function whenScriptsRun() {
  return new Promise((resolve) => {
    if ((window.jQuery && window.jQuery.plot) || document.readyState === "complete") {
      resolve();
    } else {
      document.addEventListener("DOMContentLoaded", resolve, { once: true });
      window.addEventListener("load", resolve, { once: true });
    }
  });
}

// The next frame painted (the chart in it), then a task of its own: what fills after it does
// not delay that frame. A hidden tab paints no frame, and has no need to wait for one.
export function afterPaint() {
  return new Promise((resolve) => {
    if (document.visibilityState === "hidden") resolve();
    else requestAnimationFrame(() => setTimeout(resolve, 0));
  });
}

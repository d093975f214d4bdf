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

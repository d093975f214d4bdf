/* footfall dashboard: the list sections, built from dimensions.js and filled from an answer,
 * and the Broken links table. */

import { LISTS } from "./dimensions.js";
import { byId, cell } from "./dom.js";
import { number, shown } from "./format.js";
import { filterLink } from "./state.js";

// <section class="panel" id="refs-box" hidden aria-labelledby="refs-title"> with an h2, a
// table.top (tbody#refs-body) and p.none for each, before the Broken links.
export function buildSections() {
  const broken = byId("broken-box");
  LISTS.forEach((list) => broken.parentNode.insertBefore(section(list), broken));
}

function section(list) {
  const box = document.createElement("section");
  box.className = "panel";
  box.id = list.box + "-box";
  box.hidden = true;
  box.setAttribute("aria-labelledby", list.box + "-title");
  const title = cell("h2", list.title);
  title.id = list.box + "-title";
  const table = document.createElement("table");
  table.className = "top";
  table.appendChild(heads(list));
  const body = document.createElement("tbody");
  body.id = list.box + "-body";
  table.appendChild(body);
  const hidden = list.columns.filter((column) => column.more);
  box.appendChild(hidden.length ? withToggle(list, title, table, hidden) : title);
  box.appendChild(table);
  const none = cell("p", list.none, "none");
  none.hidden = true;
  box.appendChild(none);
  if (list.note) {
    const note = cell("p", "", "hint below");
    note.id = list.box + "-note";
    note.hidden = true;
    box.appendChild(note);
  }
  return box;
}

function heads(list) {
  const head = document.createElement("thead");
  const row = document.createElement("tr");
  [{ head: list.name }].concat(list.columns).forEach((column) => {
    const th = cell("th", column.head, column.more ? "more" : "");
    th.scope = "col";
    row.appendChild(th);
  });
  head.appendChild(row);
  return head;
}

// On a phone the columns marked more come on demand: six squeezed a path into a word per line.
function withToggle(list, title, table, hidden) {
  const names = hidden.map((column) => column.head.toLowerCase());
  const what = names.slice(0, -1).join(", ") + " and " + names[names.length - 1];
  const head = document.createElement("div");
  head.className = "box-head";
  head.appendChild(title);
  table.id = list.box + "-table";
  const toggle = cell("button", "Show " + what, "linkish");
  toggle.type = "button";
  toggle.id = list.box + "-more";
  toggle.setAttribute("aria-expanded", "false");
  toggle.setAttribute("aria-controls", table.id);
  toggle.addEventListener("click", () => {
    const open = byId(list.box + "-box").classList.toggle("all-columns");
    toggle.setAttribute("aria-expanded", String(open));
    toggle.textContent = (open ? "Hide " : "Show ") + what;
  });
  head.appendChild(toggle);
  return head;
}

// A row per entry, its name a link that filters by it, under a bar as long as its share of the
// top entry's visitors (decoration: the number is text).
export function fillList(state, list, rows) {
  const box = byId(list.box + "-box");
  box.hidden = !Array.isArray(rows);
  if (box.hidden) return;
  const body = byId(list.box + "-body");
  body.textContent = "";
  const most = rows.reduce((top, row) => Math.max(top, row.visitors || 0), 0);
  rows.forEach((row) => {
    const tr = document.createElement("tr");
    tr.appendChild(nameCell(state, list, row, most, tr));
    list.columns.forEach((column) => {
      tr.appendChild(cell("td", column.cell(row), column.more ? "num more" : "num"));
    });
    body.appendChild(tr);
  });
  box.querySelector("table").hidden = !rows.length;
  box.querySelector(".none").hidden = rows.length > 0;
}

function nameCell(state, list, row, most, tr) {
  const value = row[list.key];
  const head = document.createElement("th");
  head.scope = "row";
  head.className = "name";
  const bar = document.createElement("span");
  bar.className = "bar";
  bar.setAttribute("aria-hidden", "true");
  bar.style.width = (most ? Math.round(((row.visitors || 0) / most) * 1000) / 10 : 0) + "%";
  head.appendChild(bar);
  const name = shown(list.key, row);
  if (value === "" || value === null || value === undefined) {
    head.appendChild(cell("span", name, "label"));
    return head;
  }
  const link = cell("a", name, "label");
  link.href = filterLink(state, list.key, value);
  link.setAttribute("data-filter", list.key);
  link.setAttribute("data-value", String(value));
  if (state.filters.some((f) => f.key === list.key && f.value === String(value))) {
    link.setAttribute("aria-current", "true");
    tr.className = "current";
  }
  head.appendChild(link);
  return head;
}

// Only an imported access log knows a status, so the table shows only when it has rows.
export function fillBroken(rows) {
  const box = byId("broken-box");
  box.hidden = !Array.isArray(rows) || !rows.length;
  if (box.hidden) return;
  const body = byId("broken-body");
  body.textContent = "";
  rows.forEach((row) => {
    const tr = document.createElement("tr");
    const head = cell("th", String(row.page), "name");
    head.scope = "row";
    tr.appendChild(head);
    tr.appendChild(cell("td", row.ref ? String(row.ref) : "(none)", "name"));
    tr.appendChild(cell("td", number.format(row.count), "num"));
    body.appendChild(tr);
  });
}

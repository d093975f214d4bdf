// The dashboard's table of lists (static/dashboard/dimensions.js) against the page and the API.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { FILTER_KEYS, LISTS } from "../../static/dashboard/dimensions.js";

const page = readFileSync(new URL("../../static/view_stats.html", import.meta.url), "utf8");

test("the lists are the API's, in the page's order", () => {
  assert.deepEqual(LISTS.map((list) => list.list), ["pages", "events", "referrers", "campaigns",
    "countries", "browsers", "systems", "devices", "languages"]);
});

test("the filter parameters are the API's", () => {
  assert.deepEqual(FILTER_KEYS, ["page", "event", "ref", "campaign", "country", "browser", "os",
    "device", "language"]);
});

test("every list has its own box, filter and label", () => {
  for (const field of ["box", "list", "key", "label", "title"]) {
    assert.equal(new Set(LISTS.map((list) => list[field])).size, LISTS.length, field);
  }
});

test("every list has a heading for its name and for each column", () => {
  for (const list of LISTS) {
    assert.ok(list.name && list.title && list.none, list.box);
    for (const column of list.columns) assert.ok(column.head && column.cell, list.box);
  }
});

test("no list's box is also written into the page", () => {
  for (const list of LISTS) assert.ok(!page.includes(`id="${list.box}-box"`), list.box);
});

test("every list's cells read a row's numbers", () => {
  const row = { visitors: 1234, pageviews: 5, entries: 4, bounces: 1, seconds: 65, count: 7,
    conversion: 0.041 };
  const cells = Object.fromEntries(LISTS.map((list) =>
    [list.box, list.columns.slice(1).map((column) => column.cell(row))]));
  assert.deepEqual(cells.pages, ["5", "4", "25%", "1 min 5 s"]);
  assert.deepEqual(cells.events, ["7", "4.1%"]);
  assert.deepEqual(cells.refs, ["5"]);
});

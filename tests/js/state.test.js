// The dashboard's view state (static/dashboard/state.js): read from the address, written back.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  filterLink, firstDay, rangeLink, readState, siteLink
} from "../../static/dashboard/state.js";

test("an address without a range shows 30 days, unfiltered, all sites", () => {
  assert.deepEqual({ ...readState("") }, {
    search: "", range: "30d", rangeGiven: false, site: "", filter: null, api: ""
  });
});

test("an unknown range falls back to 30 days but counts as given", () => {
  const state = readState("?range=1y");
  assert.equal(state.range, "30d");
  assert.equal(state.rangeGiven, true);
});

test("the filter, the site and the api are read from the address", () => {
  const state = readState("?range=7d&browser=Firefox&site=example.com&api=/x/stats.py");
  assert.equal(state.range, "7d");
  assert.deepEqual(state.filter, { key: "browser", value: "Firefox", label: "Browser" });
  assert.equal(state.site, "example.com");
  assert.equal(state.api, "/x/stats.py");
});

test("of several filters the first in the lists' order is used", () => {
  assert.deepEqual(readState("?os=Linux&page=/about").filter,
    { key: "page", value: "/about", label: "Page" });
});

test("an empty filter value is no filter", () => {
  assert.equal(readState("?browser=").filter, null);
});

test("a filter link replaces every filter and names the range", () => {
  const state = readState("?site=a.org&os=Linux&page=/x");
  assert.equal(filterLink(state, "browser", "Firefox"), "?site=a.org&browser=Firefox&range=30d");
});

test("a filter link without a filter removes them all", () => {
  assert.equal(filterLink(readState("?range=7d&event=signup"), null), "?range=7d");
});

test("a range link keeps the filter and the site", () => {
  assert.equal(rangeLink(readState("?browser=Firefox&site=a.org"), "today"),
    "?browser=Firefox&site=a.org&range=today");
});

test("a site link sets the site, or removes it for all sites", () => {
  const state = readState("?range=7d&site=a.org");
  assert.equal(siteLink(state, "b.org"), "?range=7d&site=b.org");
  assert.equal(siteLink(state, ""), "?range=7d");
});

test("a range's first day counts back from today", () => {
  const today = Date.UTC(2026, 10, 28);
  assert.equal(firstDay("today", today), today);
  assert.equal(firstDay("7d", today), Date.UTC(2026, 10, 22));
  assert.equal(firstDay("30d", today), Date.UTC(2026, 9, 30));
  assert.equal(firstDay("12m", today), Date.UTC(2025, 10, 29));
  assert.equal(firstDay("all", today), null);
});

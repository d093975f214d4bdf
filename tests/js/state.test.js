// The dashboard's view state (static/dashboard/state.js): read from the address, written back.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  filterLink, firstDay, rangeLink, readState, siteLink
} from "../../static/dashboard/state.js";
import { statsUrl } from "../../static/dashboard/api.js";

test("an address without a range shows 30 days, unfiltered, all sites", () => {
  assert.deepEqual({ ...readState("") }, {
    search: "", range: "30d", rangeGiven: false, site: "", filters: [], api: ""
  });
});

test("an unknown range falls back to 30 days but counts as given", () => {
  const state = readState("?range=1y");
  assert.equal(state.range, "30d");
  assert.equal(state.rangeGiven, true);
});

test("the filters, the site and the api are read from the address", () => {
  const state = readState("?range=7d&browser=Firefox&site=example.com&api=/x/stats.py");
  assert.equal(state.range, "7d");
  assert.deepEqual(state.filters, [{ key: "browser", value: "Firefox", label: "Browser" }]);
  assert.equal(state.site, "example.com");
  assert.equal(state.api, "/x/stats.py");
});

test("several filters are all read, in the address's order", () => {
  assert.deepEqual(readState("?os=Linux&range=7d&page=/about").filters, [
    { key: "os", value: "Linux", label: "System" },
    { key: "page", value: "/about", label: "Page" }
  ]);
});

test("a dimension given twice filters by its first value", () => {
  assert.deepEqual(readState("?browser=Firefox&browser=Chrome").filters,
    [{ key: "browser", value: "Firefox", label: "Browser" }]);
});

test("an empty filter value is no filter", () => {
  assert.deepEqual(readState("?browser=").filters, []);
});

test("a filter link of another dimension adds a filter after the others", () => {
  const state = readState("?range=7d&country=DE");
  assert.equal(filterLink(state, "page", "/pricing"), "?range=7d&country=DE&page=%2Fpricing");
});

test("a filter link of a dimension already filtered replaces its value in place", () => {
  const state = readState("?range=7d&browser=Chrome&device=phone");
  assert.equal(filterLink(state, "browser", "Firefox"), "?range=7d&browser=Firefox&device=phone");
});

test("a filter link without a value removes that dimension's filter alone", () => {
  const state = readState("?range=7d&event=signup&country=DE");
  assert.equal(filterLink(state, "event", null), "?range=7d&country=DE");
});

test("a filter link names the range and keeps the site", () => {
  assert.equal(filterLink(readState("?site=a.org"), "os", "Linux"),
    "?site=a.org&os=Linux&range=30d");
});

test("two filters added by links read back as the same two filters", () => {
  const first = readState(filterLink(readState("?range=90d"), "country", "DE"));
  const both = readState(filterLink(first, "page", "/pricing"));
  assert.equal(both.range, "90d");
  assert.deepEqual(both.filters, [
    { key: "country", value: "DE", label: "Country" },
    { key: "page", value: "/pricing", label: "Page" }
  ]);
  assert.deepEqual(readState(filterLink(both, "country", null)).filters,
    [{ key: "page", value: "/pricing", label: "Page" }]);
});

test("the API's address carries every filter and the site", () => {
  const url = statsUrl(new URL("https://a.org/cgi-bin/stats.py"),
    readState("?country=DE&site=a.org&page=/pricing"), "2026-11-01", "2026-11-28");
  assert.equal(url.search,
    "?from=2026-11-01&to=2026-11-28&site=a.org&country=DE&page=%2Fpricing");
});

test("a range link keeps the filters and the site", () => {
  assert.equal(rangeLink(readState("?browser=Firefox&site=a.org&os=Linux"), "today"),
    "?browser=Firefox&site=a.org&os=Linux&range=today");
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

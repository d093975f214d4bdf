// The dashboard's pure formatters and its hourly rule (static/dashboard/format.js), in Node:
//   node --test tests/js/
// Values that depend on the locale (grouped numbers, dates) are left to the browser tests.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  beforeAfter, change, chartSeries, conversion, duration, hourName, iso, languagesNote,
  listedNote, parseDay, percent, recordsNote, serverClock, shown, timeNote, uniqueNote, zoneNote
} from "../../static/dashboard/format.js";

test("a day reads as its ISO date and back", () => {
  assert.equal(iso(Date.UTC(2026, 10, 28)), "2026-11-28");
  assert.equal(parseDay("2026-11-28"), Date.UTC(2026, 10, 28));
});

test("an hour reads as its span, midnight after 23:00", () => {
  assert.equal(hourName(Date.UTC(2026, 10, 28, 14)), "14:00\u201315:00");
  assert.equal(hourName(Date.UTC(2026, 10, 28, 23)), "23:00\u201300:00");
});

test("a share is a whole percent, a dash with nothing to divide", () => {
  assert.equal(percent(38, 100), "38%");
  assert.equal(percent(1, 3), "33%");
  assert.equal(percent(0, 0), "\u2013");
  assert.equal(percent(undefined, 5), "\u2013");
});

test("a conversion has one decimal", () => {
  assert.equal(conversion(0.041), "4.1%");
  assert.equal(conversion(1), "100.0%");
  assert.equal(conversion(null), "\u2013");
});

test("a duration reads in seconds, then minutes and seconds", () => {
  assert.equal(duration(44.6), "45 s");
  assert.equal(duration(125), "2 min 5 s");
  assert.equal(duration(null), "\u2013");
});

test("a change says up, down, the same, or that the days before had none", () => {
  assert.deepEqual(change(150, 100, "7 days"), ["up", "+50% vs previous 7 days"]);
  assert.deepEqual(change(50, 100, "7 days"), ["down", "\u221250% vs previous 7 days"]);
  assert.deepEqual(change(100, 100, "7 days"), ["same", "no change vs previous 7 days"]);
  assert.deepEqual(change(1001, 1000, "7 days"), ["same", "about the same vs previous 7 days"]);
  assert.deepEqual(change(5, 0, "90 days"), [null, "no data for the previous 90 days"]);
  assert.deepEqual(change(0, 0, "90 days"), [null, "none in the previous 90 days either"]);
});

test("the time note says how many visits were timed when not all were", () => {
  assert.equal(timeNote({ seconds: 86, timed: 3, visitors: 641 }), "3 of 641 visits timed");
  assert.equal(timeNote({ seconds: 86, timed: 641, visitors: 641 }), "visible, on average");
  assert.equal(timeNote({ seconds: null, visitors: 641 }), "no visit was timed");
});

test("the languages note counts the visits that told none", () => {
  assert.equal(languagesNote({ without_language: 639, visitors: 641 }),
    "639 of 641 visits told no language: an access log does not record it.");
  assert.equal(languagesNote({ without_language: 0, visitors: 641 }), "");
});

test("the languages note counts among the visits the lists hold", () => {
  assert.equal(languagesNote({ without_language: 3, visitors: 145, listed: 38 }),
    "3 of 38 visits told no language: an access log does not record it.");
});

test("the listed note says how many visits the lists leave out, only when some are", () => {
  assert.equal(listedNote({ visitors: 145, listed: 38 }),
    "The lists count 38 of 145 visits: the others had traits too rare on their day to " +
    "keep (privacy).");
  assert.equal(listedNote({ visitors: 145 }), "");
  assert.equal(listedNote({ visitors: 145, listed: null }), "");
  assert.equal(listedNote({ visitors: 145, listed: 145 }), "");
});

test("the zone is named only when it is not the browser's", () => {
  assert.equal(zoneNote("Europe/Berlin", "America/New_York"), " (days in Europe/Berlin)");
  assert.equal(zoneNote("Europe/Berlin", "Europe/Berlin"), "");
  assert.equal(zoneNote("Etc/UTC", "UTC"), "");
});

test("a note's before and after read as daily means with their change", () => {
  assert.equal(beforeAfter({ before: 41, after: 67 }), "before 41/day \u2192 after 67/day (+63%)");
  assert.equal(beforeAfter({ before: 40, after: 40 }), "before 40/day \u2192 after 40/day (\u00B10%)");
  assert.equal(beforeAfter({ before: null, after: 12.4 }), "after 12/day (no data before)");
  assert.equal(beforeAfter({ before: null, after: null }), "no visitors data around this day");
});

test("a list's value reads in words, unknown ones as Unknown", () => {
  assert.equal(shown("country", { country: "DE", name: "Germany" }), "Germany (DE)");
  assert.equal(shown("device", { device: "phone" }), "Phone");
  assert.equal(shown("browser", { browser: "" }), "Unknown");
  assert.equal(shown("page", { page: "/about" }), "/about");
});

test("the server's clock is read in its zone", () => {
  const now = new Date(Date.UTC(2026, 10, 28, 5, 30)); // 06:30 in Berlin
  assert.equal(serverClock("Europe/Berlin", now), Date.UTC(2026, 10, 28, 6, 30));
  assert.equal(serverClock("UTC", now), Date.UTC(2026, 10, 28, 5, 30));
});

const hours = (n) => Array.from({ length: 24 }, (_, h) => [Date.UTC(2026, 10, 28, h), n]);
const TODAY = {
  from: "2026-11-28", to: "2026-11-28", today: "2026-11-28", timezone: "UTC",
  visitors: [[Date.UTC(2026, 10, 28), 9]], pageviews: [[Date.UTC(2026, 10, 28), 12]],
  hours: { visitors: hours(1), pageviews: hours(2) }
};

test("today's chart shows the hours begun on the server's clock", () => {
  const series = chartSeries(TODAY, "today", new Date(Date.UTC(2026, 10, 28, 2, 10)));
  assert.equal(series.hourly, true);
  assert.deepEqual(series.visits.map((h) => h[0]),
    [0, 1, 2].map((h) => Date.UTC(2026, 10, 28, h)));
  assert.equal(series.views.length, 3);
});

test("a today that is no longer the server's shows all its hours", () => {
  const yesterday = { ...TODAY, today: "2026-11-29" };
  assert.equal(chartSeries(yesterday, "today", new Date(Date.UTC(2026, 10, 28, 2))).visits.length,
    24);
});

test("other ranges chart the days", () => {
  const series = chartSeries(TODAY, "7d", new Date(Date.UTC(2026, 10, 28, 2)));
  assert.deepEqual(series, { visits: TODAY.visitors, views: TODAY.pageviews, hourly: false });
});

test("unique visitors counted: the note says over what, with no reason for a dash", () => {
  assert.deepEqual(uniqueNote({ unique: 12, unique_by: "month" }, 1),
    { note: "counted once per month", why: "" });
  assert.deepEqual(uniqueNote({ unique: 12, unique_by: null }, 0),
    { note: "different people in this range", why: "" });
});

test("unique visitors of days of a month gone by: the note says they count once a day", () => {
  assert.deepEqual(uniqueNote({ unique: 9, unique_by: "day" }, 0),
    { note: "counted once per day in months gone by", why: "" });
});

test("unique visitors not counted under two filters: the note and the title say why", () => {
  assert.deepEqual(uniqueNote({ unique: null, unique_by: null }, 2), {
    note: "not counted under two filters",
    why: "Different people are not counted under two or more filters: the day records " +
      "that combine filters keep nothing that tells one visitor from another."
  });
});

test("unique visitors missing under one filter: the title says the API gave none", () => {
  assert.deepEqual(uniqueNote({ unique: null }, 1), {
    note: "different people in this range",
    why: "The API gave no count of different people for this view."
  });
});

test("no records note unless the answer says from when two filters count", () => {
  assert.equal(recordsNote({ from: "2026-11-01" }), "");
});

test("the records note names the first day two filters count", () => {
  assert.match(recordsNote({ from: "2026-11-01", records_from: "2026-11-20" }),
    /^Two filters count only the days from .*2026 on: earlier days were kept without the records that combine filters\.$/);
});

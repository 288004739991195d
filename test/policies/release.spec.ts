import * as assert from "node:assert/strict";
import { formatDuration, parseDuration } from "../../policypack/src/lib/durations";
import { UNKNOWN } from "../support/fixtures";

// The release gates' cases are examples: policypack/src/gates/{canary-release,migration-job-before-deploy}/examples.ts.

describe("durations", () => {
  it("parses Argo, Cloud Deploy and Go-style durations", () => {
    assert.equal(parseDuration("30m"), 1800);
    assert.equal(parseDuration("1h"), 3600);
    assert.equal(parseDuration("1800s"), 1800);
    assert.equal(parseDuration("1h30m"), 5400);
    assert.equal(parseDuration("0.5h"), 1800);
    assert.equal(parseDuration("1500ms"), 1.5);
    assert.equal(parseDuration("2d"), 172800);
    assert.equal(parseDuration(" 90 "), 90);
    assert.equal(parseDuration(90), 90);
  });
  it("rejects what is not a duration", () => {
    for (const v of ["soon", "30 m", "-5", "5x", "", "m", -1, Number.NaN, null, undefined, {}, UNKNOWN]) assert.equal(parseDuration(v), undefined, String(v));
  });
  it("formats seconds compactly", () => {
    assert.equal(formatDuration(1800), "30m");
    assert.equal(formatDuration(5400), "1h30m");
    assert.equal(formatDuration(90061), "1d1h1m1s");
    assert.equal(formatDuration(0), "0s");
    assert.equal(formatDuration(0.4), "0.4s");
  });
});

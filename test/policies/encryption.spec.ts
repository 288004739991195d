/**
 * cmek-required and kms-key-hygiene: what their examples (policypack/src/gates/<name>/examples.ts)
 * cannot hold: the rotation-period and key-name parsers.
 */
import * as assert from "node:assert/strict";
import { secondsDuration } from "../../policypack/src/lib/durations";
import { keyLocationFromName } from "../../policypack/src/lib/kms";
import { KEY_NAME } from "../fixtures/gcp";

describe("kms-key-hygiene", () => {
  it("parses durations and key locations", () => {
    assert.equal(secondsDuration("7776000s"), 7776000);
    assert.equal(secondsDuration("90d"), undefined);
    assert.equal(secondsDuration(42), undefined);
    assert.equal(keyLocationFromName(KEY_NAME), "europe-west1");
    assert.equal(keyLocationFromName("nope"), undefined);
  });
});

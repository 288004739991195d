/**
 * data-residency: what its examples (policypack/src/gates/data-residency/examples.ts) cannot hold:
 * the level an undecided finding is reported at.
 */
import * as assert from "node:assert/strict";
import { dataResidency } from "../../policypack/src/gates/data-residency/gate";
import { sqlPrimary } from "../fixtures/gcp";
import { expectOne, mutate, run, UNKNOWN } from "../support/fixtures";

const P = "data-residency";

describe("data-residency", () => {
  it("reports an unknown location as undecided (advisory), never as a pass or a block", () => {
    const f = run(dataResidency, [mutate(sqlPrimary(), "region", UNKNOWN)]);
    const u = expectOne(f, { policy: P, name: "registration-db", kind: "undecided" }, "unknown until apply", "'region'");
    assert.equal(u.level, "advisory");
  });
});

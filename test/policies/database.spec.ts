/**
 * Cloud SQL gates: what their examples (policypack/src/gates/<name>/examples.ts) cannot hold: a
 * stack of many generated instances, and the tier sizing helper.
 */
import * as assert from "node:assert/strict";
import { tierSize } from "../../policypack/src/gates/cloudsql-hardening/gate";
import { cloudsqlCrossRegionReplica } from "../../policypack/src/gates/cloudsql-cross-region-replica/gate";
import { sqlPrimary, sqlReplica } from "../fixtures/gcp";
import { expectClean, expectOne, run } from "../support/fixtures";

const R = "cloudsql-cross-region-replica";

describe("cloudsql-cross-region-replica", () => {
  it("links many dependency-less replicas by name to the first primary of that name", () => {
    const primaries = Array.from({ length: 300 }, (_, i) => sqlPrimary(`db-${i}`));
    const replicas = primaries.map((p) => ({ ...sqlReplica(p, `${p.name}-replica`), dependencies: [], propertyDependencies: {} }));
    expectClean(run(cloudsqlCrossRegionReplica, [...primaries, ...replicas]));
    const twin = { ...sqlPrimary("db-7"), urn: "urn:pulumi:prod::p::gcp:sql/databaseInstance:DatabaseInstance::db-7-twin", name: "db-7-twin" };
    const f = run(cloudsqlCrossRegionReplica, [...primaries, twin, ...replicas]);
    expectOne(f, { policy: R, name: "db-7-twin" }, "no read replica");
  });
});

describe("cloudsql-hardening", () => {
  it("sizes tiers", () => {
    assert.deepEqual(tierSize("db-custom-4-16384"), { vcpus: 4, memoryMb: 16384 });
    assert.deepEqual(tierSize("db-n1-standard-2"), { vcpus: 2, memoryMb: 7680 });
    assert.deepEqual(tierSize("db-n1-highmem-4"), { vcpus: 4, memoryMb: 26624 });
    assert.deepEqual(tierSize("db-perf-optimized-N-8"), { vcpus: 8, memoryMb: 65536 });
    assert.deepEqual(tierSize("db-g1-small"), { vcpus: 0.5, memoryMb: 1740 });
    assert.equal(tierSize("huge"), undefined);
  });
});

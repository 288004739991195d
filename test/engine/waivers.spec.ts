import * as assert from "node:assert/strict";
import { MAX_WAIVER_DAYS, parseWaivers, waiverMatches } from "../../policypack/src/engine/waivers";
import { cloudsqlCrossRegionReplica } from "../../policypack/src/gates/cloudsql-cross-region-replica/gate";
import { cloudsqlHardening } from "../../policypack/src/gates/cloudsql-hardening/gate";
import { sqlPrimary } from "../fixtures/gcp";
import { expectClean, expectOne, mutate, run, TODAY } from "../support/fixtures";

const H = "cloudsql-hardening";
const zonal = () => mutate(sqlPrimary(), "settings.availabilityType", "ZONAL");
const waiver = (over: Record<string, unknown> = {}) => ({
  resource: "registration-db",
  justification: "Regional HA is being rolled out in Q1 with the new VPC",
  approver: "sre.lead@example.com",
  expires: "2027-01-31",
  ticket: "OPS-1234",
  ...over,
});

describe("waivers", () => {
  it("an active waiver exempts exactly the named resource from exactly the named policy", () => {
    const f = run([cloudsqlHardening], [zonal(), { ...zonal(), name: "other-db", urn: "urn:x::other-db" }], { [H]: { waivers: [waiver()] } });
    const waived = expectOne(f, { policy: H, name: "registration-db", kind: "waived" }, "waived until 2027-01-31 by sre.lead@example.com");
    assert.equal(waived.waiver?.ticket, "OPS-1234");
    expectOne(f, { policy: H, name: "other-db" }, "zonal");
  });

  it("matches by URN, by name pattern and by service", () => {
    const s = { urn: "urn:pulumi:prod::p::t::registration-db", name: "registration-db", service: "registration" };
    assert.ok(waiverMatches("urn:pulumi:prod::p::t::registration-db", s));
    assert.ok(!waiverMatches("urn:pulumi:prod::p::t::other", s));
    assert.ok(waiverMatches("registration-*", s));
    assert.ok(waiverMatches("registration-d?", s));
    assert.ok(!waiverMatches("registration", s));
    assert.ok(waiverMatches("service:registration", s));
    assert.ok(!waiverMatches("service:config", s));
    assert.ok(!waiverMatches("service:config", { name: "x" }));
    assert.ok(!waiverMatches("x*", { urn: "u" }));
    assert.ok(waiverMatches("a.b(c)", { name: "a.b(c)" }), "regex characters are literal");
  });

  it("a stack gate can be waived for one service", () => {
    const cfg = { "cloudsql-cross-region-replica": { waivers: [waiver({ resource: "service:registration" })] } };
    const f = run([cloudsqlCrossRegionReplica], [sqlPrimary()], cfg);
    expectOne(f, { policy: "cloudsql-cross-region-replica", name: "registration-db", kind: "waived" });
  });

  it("an expired waiver exempts nothing and is itself a violation", () => {
    const f = run([cloudsqlHardening], [zonal()], { [H]: { waivers: [waiver({ expires: "2026-10-01" })] } });
    expectOne(f, { policy: H, kind: "config" }, `${H}.waivers[0].expires`, "expired on 2026-10-01", "sre.lead@example.com");
    expectOne(f, { policy: H, name: "registration-db" }, "zonal", "expired on 2026-10-01 and no longer applies");
  });

  it("a waiver expiring today still applies", () => {
    const f = run([cloudsqlHardening], [zonal()], { [H]: { waivers: [waiver({ expires: "2026-11-23" })] } });
    expectOne(f, { policy: H, kind: "waived" });
  });

  it("malformed waivers exempt nothing and name the field and the fix", () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [waiver({ justification: "because" }), "waivers[0].justification", "at least 20 characters"],
      [waiver({ approver: "bob" }), "waivers[0].approver", "e-mail"],
      [waiver({ expires: "31/01/2027" }), "waivers[0].expires", "YYYY-MM-DD"],
      [waiver({ expires: "2027-02-30" }), "waivers[0].expires", "not a real calendar date"],
      [waiver({ resource: "" }), "waivers[0].resource", "must not be empty"],
      [waiver({ reason: "x" }), "waivers[0]", "unknown field 'reason'"],
      [{ resource: "registration-db", approver: "a@b.co", expires: "2027-01-01" }, "waivers[0].justification", "is required"],
    ];
    for (const [w, path, fix] of cases) {
      const f = run([cloudsqlHardening], [zonal()], { [H]: { waivers: [w] } });
      expectOne(f, { policy: H, kind: "config" }, path, fix, "exempts nothing");
      expectOne(f, { policy: H, name: "registration-db" }, "zonal");
    }
  });

  it("a waiver longer than a year is refused", () => {
    const f = run([cloudsqlHardening], [zonal()], { [H]: { waivers: [waiver({ expires: "2030-01-01" })] } });
    expectOne(f, { policy: H, kind: "config" }, `more than ${MAX_WAIVER_DAYS} days`);
  });

  it("waivers must be a list", () => {
    const w = parseWaivers(H, { resource: "x" }, TODAY);
    assert.equal(w.problems.length, 1);
    assert.match(w.problems[0]?.message ?? "", /must be a list/);
    assert.deepEqual(parseWaivers(H, null, TODAY), { active: [], expired: [], problems: [] });
  });

  it("one bad waiver does not spoil the good ones", () => {
    const f = run([cloudsqlHardening], [zonal()], { [H]: { waivers: [waiver({ approver: "x" }), waiver()] } });
    expectOne(f, { policy: H, kind: "waived" });
    expectOne(f, { policy: H, kind: "config" }, "waivers[0].approver");
  });

  it("a compliant resource needs no waiver", () => {
    expectClean(run([cloudsqlHardening], [sqlPrimary()], { [H]: { waivers: [waiver()] } }));
  });
});

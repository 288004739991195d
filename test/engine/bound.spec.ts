import * as assert from "node:assert/strict";
import { boundFindings, diagnosticBytes, ENGINE_RESPONSE_LIMIT, responseShare, type DiagnosticShape } from "../../policypack/src/engine/bound";
import type { Finding } from "../../policypack/src/engine/run";

const SHAPE: DiagnosticShape = { policyName: "cmek-required", packName: "readiness-guard", packVersion: "0.1.3", description: "Data encrypted with customer-managed keys." };

function finding(i: number, kind: Finding["kind"] = "violation"): Finding {
  return {
    policy: "cmek-required",
    kind,
    level: kind === "violation" ? "mandatory" : "advisory",
    severity: "high",
    message: `'bucket-${i}' (gcp:storage/bucket:Bucket): is not encrypted with a customer-managed key. Fix: set encryption.defaultKmsKeyName.`,
    urn: `urn:pulumi:prod::p::gcp:storage/bucket:Bucket::bucket-${i}`,
    name: `bucket-${i}`,
  };
}

describe("engine response bound (engine/bound.ts; pulumi/pulumi sdk/policy_proxy.go dials the pack with gRPC's default 4 MiB receive limit)", () => {
  it("gives each stack policy an equal share of 4 MiB less a margin", () => {
    assert.equal(ENGINE_RESPONSE_LIMIT, 4_194_304);
    assert.equal(responseShare(25), Math.floor((4_194_304 - 65_536) / 25));
    assert.equal(responseShare(0), 4_194_304 - 65_536);
  });

  it("passes findings that fit through untouched (the same array)", () => {
    const few = [finding(1), finding(2)];
    assert.equal(boundFindings(few, SHAPE, 100_000), few);
  });

  it("lists the findings that fit and sums up the rest in one finding that keeps the strongest kind and level", () => {
    const each = diagnosticBytes(finding(1), SHAPE);
    const all = Array.from({ length: 100 }, (_, i) => finding(i, i % 10 === 0 ? "violation" : "undecided"));
    const share = 1024 + each * 20 + 40; // room for 20 findings (names up to 2 digits longer) besides the summary's reserve
    const out = boundFindings(all, SHAPE, share);
    assert.equal(out.length, 21);
    assert.deepEqual(out.slice(0, 20), all.slice(0, 20));
    assert.deepEqual(out[20], {
      policy: "cmek-required",
      kind: "violation",
      level: "mandatory",
      severity: "high",
      message:
        "80 more findings of cmek-required (8 violations, 72 advisory findings) are not listed here: one response to the Pulumi engine holds at most 4 MiB. The first one not listed is about 'bucket-20'. Fix: run `readiness check` (or `readiness audit --events <preview event log>`) for the full list, or fix the findings listed first.",
    });
  });

  it("sums up advisory-only overflow as advisory, and never counts waived findings", () => {
    const each = diagnosticBytes(finding(1), SHAPE);
    const all = [...Array.from({ length: 5 }, (_, i) => finding(i, "waived")), ...Array.from({ length: 10 }, (_, i) => finding(i, "undecided"))];
    const out = boundFindings(all, SHAPE, 1024 + each * 3 + 1);
    assert.equal(out.length, 5 + 3 + 1);
    const summary = out[8] as Finding;
    assert.equal(summary.kind, "undecided");
    assert.equal(summary.level, "advisory");
    assert.match(summary.message, /^7 more findings of cmek-required \(7 advisory findings\) are not listed here/);
  });

  it("keeps 50,000 findings of every one of 25 stack policies under 4 MiB in all", () => {
    const share = responseShare(25);
    let total = 0;
    const all = Array.from({ length: 50_000 }, (_, i) => finding(i));
    for (let p = 0; p < 25; p++) for (const f of boundFindings(all, SHAPE, share)) total += diagnosticBytes(f, SHAPE);
    assert.ok(total < ENGINE_RESPONSE_LIMIT - 65_536, `${total} bytes`);
  });
});

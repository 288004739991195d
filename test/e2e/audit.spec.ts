/**
 * `readiness audit` end to end: the built command (and the bin shim) on a stack export with known
 * violations, on malformed input, and on a preview event log. Needs `npm run build`.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { AUDIT_CONFIG, CLI, EVENTS, EXPORT, mutatedExport, resourcesOf, ROOT, runCli, tmpDir, TODAY } from "../cli/support";

interface JsonReport {
  violations: { policy: string; urn: string; enforcementLevel: string; severity: string; message: string; gate: unknown[]; kind: string }[];
  waived: { policy: string; urn: string; justification: string; approver: string; expires: string }[];
  summary: { result: string; mandatory: number; waived: number };
}

const P = "urn:pulumi:prod::readiness::";

describe("readiness audit (e2e)", function () {
  this.timeout(120_000);

  before(() => {
    assert.ok(fs.existsSync(CLI), "run `npm run build` first");
  });

  it("finds exactly the known violations of the export fixture, and exits 1", () => {
    const r = runCli(["audit", "--state", EXPORT, "--config", AUDIT_CONFIG, "--format", "json", "--today", TODAY]);
    assert.equal(r.code, 1, r.stderr);
    const j = JSON.parse(r.stdout) as JsonReport;
    assert.deepEqual(
      j.violations.map((v) => `${v.enforcementLevel} ${v.policy} ${v.urn.slice(P.length)}`),
      [
        "mandatory cloudsql-backups-pitr gcp:sql/databaseInstance:DatabaseInstance::maintenance-db",
        "mandatory cloudsql-cross-region-replica gcp:sql/databaseInstance:DatabaseInstance::maintenance-db",
        "mandatory cloudsql-hardening gcp:sql/databaseInstance:DatabaseInstance::maintenance-db",
        "mandatory cmek-required gcp:sql/databaseInstance:DatabaseInstance::maintenance-db",
        "mandatory data-residency gcp:storage/bucket:Bucket::maintenance-invoices",
        "mandatory no-static-service-account-keys gcp:serviceaccount/key:Key::ci-deployer-key",
      ],
    );
    assert.deepEqual(
      j.waived.map((w) => [w.policy, w.urn.slice(P.length), w.approver, w.expires]),
      [["cmek-required", "gcp:storage/bucket:Bucket::config-exports", "sre.lead@acme.example", "2027-02-28"]],
    );
    assert.equal(r.stderr, "");
  });

  it("passes (exit 0) once the violating resources are fixed, and a lapsed waiver brings its finding back", () => {
    const fixed = mutatedExport((d) => {
      const rs = resourcesOf(d);
      const drop = new Set(["maintenance-db", "maintenance-invoices", "ci-deployer-key"]);
      (d["deployment"] as { resources: unknown[] }).resources = rs.filter((x) => !drop.has(String(x["urn"]).split("::").pop() ?? ""));
    });
    const ok = runCli(["audit", "--state", fixed, "--config", AUDIT_CONFIG, "--today", TODAY]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /^Policies:\n {4}✅ readiness-guard@v\d+\.\d+\.\d+ \(in-process\)\n/);
    const later = runCli(["audit", "--state", fixed, "--config", AUDIT_CONFIG, "--today", "2027-03-01", "--format", "json"]);
    assert.equal(later.code, 1);
    const j = JSON.parse(later.stdout) as JsonReport;
    assert.deepEqual(
      j.violations.map((v) => [v.policy, v.kind]),
      [
        ["cmek-required", "config"],
        ["cmek-required", "violation"],
      ],
    );
    assert.match(j.violations[1]?.message ?? "", /a waiver by sre\.lead@acme\.example expired on 2027-02-28 and no longer applies/);
  });

  it("exits 2 with one line naming the field for a malformed export", () => {
    const bad = mutatedExport((d) => {
      delete resourcesOf(d)[7]?.["type"];
    });
    const r = runCli(["audit", "--state", bad, "--config", AUDIT_CONFIG]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^readiness: .*export\.json: deployment\.resources\[7\]\.type: .+\n$/);
    const notJson = path.join(tmpDir("bad"), "x.json");
    fs.writeFileSync(notJson, "{ oops");
    const nj = runCli(["audit", "--state", notJson]);
    assert.equal(nj.code, 2);
    assert.match(nj.stderr, /x\.json: not valid JSON/);
  });

  it("exits 2 on unreadable input, a bad config, bad options", () => {
    const missing = runCli(["audit", "--state", "no/such/export.json"]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, "readiness: no/such/export.json: cannot read the stack export (no such file).\n");
    const cfg = path.join(tmpDir("cfg"), "c.json");
    fs.writeFileSync(cfg, JSON.stringify({ "data-residency": { allowedRegion: ["europe-west1"] } }));
    const badCfg = runCli(["audit", "--state", EXPORT, "--config", cfg]);
    assert.equal(badCfg.code, 2);
    assert.match(badCfg.stderr, /c\.json: data-residency\.allowedRegion: unknown setting 'allowedRegion' \(did you mean 'allowedRegions'\?\)/);
    fs.writeFileSync(cfg, JSON.stringify({ "data-residence": {} }));
    const unknown = runCli(["audit", "--state", EXPORT, "--config", cfg]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /c\.json: data-residence: unknown policy 'data-residence' \(did you mean 'data-residency'\?\)/);
    fs.writeFileSync(cfg, "[]");
    assert.match(runCli(["audit", "--state", EXPORT, "--config", cfg]).stderr, /must be a JSON object/);
    const both = runCli(["audit", "--state", EXPORT, "--events", EVENTS]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /exactly one of --state/);
    assert.equal(runCli(["audit"]).code, 2);
    assert.equal(runCli(["audit", "--state", EXPORT, "--format", "yaml"]).code, 2);
    assert.equal(runCli(["audit", "--state", EXPORT, "--today", "2026-02-30"]).code, 2);
    assert.equal(runCli(["nonsense"]).code, 2);
  });

  it("reports the policy events of a preview event log", () => {
    const r = runCli(["audit", "--events", EVENTS, "--format", "json"]);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout) as JsonReport;
    assert.deepEqual(
      j.violations.map((v) => [v.policy, v.enforcementLevel, v.kind]),
      [
        ["cloudsql-hardening", "mandatory", "violation"],
        ["data-residency", "mandatory", "violation"],
        ["workload-secrets-not-in-env", "advisory", "undecided"],
      ],
    );
    const bad = path.join(tmpDir("ev"), "e.jsonl");
    fs.writeFileSync(bad, `${fs.readFileSync(EVENTS, "utf8")}{"policyEvent": {"message": "x"}}\n`);
    const b = runCli(["audit", "--events", bad]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /e\.jsonl: line 15: policyEvent\.policyName: /);
  });

  it("writes every format to --out, through the bin shim too", () => {
    const dir = tmpDir("out");
    for (const f of ["text", "json", "sarif", "junit", "markdown", "html"]) {
      const out = path.join(dir, "sub", `r.${f}`);
      const r = runCli(["audit", "--state", EXPORT, "--config", AUDIT_CONFIG, "--format", f, "--out", out, "--today", TODAY], { shim: f === "html" });
      assert.equal(r.code, 1, `${f}: ${r.stderr}`);
      assert.equal(r.stdout, "");
      assert.ok(fs.statSync(out).size > 500, f);
    }
    assert.ok(fs.readFileSync(path.join(dir, "sub", "r.html"), "utf8").startsWith("<!DOCTYPE html>"));
  });

  it("evaluates the export with the production config (every policy) without failing on it", () => {
    const r = runCli(["audit", "--state", EXPORT, "--format", "json", "--today", TODAY], { cwd: ROOT });
    assert.equal(r.code, 1, r.stderr);
    const j = JSON.parse(r.stdout) as JsonReport;
    assert.ok(!j.violations.some((v) => v.kind === "error"), JSON.stringify(j.violations.filter((v) => v.kind === "error")));
    assert.ok(j.violations.some((v) => v.policy === "data-residency"));
  });
});

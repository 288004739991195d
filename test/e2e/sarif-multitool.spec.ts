/**
 * The SARIF the CLI writes, validated by Microsoft's SARIF multitool (`validate`: the SARIF 2.1.0
 * rules SARIF1xxx, which are errors, and the best-practice rules SARIF2xxx, warnings and notes).
 * Zero errors and zero warnings for the bundled production stack (`readiness check`) and for a
 * stack with violations and a waiver (`readiness audit`), also when the audited file lies outside
 * the working directory. Notes (rule ids not of the form "CS2001", no code snippets, …) are allowed.
 *
 * Skipped, with the reason, only when the multitool's binary is not installed for this platform;
 * when it runs, whatever it finds fails the test.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type * as sarif from "sarif";
import { EXPORT, AUDIT_CONFIG, CLI, ROOT, runCli, tmpDir, TODAY } from "../cli/support";
import { locateMultitool, validateSarif, type Validation } from "../support/sarif-multitool";

function assertClean(v: Validation, what: string): void {
  assert.deepEqual({ errors: v.errors, warnings: v.warnings }, { errors: [], warnings: [] }, `the SARIF multitool on ${what}`);
}

describe("SARIF output, validated by Microsoft's SARIF multitool (e2e)", function () {
  this.timeout(240_000);
  let bin = "";
  let violations = "";

  before(function () {
    const found = locateMultitool();
    if ("missing" in found) {
      console.log(`      skipped: ${found.missing}`);
      this.skip();
    }
    bin = found.bin;
    assert.ok(fs.existsSync(CLI), "run `npm run build` first");
    violations = path.join(tmpDir("sarif-audit"), "readiness.sarif");
    const r = runCli(["audit", "--state", EXPORT, "--config", AUDIT_CONFIG, "--format", "sarif", "--out", violations, "--today", TODAY]);
    assert.equal(r.code, 1, `audit of a stack with violations exits 1: ${r.stderr}`);
  });

  it("the bundled production stack (`readiness check`): 0 errors, 0 warnings", () => {
    assert.ok(fs.existsSync(path.join(ROOT, "policypack", "bin", "index.js")), "run `npm run build` first (the pack process)");
    const out = tmpDir("sarif-prod");
    const r = runCli(["check", "--out-dir", out, "--format", "json", "--today", TODAY], { timeoutMs: 170_000 });
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
    const file = path.join(out, "readiness.sarif");
    const log = JSON.parse(fs.readFileSync(file, "utf8")) as sarif.Log;
    assert.ok((log.runs[0]?.results ?? []).length > 0, "the production SARIF has results (undecided advisories) for the validator to look at");
    // Each result about a resource points at the component source that declared it, not at line 1 of the entry.
    for (const res of log.runs[0]?.results ?? []) {
      const at = res.locations?.[0]?.physicalLocation;
      if (!res.properties?.["urn"]) continue;
      assert.match(at?.artifactLocation?.uri ?? "", /^stacks\/.+\.ts$/, JSON.stringify(at));
      assert.ok((at?.region?.startLine ?? 0) > 1 && (at?.region?.startColumn ?? 0) >= 1, JSON.stringify(at));
    }
    assertClean(validateSarif(bin, file), "the production stack's SARIF");
  });

  it("a stack with violations and a waiver (`readiness audit`): 0 errors, 0 warnings", () => {
    const log = JSON.parse(fs.readFileSync(violations, "utf8")) as sarif.Log;
    const results = log.runs[0]?.results ?? [];
    assert.equal(results.filter((x) => x.level === "error" && !x.suppressions).length, 6);
    assert.equal(results.filter((x) => x.suppressions).length, 1);
    assertClean(validateSarif(bin, violations), "the violations SARIF");
  });

  it("the same audit of a file outside the working directory (an absolute file: URI, no uriBaseId): 0 errors, 0 warnings", () => {
    const elsewhere = tmpDir("sarif-cwd");
    const file = path.join(elsewhere, "readiness.sarif");
    const r = runCli(["audit", "--state", EXPORT, "--config", AUDIT_CONFIG, "--format", "sarif", "--out", file, "--today", TODAY], { cwd: elsewhere });
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(fs.readFileSync(file, "utf8")) as sarif.Log;
    const location = log.runs[0]?.artifacts?.[0]?.location;
    assert.deepEqual(location, { uri: pathToFileURL(EXPORT).href }, "an absolute file: URI, with no uriBaseId");
    assertClean(validateSarif(bin, file), "the SARIF of an audit run elsewhere");
  });

  it("the verdict is not vacuous: the multitool's SARIF1004 error and SARIF2004 warning on a broken copy are reported", () => {
    const log = JSON.parse(fs.readFileSync(violations, "utf8")) as sarif.Log;
    const run = log.runs[0] as sarif.Run;
    // An absolute path under a uriBaseId (SARIF1004), and an artifacts array holding nothing but locations (SARIF2004).
    run.artifacts = [{ location: { uri: "/abs/export.json", uriBaseId: "%SRCROOT%" } }];
    const broken = path.join(tmpDir("sarif-broken"), "broken.sarif");
    fs.writeFileSync(broken, JSON.stringify(log, null, 2));
    const v = validateSarif(bin, broken);
    assert.ok(v.errors.some((e) => e.startsWith("SARIF1004 ") && e.includes("runs[0].artifacts[0].location.uri")), v.errors.join("\n"));
    assert.ok(v.warnings.some((w) => w.startsWith("SARIF2004 ") && w.includes("runs[0].artifacts")), v.warnings.join("\n"));
  });
});

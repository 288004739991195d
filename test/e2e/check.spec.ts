/**
 * `readiness check` end to end: a program run under the Pulumi mocks, the real pack process
 * launched as the Pulumi CLI launches it (policypack/bin, built by `npm run build`) and driven over
 * the Analyzer gRPC protocol; its diagnostics must agree with the in-process evaluation.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Writable } from "node:stream";
import { runCheck, type CheckResult } from "../../cli/check";
import { InputError } from "../../cli/state";
import { programProvenance, sha256, type Provenance } from "../../cli/provenance";
import { CLI, PACK_VERSION, ROOT, runCli, tmpDir, TODAY } from "../cli/support";

const PROGRAMS = path.join(ROOT, "test", "fixtures", "programs");
const PROGRAM = path.join(ROOT, "build", "test", "fixtures", "programs", "small-stack.js");
const CONFIG = path.join(PROGRAMS, "check-config.json");
const P = "urn:pulumi:test::fixture::";

class Capture extends Writable {
  text = "";
  isTTY = true;
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

describe("readiness check (e2e, real pack process)", function () {
  this.timeout(180_000);

  before(() => {
    assert.ok(fs.existsSync(path.join(ROOT, "policypack", "bin", "index.js")) && fs.existsSync(CLI), "run `npm run build` first");
  });

  describe("a program with known violations", () => {
    let res: CheckResult;
    let out: string;
    const progress = new Capture();

    before(async () => {
      out = tmpDir("check");
      res = await runCheck({
        program: PROGRAM,
        projectDir: PROGRAMS,
        stack: "test",
        config: CONFIG,
        outDir: out,
        format: "text",
        today: TODAY,
        timings: true,
        cwd: ROOT,
        stderr: progress,
      });
    });

    it("gets exactly the known diagnostics from the pack over the Analyzer protocol", () => {
      const got = res.diagnostics.map((d) => `${d.enforcementLevel} ${d.policyName} ${d.urn.slice(P.length)}`).sort();
      assert.deepEqual(got, [
        "advisory no-static-service-account-keys gcp:serviceaccount/key:Key::ci-deployer-key",
        "mandatory cloudsql-hardening gcp:sql/databaseInstance:DatabaseInstance::registration-db",
        "mandatory data-residency gcp:storage/bucket:Bucket::maintenance-invoices",
      ]);
      for (const d of res.diagnostics) {
        assert.equal(d.policyPackName, "readiness-guard");
        assert.ok(d.severity > 0);
      }
      assert.match(res.diagnostics.find((d) => d.policyName === "data-residency")?.message ?? "", /'maintenance-invoices' \(gcp:storage\/bucket:Bucket\): is stored in a multi-region .*\(found "EU"\)/);
    });

    it("agrees with the in-process evaluation, and reports the waived finding the pack does not send", () => {
      assert.deepEqual(res.mismatch, []);
      assert.deepEqual(res.report.notes, []);
      assert.deepEqual(
        res.report.waived.map((w) => [w.policy, w.name, w.expires]),
        [["cmek-required", "config-exports", "2027-02-28"]],
      );
      assert.equal(res.exitCode, 1);
      assert.deepEqual([res.report.summary.mandatory, res.report.summary.advisory, res.report.summary.waived], [2, 1, 1]);
      assert.equal(res.report.source.file, "test/fixtures/programs/small-stack.ts");
      // 9, was 8: the default gcp provider is a resource of its own, as the engine registers it
      // (pulumi/pulumi pkg/resource/deploy/default_providers.go newRegisterDefaultProviderEvent).
      assert.deepEqual([res.report.source.project, res.report.source.stack, res.report.summary.resources], ["fixture", "test", 9]);
    });

    it("prints the violations like `pulumi preview` and writes the five reports", () => {
      assert.ok(res.output.startsWith(`Policies:\n    ❌ readiness-guard@v${PACK_VERSION} (local: policypack)\n`), res.output.slice(0, 300));
      assert.ok(res.output.includes("        - [advisory]  no-static-service-account-keys  (gcp:serviceaccount/key:Key: ci-deployer-key)\n"));
      assert.deepEqual(
        res.reports.map((p) => path.basename(p)),
        ["readiness.md", "readiness.html", "readiness.sarif", "readiness.junit.xml", "readiness.json"],
      );
      const json = JSON.parse(fs.readFileSync(path.join(out, "readiness.json"), "utf8")) as { violations: { policy: string }[] };
      assert.deepEqual(json.violations.map((v) => v.policy), ["cloudsql-hardening", "data-residency", "no-static-service-account-keys"]);
      const md = fs.readFileSync(path.join(out, "readiness.md"), "utf8");
      assert.ok(md.includes("- [ ] Data residency: confirmed all production storage in europe-west1 — ❌ failed"));
    });

    it("measures pack start-up and the Analyze round trips, and shows progress on a terminal", () => {
      const t = res.timings;
      // 9, was 7 ("one per custom resource"): the engine analyzes every registered resource, the
      // root Stack and the default provider included (step_generator.go generateSteps → analyzeAll).
      assert.equal(t.analyzeCalls, 9, "one Analyze per resource, the root Stack and the default provider included");
      assert.ok(t.packStartMs > 0 && t.infoMs > 0 && t.configureMs > 0 && t.analyzeMeanMs > 0 && t.analyzeStackMs > 0 && t.programMs > 0);
      assert.ok(t.analyzeP50Ms <= t.analyzeP95Ms && t.analyzeP95Ms <= t.analyzeMaxMs);
      // 9/9, was 7/7: every resource the engine analyzes (see analyzeCalls above).
      assert.ok(progress.text.endsWith("\rAnalyzing resources: 9/9\n"), JSON.stringify(progress.text));
    });
  });

  type CheckJson = { summary: { result: string; resources: number }; notes: string[]; violations: { kind: string; enforcementLevel: string; policy: string; message: string }[] };

  /** The bundled topology passes the real pack: exit 0, nothing mandatory, only "undecided" advisories. */
  function assertReady(r: { code: number | null; stdout: string; stderr: string }): CheckJson {
    const j = JSON.parse(r.stdout) as CheckJson;
    const blocking = j.violations.filter((v) => v.enforcementLevel === "mandatory");
    assert.deepEqual(blocking.map((v) => `${v.policy}: ${v.message}`), [], "no mandatory violation");
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
    assert.equal(j.summary.result, "pass");
    assert.deepEqual([...new Set(j.violations.map((v) => v.kind))].filter((k) => k !== "undecided"), [], "only undecided advisories");
    return j;
  }

  it("checks a program that labels no service as one service named after the project: the per-service gates apply", async () => {
    const res = await runCheck({
      program: path.join(ROOT, "build", "test", "fixtures", "programs", "unlabelled-stack.js"),
      projectDir: PROGRAMS,
      stack: "test",
      config: path.join(ROOT, "policypack", "config", "production.json"),
      outDir: "",
      format: "json",
      today: TODAY,
      cwd: ROOT,
    });
    assert.equal(res.exitCode, 1);
    const j = JSON.parse(res.output) as { checklists: { service: string; file: string }[]; notes: string[]; violations: { policy: string; name: string; service?: string; message: string }[] };
    assert.deepEqual(j.checklists.map((c) => [c.service, c.file]), [["fixture", "checklists/default.md"]]);
    assert.deepEqual(j.notes.filter((n) => n.includes("labels no service")), ["The stack labels no service: it is reported as one service named after the project, 'fixture'."]);
    assert.ok(!j.notes.some((n) => n.includes("disagree")), j.notes.join("\n"));
    const slo = j.violations.filter((v) => v.policy === "service-slos");
    assert.deepEqual(slo, [{ ...slo[0], name: "shop-api", service: "fixture", message: "service 'fixture': has no SLO (found no SLO in the stack). Fix: add a gcp.monitoring.Slo with userLabels { service: \"fixture\" } (or create it inside the service's labelled component)." }]);
    const perService = ["canary-release", "service-dashboards", "workload-autoscaling", "workload-identity"];
    assert.deepEqual([...new Set(j.violations.filter((v) => perService.includes(v.policy)).map((v) => `${v.policy} ${v.service}`))].sort(), perService.map((p) => `${p} fixture`));
  });

  it("--signoff on check: signed manual lines and roles, not-applicable declarations; a bad file is exit 2 before the pack starts", () => {
    const dir = tmpDir("check-signoff");
    const signoff = path.join(dir, "fixture-signoff.yaml");
    fs.writeFileSync(
      signoff,
      [
        "service: fixture",
        "signoffs:",
        "  - line: On-call rotation assigned",
        "    role: SRE",
        "    name: Jane Doe",
        "    email: jane@acme.example",
        "    date: 2026-11-20",
        "  - role: Tech Lead",
        "    name: Sam Lee",
        "    email: sam@acme.example",
        "    date: 2026-11-21",
        "notApplicable:",
        "  - line: Backups and PITR enabled",
        "    justification: The shop keeps no state of its own; orders live in the ERP.",
        "    approver: cto@acme.example",
        "    expires: 2027-06-30",
        "",
      ].join("\n"),
    );
    const args = ["check", "--program", "build/test/fixtures/programs/unlabelled-stack.js", "--project-dir", "test/fixtures/programs", "--stack", "test", "--checklist", "fixture=test/fixtures/checklists/billing-evidence.md", "--out-dir", "", "--format", "json", "--today", TODAY];
    const r = runCli([...args, "--signoff", signoff], { timeoutMs: 170_000 });
    assert.equal(r.code, 1, r.stderr);
    const j = JSON.parse(r.stdout) as { checklists: { service: string; roles: { role: string; signedBy?: { name: string } }[]; sections: { lines: { text: string; status: string; signedBy?: { name: string }[]; notApplicable?: { approver: string } }[] }[] }[] };
    const c = j.checklists.find((x) => x.service === "fixture");
    const lines = c?.sections.flatMap((s) => s.lines) ?? [];
    const oncall = lines.find((l) => l.text === "On-call rotation assigned");
    assert.deepEqual([oncall?.status, oncall?.signedBy?.map((x) => x.name)], ["signed", ["Jane Doe"]]);
    const backups = lines.find((l) => l.text === "Backups and PITR enabled");
    assert.deepEqual([backups?.status, backups?.notApplicable?.approver], ["not-applicable", "cto@acme.example"]);
    assert.deepEqual(c?.roles.map((x) => [x.role, x.signedBy?.name ?? "TBD"]), [["Tech Lead", "Sam Lee"], ["SRE", "TBD"]]);
    fs.writeFileSync(signoff, "service: fixture\nsignoffs:\n  - role: SRE\n    name: J\n    email: not-an-email\n    date: 2026-11-20\n");
    const bad = runCli([...args, "--signoff", signoff]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^readiness: [^\n]*fixture-signoff\.yaml: signoffs\.0\.email: [^\n]+\n$/);
  });

  it("records provenance (time, module, config, program files' sha256, git commit, versions) in every report; readiness verify checks readiness.json", () => {
    const out = tmpDir("check-provenance");
    const r = runCli(["check", "--program", "build/test/fixtures/programs/unlabelled-stack.js", "--project-dir", "test/fixtures/programs", "--stack", "test", "--out-dir", out, "--format", "json", "--today", TODAY], { timeoutMs: 170_000, env: { SOURCE_DATE_EPOCH: "1795000000" } });
    assert.equal(r.code, 1, r.stderr);
    const text = fs.readFileSync(path.join(out, "readiness.json"), "utf8");
    const j = JSON.parse(text) as { provenance: Provenance; tool: { version: string }; pack: { version: string } };
    const p = j.provenance;
    assert.deepEqual([p.evidenceTime, p.evidenceTimeSource], [new Date(1795000000 * 1000).toISOString(), "SOURCE_DATE_EPOCH"]);
    assert.deepEqual(p.input, { file: "build/test/fixtures/programs/unlabelled-stack.js", sha256: sha256(fs.readFileSync(path.join(ROOT, "build/test/fixtures/programs/unlabelled-stack.js"))) });
    assert.deepEqual(p.config, { file: "policypack/config/production.json", sha256: sha256(fs.readFileSync(path.join(ROOT, "policypack/config/production.json"))) });
    const expected = programProvenance(PROGRAMS, "test/fixtures/programs");
    assert.deepEqual(p.program, expected);
    assert.ok(expected.files >= 5 && /^[0-9a-f]{64}$/.test(expected.sha256));
    const head = spawnSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" });
    if (head.status === 0) assert.equal(p.program?.gitCommit, head.stdout.trim());
    // One version source each: the pack's package.json and the tool's.
    const packJson = JSON.parse(fs.readFileSync(path.join(ROOT, "policypack", "package.json"), "utf8")) as { version: string };
    const toolJson = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string };
    assert.deepEqual([j.pack.version, p.pack.version, j.tool.version, p.tool.version], [packJson.version, packJson.version, toolJson.version, toolJson.version]);
    const md = fs.readFileSync(path.join(out, "readiness.md"), "utf8");
    assert.ok(md.includes(`| Policy pack | readiness-guard ${packJson.version} |\n| Tool | readiness-guard ${toolJson.version} |`), md.slice(0, 800));
    assert.ok(md.includes(`| Program files | \`test/fixtures/programs\`: ${expected.files} source files, sha256 \`${expected.sha256}\` |`));
    const html = fs.readFileSync(path.join(out, "readiness.html"), "utf8");
    assert.ok(html.includes(`<tr><td>Program files</td><td><code>test/fixtures/programs</code>: ${expected.files} source files, sha256 <code>${expected.sha256}</code></td></tr>`));
    assert.ok(html.includes(`<tr><td>Evidence taken</td><td>${p.evidenceTime} (SOURCE_DATE_EPOCH)</td></tr>`));
    assert.ok(html.includes(`<footer>tool readiness-guard ${toolJson.version} · policy pack readiness-guard ${packJson.version}</footer>`));
    const file = path.join(out, "readiness.json");
    assert.equal(runCli(["verify", file]).code, 0);
    fs.writeFileSync(file, text.replace(`"sha256": "${expected.sha256}"`, `"sha256": "${"0".repeat(64)}"`));
    const edited = runCli(["verify", file]);
    assert.deepEqual([edited.code, /EDITED/.test(edited.stdout)], [1, true]);
  });

  it("--out-dir never overwrites a checklist the check read (exit 2, the file intact)", () => {
    const out = tmpDir("check-out-inputs");
    const checklist = path.join(out, "readiness.md");
    fs.copyFileSync(path.join(ROOT, "test/fixtures/checklists/billing-evidence.md"), checklist);
    const before = fs.readFileSync(checklist, "utf8");
    const r = runCli(["check", "--program", "build/test/fixtures/programs/unlabelled-stack.js", "--project-dir", "test/fixtures/programs", "--stack", "test", "--checklist", `fixture=${checklist}`, "--out-dir", out, "--format", "json"], { timeoutMs: 170_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^readiness: [^\n]*readiness\.md: is an input file of this command, and the report would replace it\. Fix: write the report to another path\.\n$/);
    assert.equal(fs.readFileSync(checklist, "utf8"), before);
  });

  it("checks the bundled production stack through the built command (default program, config and pack): ready", () => {
    const out = tmpDir("prod");
    const r = runCli(["check", "--out-dir", out, "--format", "json", "--today", TODAY], { timeoutMs: 170_000 });
    const j = assertReady(r);
    assert.ok(j.summary.resources > 100, `${j.summary.resources} resources`);
    assert.ok(!j.notes.some((n) => n.includes("disagree")), j.notes.join("\n"));
    assert.ok(!j.violations.some((v) => v.kind === "error" || v.kind === "config"));
    assert.equal(fs.readdirSync(out).sort().join(","), "readiness.html,readiness.json,readiness.junit.xml,readiness.md,readiness.sarif");
    assert.match(r.stderr, /^Reports: /m);
    // The compliant topology gives every automated line of its three checklists evidence: a gate
    // that stops recording what it checked (e.g. a resource gate turned stack gate) shows up here.
    const report = JSON.parse(fs.readFileSync(path.join(out, "readiness.json"), "utf8")) as { checklists: { service: string; sections: { lines: { text: string; status: string }[] }[] }[] };
    const without = report.checklists.flatMap((c) => c.sections.flatMap((s) => s.lines.filter((l) => l.status === "no-evidence").map((l) => `${c.service}: ${l.text}`)));
    assert.deepEqual(without, []);
  });

  it("checks the bundled staging stack with the staging config through the real pack: ready", () => {
    const r = runCli(["check", "--stack", "staging", "--config", "policypack/config/staging.json", "--out-dir", "", "--format", "json", "--today", TODAY], { timeoutMs: 170_000 });
    assert.ok(assertReady(r).summary.resources > 100);
  });

  it("exits 2 with one line on bad input, before launching the pack", () => {
    const noProgram = runCli(["check", "--program", "build/nothing.js", "--out-dir", ""]);
    assert.equal(noProgram.code, 2);
    assert.equal(noProgram.stderr, "readiness: build/nothing.js: no such program module. Fix: run `npm run build` first, or pass --program <compiled module>.\n");
    const cfg = path.join(tmpDir("cfg"), "c.json");
    fs.writeFileSync(cfg, JSON.stringify({ "cloudsql-hardening": { enforcementLevel: "strict" } }));
    const badCfg = runCli(["check", "--program", PROGRAM, "--project-dir", PROGRAMS, "--stack", "test", "--config", cfg, "--out-dir", ""]);
    assert.equal(badCfg.code, 2);
    assert.match(badCfg.stderr, /^readiness: .*c\.json: cloudsql-hardening\.enforcementLevel: must be one of advisory, mandatory, remediate, disabled/);
    const notPack = runCli(["check", "--program", PROGRAM, "--project-dir", PROGRAMS, "--stack", "test", "--pack", "test", "--out-dir", ""]);
    assert.equal(notPack.code, 2);
    assert.match(notPack.stderr, /test: not a policy pack directory/);
    assert.equal(runCli(["check", "--concurrency", "0"]).code, 2);
  });

  it("reports a program that fails under the mocks as bad input", async () => {
    await assert.rejects(
      runCheck({
        program: PROGRAM,
        projectDir: PROGRAMS,
        stack: "test",
        config: CONFIG,
        outDir: "",
        format: "text",
        cwd: ROOT,
        runner: () => Promise.reject(new Error("boom: gcp:region is required\n  at stack")),
      }),
      (e: unknown) => e instanceof InputError && e.message.endsWith("the program failed under the Pulumi mocks: boom: gcp:region is required"),
    );
  });
});

/**
 * Evidence: a line passes only when its gates checked at least one resource of the service (or a
 * stack-level one); otherwise it is `no-evidence`, never ticked, in every format. Evidence is
 * scoped to the service, stack-level resources labelled as such.
 */
import * as assert from "node:assert/strict";
import { auditState } from "../../cli/audit";
import { gitCommit, programProvenance, runTime, sha256 } from "../../cli/provenance";
import { renderHtml } from "../../cli/report/html";
import { CONTRACT_STATUSES, renderJson } from "../../cli/report/json";
import { renderJunit } from "../../cli/report/junit";
import { renderMarkdown } from "../../cli/report/markdown";
import type { Checked } from "../../cli/report/evaluation";
import { buildReport, type LineReport, type Report } from "../../cli/report/model";
import { GATES } from "../../policypack/src/catalog";
import { renderSarif } from "../../cli/report/sarif";
import { renderText } from "../../cli/report/text";
import * as fs from "node:fs";
import * as path from "node:path";
import { mutatedExport, resourcesOf, ROOT, runCli, tmpDir, TODAY } from "./support";

const P = "urn:pulumi:prod::readiness::";
const PRODUCTION = `${ROOT}/policypack/config/production.json`;
const AUDIT_CONFIG_FILE = `${ROOT}/test/fixtures/state/audit-config.json`;

function line(report: Report, service: string, text: string): LineReport {
  const l = report.checklists.find((c) => c.service === service)?.sections.flatMap((s) => s.lines).find((x) => x.text === text);
  assert.ok(l, `${service}: ${text}`);
  return l;
}

function names(l: LineReport): string[] {
  return l.evidence.flatMap((e) => (Array.isArray(e.checked) ? e.checked.map((r) => `${r.name}${r.service ? "" : " (stack-level)"}`) : []));
}

describe("evidence and no-evidence (cli/report)", function () {
  this.timeout(120_000);
  let report: Report;

  before(async () => {
    // The export fixture plus a bucket of a fourth service, billing.
    const file = mutatedExport((d) => {
      const rs = resourcesOf(d);
      const provider = rs.find((r) => r["type"] === "gcp:storage/bucket:Bucket")?.["provider"];
      const props = { name: "billing-ledger", location: "europe-west1", labels: { service: "billing" }, uniformBucketLevelAccess: true };
      rs.push({
        urn: `${P}gcp:storage/bucket:Bucket::billing-ledger`,
        custom: true,
        type: "gcp:storage/bucket:Bucket",
        id: "billing-ledger",
        inputs: props,
        outputs: props,
        parent: `${P}pulumi:pulumi:Stack::readiness-prod`,
        provider,
      });
    });
    report = await auditState(file, { config: PRODUCTION, today: TODAY, cwd: ROOT, checklist: ["billing=test/fixtures/checklists/billing-evidence.md"] });
  });

  it("scopes evidence to the service: billing's lines cite billing's resources and stack-level ones, never another service's", () => {
    const residency = line(report, "billing", "Data residency: confirmed all production storage in europe-west1");
    assert.equal(residency.status, "pass");
    assert.deepEqual(names(residency), ["registration-ring (stack-level)", "billing-ledger"]);
    const maint = line(report, "maintenance", "Data residency: confirmed all production storage in europe-west1");
    assert.equal(maint.status, "fail");
    assert.ok(!names(maint).includes("billing-ledger"));
    assert.deepEqual(line(report, "billing", "Invoices retained").evidence.map((e) => [e.gate, e.status]), [["regulated-data-retention", "pass"]]);
    // Billing's own finding is billing's, not every service's.
    assert.equal(report.summary.byService["billing"]?.mandatory, 1);
    assert.deepEqual(
      report.violations.filter((v) => v.service === "billing").map((v) => [v.policy, v.name]),
      [["cmek-required", "billing-ledger"]],
    );
  });

  it("a line whose gates checked nothing is no-evidence, counted apart and never a pass", () => {
    for (const text of ["Backups and PITR enabled", "Migration job runs before deploy", "Log archive sink configured"]) {
      const l = line(report, "billing", text);
      assert.equal(l.status, "no-evidence", text);
      assert.deepEqual(names(l), [], text);
    }
    assert.equal(line(report, "billing", "On-call rotation assigned").status, "manual");
    // In the contract's status names (docs/contract.md §5), in their order.
    assert.deepEqual(Object.entries(report.summary.checklists["billing"] ?? {}), [
      ["pass", 2],
      ["fail", 0],
      ["advisory", 0],
      ["undecided", 0],
      ["waived", 0],
      ["no-evidence", 3],
      ["manual", 1],
      ["signed", 0],
      ["not-applicable", 0],
    ]);
    // The seed lines the issue measured as vacuous: no Job, no outbox alert, no sink in this export.
    assert.equal(line(report, "registration", "Outbox lag alert firing + tested").status, "no-evidence");
    assert.equal(line(report, "maintenance", "BigQuery archive sink connected and ingesting").status, "no-evidence");
    assert.equal(line(report, "maintenance", "All tables have RLS enabled with tenant_id policy").status, "no-evidence", "no migrations");
    assert.equal(line(report, "config", "No hardcoded secrets or credentials").status, "no-evidence", "no workload");
    // Every pass in the report has at least one checked resource behind each of its gates.
    for (const c of report.checklists) {
      for (const l of c.sections.flatMap((s) => s.lines)) {
        if (l.status !== "pass") continue;
        for (const e of l.evidence) assert.ok(Array.isArray(e.checked) && e.checked.length > 0, `${c.service}: ${l.text}: ${e.gate}`);
      }
    }
  });

  it("shows no-evidence distinctly in every format: never ticked, JUnit skipped with its reason, SARIF says so", () => {
    const md = renderMarkdown(report);
    assert.ok(md.includes("- [ ] Migration job runs before deploy — ⭕ no evidence: nothing was checked\n  - `migration-job-before-deploy`"));
    assert.ok(md.includes("no evidence: no resource of this service (nor a stack-level one) of the kinds the policy is defined over"));
    assert.ok(md.includes("- [x] Data residency: confirmed all production storage in europe-west1 — ✅ passed"));
    assert.ok(md.includes("`registration-ring` (gcp:kms/keyRing:KeyRing, stack-level)"));
    assert.doesNotMatch(md, /\[x\][^\n]*(⭕|➖)/);
    const junit = renderJunit(report);
    assert.ok(junit.includes('<testcase classname="readiness-guard.log-archive-sink" name="no evidence">\n      <skipped message="no evidence: the policy checked no resource of this stack; the checklist line needs sign-off"/>'));
    assert.doesNotMatch(junit, /name="no violations"\/>/);
    const sarif = JSON.parse(renderSarif(report)) as {
      runs: { invocations: { toolExecutionNotifications: { level: string; message: { text: string } }[] }[]; tool: { driver: { rules: { id: string; properties: { checkedResources?: number } }[] } } }[];
    };
    const run = sarif.runs[0];
    assert.ok(run?.invocations[0]?.toolExecutionNotifications.some((n) => n.level === "warning" && n.message.text.startsWith("log-archive-sink: no evidence")));
    assert.equal(run?.tool.driver.rules.find((r) => r.id === "log-archive-sink")?.properties.checkedResources, 0);
    const html = renderHtml(report);
    assert.ok(html.includes('<span class="badge s-no-evidence">∅ no evidence: nothing was checked</span> <span class="text">Migration job runs before deploy</span>'));
    assert.match(renderText(report, { packLocation: "in-process" }), /billing: 5 automated lines \(2 passed, 3 no evidence: nothing was checked\), 1 manual line need sign-off/);
  });
});

describe("JSON contract of the checklists (docs/contract.md)", function () {
  this.timeout(120_000);

  it("gives each service's lines as written, a contract status, the gates and the checked resources' URNs", async () => {
    const report = await auditState(`${ROOT}/test/fixtures/state/prod-violations.json`, {
      config: `${ROOT}/test/fixtures/state/audit-config.json`,
      today: TODAY,
      cwd: ROOT,
      checklist: ["billing=test/fixtures/checklists/billing-bullets.md"],
    });
    type Line = { text: string; status: string; gates: string[]; evidence: { urn: string; scope: string; gates: string[] }[] };
    const j = JSON.parse(renderJson(report)) as { checklists: { service: string; sections: { lines: Line[] }[] }[] };
    assert.deepEqual(j.checklists.map((c) => c.service), ["config", "registration", "maintenance", "billing"]);
    const lines = j.checklists.flatMap((c) => c.sections.flatMap((s) => s.lines));
    for (const l of lines) {
      assert.ok((CONTRACT_STATUSES as readonly string[]).includes(l.status), l.status);
      assert.doesNotMatch(l.text, /<!--/);
      if (l.status === "pass") assert.ok(l.evidence.length > 0, l.text);
      if (l.status === "manual") assert.deepEqual([l.gates, l.evidence], [[], []]);
    }
    const backups = j.checklists[2]?.sections.flatMap((s) => s.lines).find((l) => l.text.startsWith("Backups: daily full"));
    assert.deepEqual(backups && [backups.status, backups.gates, backups.evidence.map((e) => [e.urn, e.scope, e.gates])], [
      "fail",
      ["cloudsql-backups-pitr", "cloudsql-cross-region-replica"],
      [["urn:pulumi:prod::readiness::gcp:sql/databaseInstance:DatabaseInstance::maintenance-db", "service", ["cloudsql-backups-pitr", "cloudsql-cross-region-replica"]]],
    ]);
    // A policy the config disabled checked nothing: no-evidence in the contract.
    const secrets = j.checklists[0]?.sections.flatMap((s) => s.lines).find((l) => l.text === "No hardcoded secrets or credentials");
    assert.deepEqual(secrets && [secrets.status, secrets.evidence], ["no-evidence", []]);
    const enc = j.checklists[3]?.sections.flatMap((s) => s.lines).find((l) => l.text === "All invoices encrypted at rest");
    assert.deepEqual(enc?.gates, ["cmek-required"]);
  });
});

describe("services from the stack (cli/audit stackServices, cli/checklists)", function () {
  this.timeout(120_000);

  it("reports the stack's services only: a service without a checklist gets the default template, in one line", async () => {
    const file = mutatedExport((d) => {
      const rs = resourcesOf(d);
      const provider = rs.find((r) => r["type"] === "gcp:storage/bucket:Bucket")?.["provider"];
      const props = { name: "billing-ledger", location: "europe-west1", labels: { service: "billing" } };
      rs.push({ urn: `${P}gcp:storage/bucket:Bucket::billing-ledger`, custom: true, type: "gcp:storage/bucket:Bucket", id: "b", inputs: props, outputs: props, provider });
    });
    const r = await auditState(file, { config: PRODUCTION, today: TODAY, cwd: ROOT });
    assert.deepEqual(r.checklists.map((c) => [c.service, c.file]), [
      ["config", "checklists/config.md"],
      ["registration", "checklists/registration.md"],
      ["maintenance", "checklists/maintenance.md"],
      ["billing", "checklists/default.md"],
    ]);
    assert.deepEqual(r.notes.filter((n) => n.includes("default template")), [
      "Service 'billing' has no checklist of its own: the default template (checklists/default.md) is used. Fix: give one with --checklist billing=<file>.",
    ]);
    const billing = r.checklists[3];
    // The default template holds only automatable lines, each with its gates (markers in the file).
    assert.ok(billing?.sections.every((s) => s.lines.every((l) => l.evidence.length > 0 && l.status !== "manual")));
    assert.equal(line(r, "billing", "Data residency: confirmed all production storage in europe-west1").status, "pass");
  });

  it("reports a stack that labels no service as one service named after the project, never the seed services", async () => {
    const strip = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(strip);
      else if (v !== null && typeof v === "object") {
        const o = v as Record<string, unknown>;
        for (const [k, x] of Object.entries(o)) {
          if (/labels$/i.test(k) && x !== null && typeof x === "object") {
            for (const l of Object.keys(x as Record<string, unknown>)) if (/service|part-of|app\.kubernetes\.io\/name|^app$/.test(l)) delete (x as Record<string, unknown>)[l];
          } else strip(x);
        }
      }
    };
    const file = mutatedExport((d) => strip(d));
    const r = await auditState(file, { config: PRODUCTION, today: TODAY, cwd: ROOT });
    assert.deepEqual(r.checklists.map((c) => [c.service, c.file]), [["readiness", "checklists/default.md"]]);
    assert.ok(r.notes.includes("The stack labels no service: it is reported as one service named after the project, 'readiness'."));
    // Its resources are all stack-level: the evidence says so, and it is evidence for the one service.
    const residency = line(r, "readiness", "Data residency: confirmed all production storage in europe-west1");
    assert.equal(residency.status, "fail");
    assert.ok(residency.evidence.every((e) => Array.isArray(e.checked) && e.checked.every((x) => x.service === undefined)));
  });
});

describe("inputs that prove nothing (exit 2, one line)", function () {
  this.timeout(120_000);

  it("refuses an empty stack, a config that disables every policy, and an event log with no policy event of this pack", () => {
    const empty = mutatedExport((d) => {
      const rs = resourcesOf(d);
      const keep = rs.filter((r) => r["type"] === "pulumi:pulumi:Stack" || String(r["type"]).startsWith("pulumi:providers:"));
      rs.splice(0, rs.length, ...keep);
    });
    const a = runCli(["audit", "--state", empty, "--config", PRODUCTION]);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /^readiness: [^\n]*: the stack holds no resource \(only the stack and its providers\), so nothing can be proven ready\. Fix: [^\n]*\n$/);
    const dir = tmpDir("disabled");
    const off = path.join(dir, "off.json");
    fs.writeFileSync(off, JSON.stringify({ all: "disabled" }));
    const b = runCli(["audit", "--state", `${ROOT}/test/fixtures/state/prod-violations.json`, "--config", off]);
    assert.equal(b.code, 2);
    assert.equal(b.stderr, `readiness: the pack config disables every policy, so nothing can be proven ready. Fix: enable the policies (remove "all": "disabled" or enable them one by one).\n`);
    const log = path.join(dir, "events.jsonl");
    fs.writeFileSync(log, "");
    const c = runCli(["audit", "--events", log]);
    assert.equal(c.code, 2);
    assert.match(c.stderr, /^readiness: [^\n]+\n$/);
  });
});

describe("provenance and readiness verify (cli/provenance)", function () {
  this.timeout(120_000);

  it("states when the evidence was taken, the input's and config's sha256, pack and tool; verify detects an edit", () => {
    const dir = tmpDir("verify");
    const out = path.join(dir, "r.json");
    const a = runCli(["audit", "--state", "test/fixtures/state/prod-violations.json", "--config", "test/fixtures/state/audit-config.json", "--today", TODAY, "--format", "json", "--out", out]);
    assert.equal(a.code, 1, a.stderr);
    const text = fs.readFileSync(out, "utf8");
    const j = JSON.parse(text) as { provenance: Record<string, unknown> & { input: { sha256: string }; config: { file: string; sha256: string }; pack: { version: string } }; digest: { sha256: string } };
    assert.equal(j.provenance["evidenceTimeSource"], "manifest");
    assert.match(String(j.provenance["evidenceTime"]), /^\d{4}-\d{2}-\d{2}T/);
    assert.equal(j.provenance.input.sha256, sha256(fs.readFileSync(`${ROOT}/test/fixtures/state/prod-violations.json`)));
    assert.deepEqual(j.provenance.config, { file: "test/fixtures/state/audit-config.json", sha256: sha256(fs.readFileSync(AUDIT_CONFIG_FILE)) });
    assert.match(j.digest.sha256, /^[0-9a-f]{64}$/);
    const ok = runCli(["verify", out]);
    assert.deepEqual([ok.code, ok.stdout], [0, `${out}: untouched (sha256 ${j.digest.sha256}).\n`]);
    fs.writeFileSync(out, text.replace('"result": "fail"', '"result": "pass"'));
    const edited = runCli(["verify", out]);
    assert.equal(edited.code, 1);
    assert.match(edited.stdout, /EDITED/);
    fs.writeFileSync(out, "{}");
    const none = runCli(["verify", out]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /^readiness: [^\n]*: has no digest/);
  });

  it("takes the run time from SOURCE_DATE_EPOCH, so identical input gives identical reports", () => {
    assert.deepEqual(runTime({ SOURCE_DATE_EPOCH: "1700000000" }), { time: "2023-11-14T22:13:20.000Z", source: "SOURCE_DATE_EPOCH" });
    assert.throws(() => runTime({ SOURCE_DATE_EPOCH: "soon" }), /SOURCE_DATE_EPOCH: 'soon' is not a number/);
    assert.equal(runTime({}, () => new Date(0)).source, "clock");
  });
});

describe("sign-off files (cli/signoff)", function () {
  this.timeout(120_000);

  const billingExport = () =>
    mutatedExport((d) => {
      const rs = resourcesOf(d);
      const provider = rs.find((r) => r["type"] === "gcp:storage/bucket:Bucket")?.["provider"];
      const props = { name: "billing-ledger", location: "europe-west1", labels: { service: "billing" } };
      rs.push({ urn: `${P}gcp:storage/bucket:Bucket::billing-ledger`, custom: true, type: "gcp:storage/bucket:Bucket", id: "b", inputs: props, outputs: props, provider });
    });

  it("signs manual lines and roles, and declares a line not applicable until its expiry", async () => {
    const r = await auditState(billingExport(), {
      config: PRODUCTION,
      today: TODAY,
      cwd: ROOT,
      checklist: ["billing=test/fixtures/checklists/billing-evidence.md"],
      signoff: ["test/fixtures/checklists/billing-signoff.yaml"],
    });
    const oncall = line(r, "billing", "On-call rotation assigned");
    assert.equal(oncall.status, "signed");
    assert.deepEqual(oncall.signedBy?.map((s) => [s.name, s.role, s.date]), [["Jane Doe", "SRE", "2026-11-20"]]);
    const sink = line(r, "billing", "Log archive sink configured");
    assert.deepEqual([sink.status, sink.declaration?.approver], ["not-applicable", "cto@acme.example"]);
    // An expired declaration decides nothing: the line stays no-evidence, and a note says why.
    assert.equal(line(r, "billing", "Backups and PITR enabled").status, "no-evidence");
    assert.ok(r.notes.includes("test/fixtures/checklists/billing-signoff.yaml: the not-applicable declaration of 'Backups and PITR enabled' expired on 2026-01-31."));
    const billing = r.checklists.find((c) => c.service === "billing");
    assert.deepEqual(billing?.roles.map((x) => [x.role, x.signedBy?.name ?? "TBD"]), [["Tech Lead", "Sam Lee"], ["SRE", "TBD"]]);
    const md = renderMarkdown(r);
    assert.ok(md.includes("- [x] On-call rotation assigned — 🖋️ signed off\n  - signed off by Jane Doe (SRE, jane\\@acme.example) on 2026-11-20: PagerDuty schedule billing-primary"));
    assert.ok(md.includes("| Tech Lead | Sam Lee (sam\\@acme.example) | 2026-11-21 |"));
    const j = JSON.parse(renderJson(r)) as { checklists: { service: string; sections: { lines: { text: string; status: string }[] }[] }[] };
    const statuses = j.checklists.find((c) => c.service === "billing")?.sections.flatMap((s) => s.lines.map((l) => [l.text, l.status]));
    assert.deepEqual(statuses?.filter(([, st]) => st === "signed" || st === "not-applicable"), [
      ["Log archive sink configured", "not-applicable"],
      ["On-call rotation assigned", "signed"],
    ]);
  });

  it("rejects a sign-off file that is not valid, names an unknown line or service (exit 2, one line)", () => {
    const dir = tmpDir("signoff");
    const cases: [string, RegExp][] = [
      ["service: billing\nsignoffs:\n  - role: SRE\n    name: J\n    email: not-an-email\n    date: 2026-11-20\n", /: signoffs\.0\.email: /],
      ["service: billing\nnotApplicable:\n  - line: Log archive sink configured\n    justification: short\n    approver: a\n    expires: 2027-01-01\n", /notApplicable\.0\.justification: a justification of at least 20 characters/],
      ["service: billing\nsignoffs:\n  - line: No such line\n    role: SRE\n    name: J\n    email: j@x.example\n    date: 2026-11-20\n", /'No such line' is not a line of the billing checklist/],
      ["service: nobody\n", /service 'nobody' has no checklist in this report/],
    ];
    for (const [text, want] of cases) {
      const f = path.join(dir, "s.yaml");
      fs.writeFileSync(f, text);
      const x = runCli(["audit", "--state", "test/fixtures/state/prod-violations.json", "--config", "test/fixtures/state/audit-config.json", "--checklist", "billing=test/fixtures/checklists/billing-evidence.md", "--signoff", f]);
      assert.equal(x.code, 2, text);
      assert.match(x.stderr, /^readiness: [^\n]+\n$/);
      assert.match(x.stderr, want);
    }
  });
});

describe("--out never overwrites a checklist or a sign-off file (cli/output)", function () {
  this.timeout(120_000);

  it("refuses --out onto a --checklist file, a --checklists file or a --signoff file (exit 2, one line, file intact)", () => {
    const dir = tmpDir("out-inputs");
    const checklist = path.join(dir, "billing.md");
    fs.copyFileSync(`${ROOT}/test/fixtures/checklists/billing-evidence.md`, checklist);
    const signoff = path.join(dir, "billing-signoff.yaml");
    fs.copyFileSync(`${ROOT}/test/fixtures/checklists/billing-signoff.yaml`, signoff);
    fs.mkdirSync(path.join(dir, "lists", "billing"), { recursive: true });
    const inDir = path.join(dir, "lists", "billing", "SERVICE_READINESS.md");
    fs.copyFileSync(checklist, inDir);
    const audit = ["audit", "--state", "test/fixtures/state/prod-violations.json", "--config", "test/fixtures/state/audit-config.json", "--format", "markdown"];
    for (const [extra, target] of [
      [["--checklist", `billing=${checklist}`], checklist],
      [["--checklists", path.join(dir, "lists")], inDir],
      [["--checklist", `billing=${checklist}`, "--signoff", signoff], signoff],
    ] as const) {
      const before = fs.readFileSync(target, "utf8");
      const r = runCli([...audit, ...extra, "--out", target]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr, `readiness: ${target}: is an input file of this command, and the report would replace it. Fix: write the report to another path.\n`);
      assert.equal(fs.readFileSync(target, "utf8"), before, "the input is intact");
    }
  });
});

describe("the readiness verdict: lines without evidence are not ready (cli/report)", () => {
  const base = {
    source: { kind: "state" as const, file: "x.json" },
    pack: { name: "readiness-guard", version: "1.0.0" },
    toolVersion: "1.0.0",
    resources: 1,
    findings: [],
    evaluated: GATES.map((g) => g.name),
    services: ["billing"],
  };
  const ref = { urn: `${P}gcp:storage/bucket:Bucket::ledger`, name: "ledger", type: "gcp:storage/bucket:Bucket", service: "billing" };

  it("says 'not ready: N checklist lines without evidence' in every format, while the exit verdict stays pass", () => {
    const r = buildReport({ ...base, checked: new Map<string, Checked>(GATES.filter((g) => g.name !== "data-residency").map((g) => [g.name, [ref]])) });
    assert.deepEqual([r.summary.result, r.summary.readiness, r.summary.linesWithoutEvidence], ["pass", "not-ready", 1]);
    assert.ok(renderText(r, { packLocation: "x" }).includes("Readiness: not ready: 0 mandatory violations, 0 advisory, 0 undecided, 0 waived across 1 resource. 1 checklist line without evidence.\n"));
    assert.ok(renderMarkdown(r).includes("| Result | ⭕ **not ready**: 0 mandatory violations, 0 advisory, 0 undecided, 0 waived; 1 checklist line without evidence |"));
    assert.ok(renderHtml(r).includes(`<span class="result fail">NOT READY</span> 0 mandatory violations, 0 advisory, 0 undecided, 0 waived; 1 checklist line without evidence`));
    const j = JSON.parse(renderJson(r)) as { summary: { result: string; readiness: string; linesWithoutEvidence: number; checklists: Record<string, Record<string, number>> }; checklists: { counts: Record<string, number> }[] };
    assert.deepEqual([j.summary.result, j.summary.readiness, j.summary.linesWithoutEvidence], ["pass", "not-ready", 1]);
    assert.deepEqual(Object.keys(j.summary.checklists["billing"] ?? {}), [...CONTRACT_STATUSES]);
    assert.deepEqual(Object.keys(j.checklists[0]?.counts ?? {}), [...CONTRACT_STATUSES]);
    assert.equal(j.summary.checklists["billing"]?.["no-evidence"], 1);
  });

  it("says 'ready' only when every line has evidence and nothing mandatory fails", () => {
    const r = buildReport({ ...base, checked: new Map<string, Checked>(GATES.map((g) => [g.name, [ref]])) });
    assert.deepEqual([r.summary.result, r.summary.readiness, r.summary.linesWithoutEvidence], ["pass", "ready", 0]);
    assert.ok(renderText(r, { packLocation: "x" }).includes("Readiness: ready: 0 mandatory violations, 0 advisory, 0 undecided, 0 waived across 1 resource.\n"));
    assert.ok(renderMarkdown(r).includes("| Result | ✅ **ready**: 0 mandatory violations, 0 advisory, 0 undecided, 0 waived |"));
    assert.ok(renderHtml(r).includes(`<span class="result pass">READY</span>`));
    // A policy the config disabled is a line without evidence too.
    const off = buildReport({ ...base, evaluated: base.evaluated.filter((g) => g !== "data-residency"), checked: new Map<string, Checked>(GATES.map((g) => [g.name, [ref]])) });
    assert.deepEqual([off.summary.readiness, off.summary.linesWithoutEvidence], ["not-ready", 1]);
  });
});

describe("program provenance for readiness check (cli/provenance)", () => {
  const A = "a".repeat(40);
  const B = "b".repeat(40);

  it("reads HEAD from .git: detached, a loose ref, packed-refs, a linked work tree; none outside a work tree", () => {
    const root = tmpDir("git");
    const repo = path.join(root, "repo");
    fs.mkdirSync(path.join(repo, ".git", "refs", "heads"), { recursive: true });
    fs.mkdirSync(path.join(repo, "infra", "app"), { recursive: true });
    fs.writeFileSync(path.join(repo, ".git", "HEAD"), `${A}\n`);
    assert.equal(gitCommit(path.join(repo, "infra", "app")), A);
    fs.writeFileSync(path.join(repo, ".git", "HEAD"), "ref: refs/heads/main\n");
    fs.writeFileSync(path.join(repo, ".git", "packed-refs"), `# pack-refs with: peeled\n${B} refs/heads/main\n`);
    assert.equal(gitCommit(path.join(repo, "infra")), B);
    fs.writeFileSync(path.join(repo, ".git", "refs", "heads", "main"), `${A}\n`);
    assert.equal(gitCommit(repo), A, "a loose ref wins over packed-refs");
    // A linked work tree: .git is a file naming its git dir, whose commondir holds the refs.
    const wt = path.join(repo, ".git", "worktrees", "wt");
    fs.mkdirSync(wt, { recursive: true });
    fs.writeFileSync(path.join(wt, "HEAD"), "ref: refs/heads/main\n");
    fs.writeFileSync(path.join(wt, "commondir"), "../..\n");
    const linked = path.join(root, "linked");
    fs.mkdirSync(linked);
    fs.writeFileSync(path.join(linked, ".git"), `gitdir: ${wt}\n`);
    assert.equal(gitCommit(linked), A);
    fs.writeFileSync(path.join(wt, "HEAD"), "ref: refs/heads/gone\n");
    assert.equal(gitCommit(linked), undefined, "an unresolvable HEAD is omitted, not an error");
    const outside = path.join(root, "plain");
    fs.mkdirSync(outside);
    if (gitCommit(root) === undefined) assert.equal(gitCommit(outside), undefined);
  });

  it("hashes the project's source files in path order, without node_modules, dot folders or the report folder", () => {
    const dir = tmpDir("program");
    const write = (f: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), text);
    };
    write("index.ts", "export {};\n");
    write("Pulumi.yaml", "name: shop\n");
    write("lib/b.js", "b\n");
    write("node_modules/x/index.js", "x\n");
    write(".cache/y.json", "{}\n");
    write("reports/readiness.json", "{}\n");
    write("notes.txt", "not a source file\n");
    const p = programProvenance(dir, "shop", [path.join(dir, "reports")]);
    const lines = ["Pulumi.yaml", "index.ts", "lib/b.js"].map((f) => `${sha256(fs.readFileSync(path.join(dir, f)))}  ${f}\n`).join("");
    assert.deepEqual([p.projectDir, p.files, p.sha256, p.truncated], ["shop", 3, sha256(lines), undefined]);
    write("lib/b.js", "b changed\n");
    assert.notEqual(programProvenance(dir, "shop", [path.join(dir, "reports")]).sha256, p.sha256, "an edit changes the digest");
  });
});

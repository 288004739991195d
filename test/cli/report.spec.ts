/**
 * The audit report: model (statuses, summary, determinism) and every format (text, JSON contract,
 * SARIF validated against the published schema, JUnit, Markdown, HTML looked at in Chromium).
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import { GATES } from "../../policypack/src/catalog";
import type { Finding } from "../../policypack/src/engine/run";
import { auditState } from "../../cli/audit";
import { renderHtml } from "../../cli/report/html";
import { render, REPORT_FILES, writeReports } from "../../cli/report/index";
import { renderJson } from "../../cli/report/json";
import { renderJunit, xmlEscape } from "../../cli/report/junit";
import { md, renderMarkdown } from "../../cli/report/markdown";
import type { Checked } from "../../cli/report/evaluation";
import { buildReport, worst, type LineReport, type Report } from "../../cli/report/model";
import { artifactLocationOf, renderSarif } from "../../cli/report/sarif";
import { renderText } from "../../cli/report/text";
import { AUDIT_CONFIG, EXPORT, mutatedExport, PACK_VERSION, resourcesOf, ROOT, tmpDir, TODAY } from "./support";
import { countColour, readPng } from "../support/png";

const CHROMIUM = "/usr/bin/chromium";
const SECRETS = ["hunter2-Super-Secret-Pw", "v1:Hk3p0hZ1Zm9vYmFyYmF6cXV4c2VjcmV0LWNpcGhlcnRleHQ="];
const P = "urn:pulumi:prod::readiness::";

function line(report: Report, service: string, text: string): LineReport {
  const c = report.checklists.find((x) => x.service === service);
  const l = c?.sections.flatMap((s) => s.lines).find((x) => x.text === text);
  assert.ok(l, `${service}: ${text}`);
  return l;
}

/** Tag balance and escaping of an XML document (no XML parser is installed). */
function assertWellFormedXml(xml: string): void {
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
  const body = xml.slice(xml.indexOf("?>") + 2);
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"<]*")*)\s*(\/?)>/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = tag.exec(body))) {
    const text = body.slice(last, m.index);
    assert.ok(!/[<>]/.test(text) && !/&(?!(amp|lt|gt|quot|apos);)/.test(text), `bad text: ${text.slice(0, 80)}`);
    last = tag.lastIndex;
    const [, close, name, , self] = m;
    if (close) assert.equal(stack.pop(), name, `closing ${name}`);
    else if (!self) stack.push(name as string);
  }
  assert.equal(body.slice(last).trim(), "");
  assert.deepEqual(stack, []);
}

describe("audit report (cli/report)", function () {
  this.timeout(120_000);
  let report: Report;

  before(async () => {
    report = await auditState(EXPORT, { config: AUDIT_CONFIG, today: TODAY, cwd: ROOT });
  });

  describe("model", () => {
    it("lists exactly the known violations, sorted, with the checklist lines they refute", () => {
      assert.deepEqual(
        report.violations.map((v) => [v.policy, v.name, v.enforcementLevel, v.service ?? "-"]),
        [
          ["cloudsql-backups-pitr", "maintenance-db", "mandatory", "maintenance"],
          ["cloudsql-cross-region-replica", "maintenance-db", "mandatory", "maintenance"],
          ["cloudsql-hardening", "maintenance-db", "mandatory", "maintenance"],
          ["cmek-required", "maintenance-db", "mandatory", "maintenance"],
          ["data-residency", "maintenance-invoices", "mandatory", "maintenance"],
          ["no-static-service-account-keys", "ci-deployer-key", "mandatory", "-"],
        ],
      );
      const residency = report.violations.find((v) => v.policy === "data-residency");
      assert.deepEqual(residency?.gate, [
        { checklist: "002", service: "maintenance", section: "12. Compliance", line: "Data residency: confirmed all production storage in europe-west1" },
      ]);
      assert.equal(residency?.severity, "critical");
      assert.match(residency?.message ?? "", /'maintenance-invoices' \(gcp:storage\/bucket:Bucket\): is stored in a multi-region .*found "EU"/);
    });

    it("keeps waived findings apart, with justification, approver, expiry and ticket", () => {
      assert.equal(report.waived.length, 1);
      const w = report.waived[0];
      assert.deepEqual(
        [w?.policy, w?.name, w?.kind, w?.justification, w?.approver, w?.expires, w?.ticket, w?.waiverFor],
        ["cmek-required", "config-exports", "waived", "Exports bucket moves to the CMEK key ring with the Q1 platform release", "sre.lead@acme.example", "2027-02-28", "OPS-2211", "config-exports"],
      );
    });

    it("summarises by level, policy and service, and fails on any mandatory violation", () => {
      const s = report.summary;
      assert.deepEqual([s.result, s.resources, s.mandatory, s.advisory, s.undecided, s.waived], ["fail", 13, 6, 0, 0, 1]);
      assert.deepEqual(s.byLevel, { mandatory: 6, advisory: 0 });
      assert.deepEqual(s.byPolicy["cmek-required"], { mandatory: 1, advisory: 0, undecided: 0, waived: 1 });
      assert.deepEqual(Object.keys(s.byService), ["(no service)", "config", "maintenance"]);
      assert.deepEqual(s.byService["maintenance"], { mandatory: 5, advisory: 0, undecided: 0, waived: 0 });
      assert.equal(report.date, TODAY);
    });

    it("ticks or crosses every automated line with its evidence; the rest needs sign-off", () => {
      const backups = line(report, "maintenance", "Backups: daily full + 7 d PITR; cross-region replica in europe-west4");
      assert.equal(backups.status, "fail");
      assert.deepEqual(
        backups.evidence.map((e) => [e.gate, e.status, Array.isArray(e.checked) ? e.checked.map((r) => r.name) : e.checked, e.findings.length]),
        [
          ["cloudsql-backups-pitr", "fail", ["maintenance-db"], 1],
          ["cloudsql-cross-region-replica", "fail", ["maintenance-db"], 1],
        ],
      );
      assert.equal(line(report, "maintenance", "Data residency: confirmed all production storage in europe-west1").status, "fail");
      const portrait = line(report, "registration", "Portrait encryption key configured in secret manager");
      assert.equal(portrait.status, "pass");
      assert.deepEqual(Array.isArray(portrait.evidence[0]?.checked) && portrait.evidence[0]?.checked.map((r) => r.name), [
        "registration-db",
        "registration-db-replica",
      ]);
      assert.equal(line(report, "config", "Secret rotation procedure documented").status, "pass");
      assert.equal(line(report, "config", "No hardcoded secrets or credentials").status, "not-evaluated", "disabled in the audit config");
      assert.equal(line(report, "config", "On-call rotation assigned").status, "manual");
      const c = report.summary.checklists["maintenance"];
      assert.deepEqual([c?.fail, c?.pass, c?.manual], [6, 1, 75]);
    });

    it("shows waived, advisory, undecided and nothing-to-check lines, and a line passes only when all its gates pass", () => {
      const urn = `${P}gcp:storage/bucket:Bucket::invoices`;
      const finding = (over: Partial<Finding>): Finding => ({
        policy: "cmek-required",
        kind: "violation",
        level: "mandatory",
        severity: "high",
        message: "m",
        urn,
        name: "invoices",
        type: "gcp:storage/bucket:Bucket",
        service: "maintenance",
        ...over,
      });
      const r = buildReport({
        source: { kind: "state", file: "x.json" },
        pack: { name: "readiness-guard", version: "1.0.0" },
        toolVersion: "1.0.0",
        resources: 1,
        findings: [
          finding({ kind: "waived", waiver: { resource: "invoices", justification: "j".repeat(20), approver: "a@b.c", expires: "2027-01-01", index: 0, expired: false } }),
          finding({ policy: "workload-telemetry", level: "advisory", message: "advisory one" }),
          finding({ policy: "alert-runbooks", kind: "undecided", level: "advisory", message: "unknown until apply" }),
          finding({ policy: "some-other-pack-policy", severity: "low", service: undefined }),
        ],
        evaluated: ["cmek-required", "kms-key-hygiene", "workload-telemetry", "alert-runbooks", "uptime-checks", "log-archive-sink"],
        checked: new Map<string, Checked>([
          ["cmek-required", [{ urn, name: "invoices", type: "gcp:storage/bucket:Bucket", service: "maintenance" }]],
          // An unlabelled key: stack-level evidence, on every service's line.
          ["kms-key-hygiene", [{ urn: `${P}gcp:kms/cryptoKey:CryptoKey::ring-key`, name: "ring-key", type: "gcp:kms/cryptoKey:CryptoKey" }]],
          ["uptime-checks", []],
          ["log-archive-sink", "stack"],
        ]),
      });
      assert.equal(line(r, "maintenance", "CMEK enabled on Cloud SQL and melmastoon-vendor-invoices/ bucket").status, "waived");
      assert.equal(line(r, "maintenance", "OTel tracing enabled with required attributes (per OBSERVABILITY.md §1)").status, "warn");
      assert.equal(line(r, "maintenance", "Alerts configured per OBSERVABILITY.md §6 with runbook links").status, "undecided");
      // A gate that checked nothing is no evidence, never a pass nor "nothing to check".
      assert.equal(line(r, "maintenance", "Synthetic checks running every 60 s from 3 regions").status, "no-evidence");
      assert.equal(line(r, "maintenance", "BigQuery archive sink connected and ingesting").status, "no-evidence", "looked at no resource");
      assert.equal(line(r, "config", "Secret rotation procedure documented").status, "pass", "stack-wide evidence");
      assert.deepEqual(line(r, "registration", "Outbox lag alert firing + tested").status, "not-evaluated");
      assert.equal(worst(["pass", "no-evidence"]), "no-evidence");
      assert.equal(worst(["no-evidence", "fail"]), "fail");
      assert.equal(r.summary.result, "fail", "the other pack's mandatory finding");
      assert.deepEqual(r.summary.byService["(no service)"], { mandatory: 1, advisory: 0, undecided: 0, waived: 0 });
      assert.deepEqual(r.summary.byService["maintenance"], { mandatory: 0, advisory: 1, undecided: 1, waived: 1 });
      assert.deepEqual(r.policies.at(-1), {
        name: "some-other-pack-policy",
        title: "some-other-pack-policy",
        description: "some-other-pack-policy",
        severity: "low",
        level: "mandatory",
        remediation: "",
        url: "",
        gate: [],
        evaluated: true,
      });
      assert.equal(r.date, undefined);
      assert.equal(worst(["pass", "not-applicable"]), "pass");
      assert.equal(worst(["waived", "pass"]), "waived");
      assert.equal(worst(["pass", "not-evaluated"]), "not-evaluated");
      assert.equal(worst(["undecided", "warn", "fail"]), "fail");
      assert.equal(worst([]), "not-applicable");
    });

    it("is deterministic: the same export in another order gives byte-identical reports", async () => {
      const reversed = mutatedExport((d) => resourcesOf(d).reverse());
      const again = await auditState(reversed, { config: AUDIT_CONFIG, today: TODAY, cwd: ROOT });
      // Another file with other bytes: its own provenance (same evidence time), the rest identical.
      assert.notEqual(again.provenance?.input.sha256, report.provenance?.input.sha256);
      assert.equal(again.provenance?.evidenceTime, report.provenance?.evidenceTime);
      const same = { ...again, source: report.source, provenance: report.provenance };
      for (const f of ["json", "sarif", "junit", "markdown", "html", "text"] as const) {
        assert.equal(render(same, f, { packLocation: "x" }), render(report, f, { packLocation: "x" }), f);
      }
    });
  });

  describe("formats", () => {
    it("never prints a secret value in any format", () => {
      for (const f of ["json", "sarif", "junit", "markdown", "html", "text"] as const) {
        const out = render(report, f, { packLocation: "in-process" });
        for (const s of SECRETS) assert.ok(!out.includes(s), `${f} leaks a secret`);
      }
    });

    it("text: groups violations like `pulumi preview`, then waivers and the readiness summary", () => {
      const t = renderText(report, { packLocation: "in-process" });
      assert.ok(t.startsWith(`Policies:\n    ❌ readiness-guard@v${PACK_VERSION} (in-process)\n`), t.slice(0, 200));
      assert.ok(t.includes("        - [mandatory]  cloudsql-hardening  (gcp:sql/databaseInstance:DatabaseInstance: maintenance-db)\n          Cloud SQL hardening\n          'maintenance-db'"));
      assert.ok(t.includes("    - [waived]  cmek-required  (gcp:storage/bucket:Bucket: config-exports)\n      until 2027-02-28, approved by sre.lead@acme.example (OPS-2211): "));
      assert.ok(t.includes("Readiness: NOT READY: 6 mandatory violations, 0 advisory, 0 undecided, 1 waived across 13 resources."));
      assert.match(t, /maintenance: 25 automated lines \(1 passed, 6 failed, 18 not evaluated: needs sign-off\), 75 manual lines need sign-off/);
    });

    it("JSON: the contract fields, first, for every violation; waived and summary alongside", () => {
      const j = JSON.parse(renderJson(report)) as { violations: Record<string, unknown>[]; waived: Record<string, unknown>[]; summary: Record<string, unknown> };
      assert.deepEqual(Object.keys(j).slice(0, 3), ["violations", "waived", "summary"]);
      for (const v of j.violations) {
        assert.deepEqual(Object.keys(v).slice(0, 6), ["policy", "urn", "enforcementLevel", "severity", "message", "gate"]);
        assert.ok(Array.isArray(v["gate"]) && (v["gate"] as unknown[]).length > 0);
      }
      assert.equal(j.violations.length, 6);
      assert.equal(j.waived[0]?.["justification"], "Exports bucket moves to the CMEK key ring with the Q1 platform release");
      assert.equal(j.summary["result"], "fail");
    });

    it("SARIF: valid against the published SARIF 2.1.0 schema, one rule per policy, waivers as accepted suppressions", () => {
      const schemaFile = path.join(ROOT, "test", "fixtures", "schemas", "sarif-schema-2.1.0.json");
      const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8")) as Record<string, unknown>;
      assert.equal(fs.readFileSync(schemaFile, "utf8").length, 112_768, "the schema file is the published one, unchanged");
      const { $schema, id, ...rest } = schema;
      assert.equal($schema, "http://json-schema.org/draft-04/schema#");
      const ajv = new Ajv({ strict: false, allErrors: true });
      ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:[^\s]*$/i);
      ajv.addFormat("uri-reference", /^[^\s]*$/);
      ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)));
      const validate = ajv.compile({ ...rest, $id: id as string });
      const log = JSON.parse(renderSarif(report)) as {
        runs: { tool: { driver: { rules: { id: string }[] } }; results: Record<string, unknown>[]; artifacts: unknown[] }[];
      };
      assert.ok(validate(log), ajv.errorsText(validate.errors));
      const run = log.runs[0];
      assert.equal(run?.tool.driver.rules.length, GATES.length);
      assert.equal(run?.results.length, 7);
      const bad = JSON.parse(JSON.stringify(log)) as { runs: { results: Record<string, unknown>[] }[] };
      (bad.runs[0]?.results[0] as Record<string, unknown>)["level"] = "fatal";
      assert.ok(!validate(bad), "the validator rejects an invalid level");
      const residency = run?.results.find((r) => r["ruleId"] === "data-residency") as Record<string, unknown>;
      assert.equal(residency["level"], "error");
      assert.deepEqual((residency["locations"] as { logicalLocations: unknown[] }[])[0]?.logicalLocations, [
        { name: "maintenance-invoices", fullyQualifiedName: `${P}gcp:storage/bucket:Bucket::maintenance-invoices`, kind: "resource" },
      ]);
      assert.deepEqual(run?.artifacts, [
        { location: { uri: "test/fixtures/state/prod-violations.json", uriBaseId: "%SRCROOT%" }, roles: ["analysisTarget"] },
      ]);
      assert.deepEqual(artifactLocationOf("my stacks/a#1?.json"), { uri: "my%20stacks/a%231%3F.json", uriBaseId: "%SRCROOT%" });
      assert.deepEqual(artifactLocationOf("/srv/x y/export.json"), { uri: "file:///srv/x%20y/export.json" }, "absolute: a file: URI and no uriBaseId (SARIF1004)");
      const waived = run?.results.find((r) => r["suppressions"]) as Record<string, unknown>;
      assert.deepEqual(waived["suppressions"], [
        {
          kind: "external",
          status: "accepted",
          justification: "Exports bucket moves to the CMEK key ring with the Q1 platform release (approved by sre.lead@acme.example, expires 2027-02-28, OPS-2211)",
        },
      ]);
    });

    it("JUnit: well-formed, one suite per policy, mandatory violations fail, waivers and policies that did not run are skipped", () => {
      const xml = renderJunit(report);
      assertWellFormedXml(xml);
      assert.match(xml, /<testsuites name="readiness-guard \(state: test\/fixtures\/state\/prod-violations\.json\)" tests="\d+" failures="6" errors="0" skipped="\d+">/);
      assert.equal((xml.match(/<testsuite /g) ?? []).length, GATES.length);
      assert.ok(xml.includes('<testcase classname="readiness-guard.data-residency" name="gcp:storage/bucket:Bucket: maintenance-invoices">\n      <failure type="mandatory" message="'));
      assert.ok(xml.includes('<skipped message="waived until 2027-02-28 by sre.lead@acme.example: Exports bucket'));
      assert.ok(xml.includes('<testcase classname="readiness-guard.regulated-data-retention" name="no violations">\n      <system-out>checked 2 resources</system-out>'));
      // No vacuous pass: a policy without findings passes only with the resources it checked.
      assert.doesNotMatch(xml, /name="no violations"\/>/);
      for (const m of xml.matchAll(/name="no violations">\n {6}<system-out>checked (\d+) resources?</g)) assert.ok(Number(m[1]) > 0);
      // The audit config enables a few policies and disables "all" others: those did not run.
      const enabled = Object.keys(JSON.parse(fs.readFileSync(AUDIT_CONFIG, "utf8")) as Record<string, unknown>).filter((k) => k !== "all");
      assert.equal((xml.match(/name="not evaluated"/g) ?? []).length, GATES.length - enabled.length);
      assert.equal(xmlEscape(`a<b & "c" 'd'\u0001>`), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
    });

    it("Markdown: each checklist laid out like its document, with ticks, evidence, waivers and sign-offs", () => {
      const m = renderMarkdown(report);
      assert.ok(m.startsWith("# Readiness report\n"));
      assert.ok(m.includes("- [ ] Backups: daily full + 7 d PITR; cross-region replica in europe-west4 — ❌ failed\n  - `cloudsql-backups-pitr` Cloud SQL backups and point-in-time recovery: ❌ failed; checked 1 resource: `maintenance-db`"));
      assert.ok(m.includes("- [x] Secret rotation procedure documented — ✅ passed"));
      assert.ok(m.includes("| Portrait encryption key configured in secret manager | ✅ passed |  | `cmek-required`"), "001 as tables");
      assert.ok(m.includes("| tenant-isolation.integration.spec.ts passes | ✍️ manual: needs sign-off | Mandatory |  |"));
      assert.ok(m.includes("- Sign-off: DBA, SRE — ✍️ manual: needs sign-off"));
      assert.ok(m.includes("| `cmek-required` | `urn:pulumi:prod::readiness::gcp:storage/bucket:Bucket::config-exports` | Exports bucket moves to the CMEK key ring with the Q1 platform release | sre.lead\\@acme.example | 2027-02-28 | OPS-2211 |"));
      assert.equal(md("a|b <c> *d* _e_ [f]"), "a\\|b \\<c\\> \\*d\\* \\_e\\_ \\[f\\]");
    });

    it("HTML: self-contained and escaped", () => {
      const evil = buildReport({
        source: { kind: "state", file: "x.json" },
        pack: { name: "readiness-guard", version: "1" },
        toolVersion: "1",
        resources: 1,
        findings: [{ policy: "data-residency", kind: "violation", level: "mandatory", severity: "critical", message: "<script>alert(1)</script>", urn: `${P}gcp:storage/bucket:Bucket::b`, name: "b" }],
        evaluated: ["data-residency"],
      });
      const h = renderHtml(evil);
      assert.ok(!h.includes("<script>") && h.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
      assert.ok(!/(src|href)="https?:/.test(h), "no external requests");
    });

    it("HTML: renders in headless Chromium (screenshot: 1280x2000, the pass, fail and sign-off badges drawn)", function () {
      // Skipped only when asked to; otherwise a missing browser fails with its fix (CI installs it).
      if (process.env["READINESS_SKIP_CHROMIUM"] === "1") this.skip();
      assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} not found. Fix: apt-get install -y chromium (as .ci/run does), or set READINESS_SKIP_CHROMIUM=1 to skip this check.`);
      const dir = tmpDir("html");
      const [html] = writeReports(report, dir).filter((p) => p.endsWith(".html"));
      const png = path.join(dir, "report.png");
      const r = spawnSync(
        CHROMIUM,
        [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          `--user-data-dir=${path.join(dir, "profile")}`,
          `--screenshot=${png}`,
          "--window-size=1280,2000",
          `file://${html}`,
        ],
        { encoding: "utf8", timeout: 90_000 },
      );
      assert.ok(fs.existsSync(png), `no screenshot: ${r.status} ${r.stderr?.slice(-500)}`);
      const buf = fs.readFileSync(png);
      assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
      assert.equal(buf.toString("ascii", 12, 16), "IHDR");
      assert.deepEqual([buf.readUInt32BE(16), buf.readUInt32BE(20)], [1280, 2000]);
      assert.ok(buf.length > 60_000, `a blank page compresses to a few KB; got ${buf.length} bytes`);
      // The stylesheet rendered: badges in the report's colours (html.ts --pass, --fail, --manual), not a blank or unstyled page.
      const img = readPng(buf);
      for (const [what, colour] of [["passed lines", "#1a7f37"], ["failed lines", "#cf222e"], ["manual lines", "#0969da"]] as const) {
        const n = countColour(img, colour);
        assert.ok(n >= 1_000, `${what}: ${n} pixels of ${colour} in the screenshot`);
      }
    });

    it("renders stack-level and config findings, undecided ones and notes in every format", () => {
      const r = buildReport({
        source: { kind: "preview", file: "stacks/index.ts", project: "readiness", stack: "prod" },
        pack: { name: "readiness-guard", version: "1.2.3" },
        toolVersion: "1.2.3",
        resources: 2,
        findings: [
          { policy: "log-archive-sink", kind: "violation", level: "mandatory", severity: "medium", message: "the stack has no log sink to BigQuery. Fix: add one." },
          { policy: "cloudsql-hardening", kind: "config", level: "mandatory", severity: "high", message: "invalid pack config at cloudsql-hardening.waivers[0].expires: expired" },
          { policy: "alert-runbooks", kind: "undecided", level: "advisory", severity: "medium", message: "x is unknown until apply", urn: `${P}gcp:monitoring/alertPolicy:AlertPolicy::a`, name: "a" },
        ],
        evaluated: ["log-archive-sink", "cloudsql-hardening", "alert-runbooks"],
        notes: ["kubernetes:helm.sh/v4:Chart 'kong' renders its children in the provider: no gate sees them offline."],
      });
      const t = renderText(r, { packLocation: "local: policypack" });
      assert.ok(t.includes("        - [mandatory]  log-archive-sink  (pulumi:pulumi:Stack: readiness-prod)\n"));
      assert.ok(t.includes("        - [advisory]  alert-runbooks  (gcp:monitoring/alertPolicy:AlertPolicy: a)\n"));
      assert.ok(t.includes("\nNote: kubernetes:helm.sh/v4:Chart 'kong' renders"));
      const sarif = JSON.parse(renderSarif(r)) as { runs: { results: Record<string, unknown>[]; invocations: { toolExecutionNotifications: unknown[] }[] }[] };
      const results = sarif.runs[0]?.results ?? [];
      assert.deepEqual(results.map((x) => [x["ruleId"], x["level"]]), [
        ["cloudsql-hardening", "error"],
        ["log-archive-sink", "error"],
        ["alert-runbooks", "note"],
      ]);
      assert.deepEqual((results[1]?.["locations"] as { logicalLocations: unknown[] }[])[0]?.logicalLocations, [{ name: "stack", fullyQualifiedName: "readiness/prod", kind: "module" }]);
      assert.equal(sarif.runs[0]?.invocations[0]?.toolExecutionNotifications.length, 1);
      const junit = renderJunit(r);
      assertWellFormedXml(junit);
      assert.ok(junit.includes('<testcase classname="readiness-guard.log-archive-sink" name="stack">'));
      assert.ok(junit.includes('<failure type="config" message="invalid pack config at cloudsql-hardening.waivers[0].expires: expired">'));
      assert.ok(junit.includes("<system-out>[undecided] x is unknown until apply"));
      const m = renderMarkdown(r);
      assert.ok(m.includes("| mandatory (config) | `cloudsql-hardening` | stack |"));
      assert.ok(m.includes("## Notes\n\n- kubernetes:helm.sh/v4:Chart 'kong'"));
      assert.ok(renderHtml(r).includes("<h2>Notes</h2>"));
      assert.ok(m.includes("| Source | preview (Pulumi mocks) of `stacks/index.ts` (project `readiness`, stack `prod`) |"));
    });

    it("writes the five report files", () => {
      const dir = tmpDir("reports");
      const files = writeReports(report, dir);
      assert.deepEqual(files.map((f) => path.basename(f)), REPORT_FILES.map((r) => r.file));
      assert.deepEqual(files.map((f) => path.basename(f)), ["readiness.md", "readiness.html", "readiness.sarif", "readiness.junit.xml", "readiness.json"]);
      for (const f of files) assert.ok(fs.statSync(f).size > 1000, f);
    });
  });
});

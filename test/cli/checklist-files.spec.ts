/**
 * Checklists as Markdown files read at run time: the four layouts, markers and phrase mapping,
 * `--checklist` / `--checklists`, `readiness checklist <file>`, and malformed files (exit 2, file:line).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Writable } from "node:stream";
import { parseChecklistMarkdown } from "../../cli/checklist-md";
import { checklistFromMarkdown, CHECKLISTS, loadChecklists, normalisePhrase, readChecklistFile, type Checklist, type ChecklistItem } from "../../cli/checklists";
import { main } from "../../cli/readiness";
import type { Report } from "../../cli/report/model";
import { InputError } from "../../cli/state";
import { AUDIT_CONFIG, EXPORT, ROOT, tmpDir, TODAY } from "./support";

const FIXTURES = path.join(ROOT, "test", "fixtures", "checklists");
const fixture = (name: string, service = "billing"): Checklist => readChecklistFile(path.join(FIXTURES, name), service, name);

function item(c: Checklist, text: string): ChecklistItem {
  const i = c.sections.flatMap((s) => s.items).find((x) => x.text === text);
  assert.ok(i, text);
  return i;
}

function sink(): NodeJS.WritableStream & { text: () => string } {
  const chunks: string[] = [];
  const s = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString());
      cb();
    },
  });
  return Object.assign(s, { text: () => chunks.join("") });
}

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = sink();
  const err = sink();
  const code = await main(args, { stdout: out, stderr: err, cwd: ROOT });
  return { code, stdout: out.text(), stderr: err.text() };
}

function bad(text: string): string {
  try {
    checklistFromMarkdown(text, "team.md", "billing");
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    return e.message;
  }
  assert.fail("parsed a malformed checklist");
}

describe("checklist files (cli/checklist-md, cli/checklists)", function () {
  this.timeout(120_000);

  it("ships the three seed checklists as Markdown files in checklists/, read at run time", () => {
    assert.deepEqual(
      CHECKLISTS.map((c) => [c.file, c.layout]),
      [
        ["checklists/config.md", "bullets"],
        ["checklists/registration.md", "table"],
        ["checklists/maintenance.md", "bullets"],
      ],
    );
    const cfg = CHECKLISTS[0];
    assert.deepEqual([cfg?.heading, cfg?.signOffRoles], ["1. Readiness Gate Checklist", ["Tech Lead", "SRE", "Security"]]);
    // The text of every line is the seed document's (markers and task boxes are never part of it).
    for (const c of CHECKLISTS) for (const s of c.sections) for (const i of s.items) assert.doesNotMatch(i.text, /<!--|^\[[ xX]\]/);
  });

  it("reads bullets under headings (000 layout), with a phrase match, markers and the sign-off table", () => {
    const c = fixture("billing-bullets.md");
    assert.equal(c.title, "Billing Service — Service Readiness");
    assert.equal(c.layout, "bullets");
    assert.deepEqual(c.sections.map((s) => s.title), ["Security", "Deployment"]);
    assert.deepEqual(c.signOffRoles, ["Tech Lead", "SRE"]);
    const secrets = item(c, "No hardcoded secrets or credentials");
    assert.deepEqual([secrets.gates, secrets.mapping, secrets.lineNo], [["workload-secrets-not-in-env"], "phrase", 11]);
    // The marker wins and is not part of the text.
    const enc = item(c, "All invoices encrypted at rest");
    assert.deepEqual([enc.gates, enc.mapping], [["cmek-required"], "marker"]);
    // Case, punctuation and "5 %" are normalised.
    assert.deepEqual(item(c, "DATA RESIDENCY — confirmed all production storage in europe-west1!").gates, ["data-residency"]);
    assert.deepEqual(item(c, "Canary deploy completed (5 % / 30 min) in staging").gates, ["canary-release"]);
    // <!-- manual --> wins over a phrase that would match.
    const health = item(c, "Health checks configured");
    assert.deepEqual([health.gates, health.mapping], [[], "manual-marker"]);
    assert.deepEqual([item(c, "Penetration test completed").gates, item(c, "Penetration test completed").mapping], [[], "unmatched"]);
    assert.equal(item(c, "On-call rotation assigned").id, "billing/Deployment/3");
  });

  it("reads | Gate | Status | Notes | tables (001 layout), notes and a marker in a cell", () => {
    const c = fixture("billing-table.md");
    assert.equal(c.layout, "table");
    assert.equal(c.heading, "Production Readiness Gate");
    const backups = item(c, "Backups and PITR enabled");
    assert.deepEqual([backups.gates, backups.note], [["cloudsql-backups-pitr"], "Mandatory"]);
    const retained = item(c, "Invoice bucket retained 7 years");
    assert.deepEqual([retained.gates, retained.note, retained.mapping], [["regulated-data-retention"], "regulated", "marker"]);
    assert.deepEqual(item(c, "Ledger reconciliation job scheduled").gates, []);
    assert.deepEqual(c.signOffRoles, ["tech lead", "SRE"]);
  });

  it("reads numbered sections with Sign-off lines and sub-items (002 layout)", () => {
    const c = fixture("billing-numbered.md");
    assert.deepEqual(c.sections.map((s) => [s.title, s.signOff]), [
      ["1. Storage", ["DBA", "SRE"]],
      ["2. Observability", ["SRE"]],
    ]);
    assert.deepEqual(item(c, "Mandatory specs present and green:").sub, ["integration/ledger.spec.ts", "integration/refunds.spec.ts"]);
    assert.deepEqual(item(c, "CPU and memory limits set").gates, ["workload-resource-limits"]);
    assert.deepEqual(item(c, "Synthetic checks running").gates, ["uptime-checks"]);
    assert.equal(c.heading, "Production cutover gate");
    assert.deepEqual([c.signOff, c.signOffRoles], ["Final cutover sign-off: Engineering lead + SRE (2 signatures).", ["Engineering lead", "SRE"]]);
  });

  it("reads GitHub task lists: the box is dropped, never taken as a tick", () => {
    const c = fixture("billing-tasks.md");
    assert.deepEqual(c.sections[0]?.items.map((i) => [i.text, i.gates]), [
      ["No static service account keys", ["no-static-service-account-keys"]],
      ["Release notes drafted", []],
      ["Migrations run before deploy", ["canary-release", "migration-job-before-deploy"]],
    ]);
  });

  it("normalises phrasings: case, punctuation, spacing, '5 %', '≥'", () => {
    assert.equal(normalisePhrase("Canary deploy (5 % / 30 min)"), normalisePhrase("canary DEPLOY 5% 30 min"));
    assert.equal(normalisePhrase("Coverage ≥ 80 %"), "coverage >= 80%");
  });

  it("rejects a malformed file with its name and line, in one line", () => {
    assert.equal(bad("# T\n\n- a line before any heading\n"), "team.md:3: a checklist line before any section heading. Fix: put a heading (## Section) above it.");
    assert.match(bad("## S\n\n| Gate | Status | Notes |\n|---|---|---|\n| a | ⬜ |\n"), /^team\.md:5: a table row with 2 cells; the header has 3\./);
    assert.match(bad("## S\n\n| a | ⬜ | |\n"), /^team\.md:3: a table row without a header row/);
    assert.match(bad("## S\n\n  - an orphan sub-item\n"), /^team\.md:3: an indented sub-item with no checklist line above it/);
    assert.match(bad("## S\n\n- a <!-- gate: no-such-gate -->\n"), /^team\.md:3: unknown gate 'no-such-gate' in the <!-- gate: --> marker/);
    assert.match(bad("## S\n\n- a <!-- gate: data-residency\n"), /^team\.md:3: an HTML comment that is not closed/);
    assert.match(bad("## S\n\n- a <!-- manual --> <!-- gate: data-residency -->\n"), /^team\.md:3: more than one marker/);
    assert.match(bad("# Only a title\n\nSome text.\n"), /^team\.md:1: has no checklist lines/);
    assert.match(bad("## S\n\n- [ ]\n"), /^team\.md:3: an empty checklist line/);
    for (const m of [bad("## S\n\n```\n- a\n")]) assert.doesNotMatch(m, /\n/);
    assert.deepEqual(parseChecklistMarkdown("## S\n\n```\n- not a line\n```\n- a line\n", "x.md").sections[0]?.lines.map((l) => l.text), ["a line"]);
  });

  it("--checklist <service>=<file> and --checklists <dir> add a team's checklist to the report", async () => {
    const one = loadChecklists({ checklist: ["billing=test/fixtures/checklists/billing-table.md"], cwd: ROOT });
    assert.deepEqual(one?.map((c) => c.service), ["config", "registration", "maintenance", "billing"]);
    const dir = loadChecklists({ checklists: "test/fixtures/checklists/team", cwd: ROOT });
    assert.deepEqual(dir?.map((c) => [c.service, c.file]), [
      ["config", "checklists/config.md"],
      ["registration", "checklists/registration.md"],
      ["maintenance", "checklists/maintenance.md"],
      ["billing", "test/fixtures/checklists/team/billing/SERVICE_READINESS.md"],
    ]);
    // A team's checklist for a seed service replaces the seed's.
    assert.deepEqual(loadChecklists({ checklist: ["config=test/fixtures/checklists/billing-tasks.md"], cwd: ROOT })?.map((c) => [c.service, c.seed ?? "-"]), [
      ["registration", "001"],
      ["maintenance", "002"],
      ["config", "-"],
    ]);
    assert.equal(loadChecklists({ cwd: ROOT }), undefined);

    const r = await cli(["audit", "--state", EXPORT, "--config", AUDIT_CONFIG, "--today", TODAY, "--format", "json", "--checklist", "billing=test/fixtures/checklists/billing-bullets.md"]);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    const billing = report.checklists.find((c) => c.service === "billing");
    assert.equal(billing?.file, "test/fixtures/checklists/billing-bullets.md");
    assert.deepEqual(billing?.sections.map((s) => s.lines.length), [4, 3]);
    assert.ok(report.summary.checklists["billing"]);
    const md = await cli(["audit", "--state", EXPORT, "--config", AUDIT_CONFIG, "--today", TODAY, "--format", "markdown", "--checklists", "test/fixtures/checklists/team"]);
    assert.match(md.stdout, /<a id="service-billing"><\/a>\n\n## Billing Service — Service Readiness/);
  });

  it("exits 2 with one line for a malformed checklist or a bad option, never a stack trace", async () => {
    const dir = tmpDir("checklist");
    const file = path.join(dir, "bad.md");
    fs.writeFileSync(file, "## Security\n\n| Gate | Status |\n|---|---|\n| No static SA keys | ⬜ | extra |\n");
    const r = await cli(["audit", "--state", EXPORT, "--config", AUDIT_CONFIG, "--checklist", `billing=${file}`]);
    assert.deepEqual([r.code, r.stdout], [2, ""]);
    assert.equal(r.stderr, `readiness: ${file}:5: a table row with 3 cells; the header has 2. Fix: one cell per column (write \\| for a | in a cell).\n`);
    for (const args of [
      ["--checklist", "billing"],
      ["--checklist", "bad name=x.md"],
      ["--checklist", "billing=no-such.md"],
      ["--checklists", "no-such-dir"],
      ["--checklists", "test/fixtures/checklists"],
    ]) {
      const x = await cli(["audit", "--state", EXPORT, "--config", AUDIT_CONFIG, ...args]);
      assert.equal(x.code, 2, args.join(" "));
      assert.match(x.stderr, /^readiness: [^\n]+\n$/, args.join(" "));
      assert.doesNotMatch(x.stderr, /\s+at\s/);
    }
  });

  it("`readiness checklist <file>` prints every line with its mapping (marker, catalog, phrase) or manual", async () => {
    const r = await cli(["checklist", "test/fixtures/checklists/billing-bullets.md"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n");
    assert.equal(lines[0], "test/fixtures/checklists/billing-bullets.md: service billing-bullets, bullet layout, 7 lines (4 automated, 3 manual)");
    assert.ok(lines.includes("  test/fixtures/checklists/billing-bullets.md:12  All invoices encrypted at rest  →  gate cmek-required (marker)"));
    assert.ok(lines.includes('  test/fixtures/checklists/billing-bullets.md:11  No hardcoded secrets or credentials  →  gate workload-secrets-not-in-env (phrase: "No hardcoded secrets or credentials")'));
    assert.ok(lines.includes("  test/fixtures/checklists/billing-bullets.md:19  Health checks configured  →  manual (marker)"));
    assert.ok(lines.includes("  test/fixtures/checklists/billing-bullets.md:14  Penetration test completed  →  manual (no phrase matched)"));
    assert.doesNotMatch(r.stdout, /<!--/);
    const seed = await cli(["checklist", "checklists/maintenance.md"]);
    assert.match(seed.stdout, /^checklists\/maintenance\.md: service maintenance, bullet layout, 100 lines/);
    assert.match(seed.stdout, /Backups: daily full \+ 7 d PITR; cross-region replica in europe-west4 {2}→ {2}gate cloudsql-backups-pitr, cloudsql-cross-region-replica \(gate catalog\)/);
    const bad = await cli(["checklist", "no-such.md"]);
    assert.deepEqual([bad.code, bad.stderr], [2, "readiness: no-such.md: cannot read the checklist (no such file).\n"]);
  });
});

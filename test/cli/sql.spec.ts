/**
 * `readiness sql <dir>`: the migration gates on a folder of migration files, with no stack, giving
 * the same findings a preview gives (the folder shipped as the migrations ConfigMap), at
 * file:line:column, in text, JSON and SARIF.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { Writable } from "node:stream";
import type * as sarif from "sarif";
import { main } from "../../cli/readiness";
import { SQL_GATES, sqlFindings } from "../../cli/sql";
import { T } from "../../policypack/src/access/tokens";
import { evaluate } from "../../policypack/src/engine/evaluate";
import { locateMultitool, validateSarif } from "../support/sarif-multitool";
import { ROOT, tmpDir, TODAY } from "./support";

const HAZARD = "test/fixtures/sql/migrations-lock-safety/fail-add-unique";

/** Collects what the command writes. */
class Capture extends Writable {
  text = "";
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await main(args, { stdout, stderr, cwd: ROOT });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

describe("readiness sql <dir>", function () {
  this.timeout(60_000);

  it("gives exactly the findings the migration gates give the same files shipped in a stack, placed at file:line:column", async () => {
    const r = await sqlFindings({ dir: HAZARD, service: "shop", cwd: ROOT, today: TODAY });
    const files = Object.fromEntries(fs.readdirSync(path.join(ROOT, HAZARD)).map((f) => [f, fs.readFileSync(path.join(ROOT, HAZARD, f), "utf8")]));
    const cm = {
      type: T.configMap,
      name: "shop-migrations",
      urn: `urn:pulumi:prod::p::${T.configMap}::shop-migrations`,
      props: { metadata: { name: "shop-migrations", labels: { "app.kubernetes.io/part-of": "shop", "app.kubernetes.io/component": "migrations" } }, data: files },
    };
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, "policypack/config/production.json"), "utf8")) as Record<string, unknown>;
    const inStack = evaluate(SQL_GATES, [cm], Object.fromEntries(Object.entries(config).filter(([k]) => SQL_GATES.some((g) => g.gate === k))), { today: new Date(`${TODAY}T12:00:00Z`) }).findings;
    assert.deepEqual(
      r.findings.map((f) => [f.policy, f.kind, f.level, f.message]),
      inStack.map((f) => [f.policy, f.kind, f.level, f.message]),
    );
    const lock = r.findings.find((f) => f.policy === "migrations-lock-safety");
    assert.deepEqual([lock?.file, lock?.line, lock?.column], [`${HAZARD}/0002_customers_email_key.up.sql`, 2, 1]);
    const reversible = r.findings.find((f) => f.policy === "migrations-reversible");
    assert.deepEqual([reversible?.file, reversible?.line, reversible?.column], [`${HAZARD}/0001_shop.up.sql`, 1, 1]);
  });

  it("text: one line per finding, file:line:column first, then a summary; exit 1 on a mandatory violation", async () => {
    const r = await cli(["sql", HAZARD, "--service", "shop", "--today", TODAY]);
    assert.equal(r.code, 1);
    const lines = r.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 7);
    assert.ok(
      lines.includes(
        `${HAZARD}/0002_customers_email_key.up.sql:2:1: advisory migrations-lock-safety: service 'shop' migration 0002_customers_email_key.up.sql line 2: ADD CONSTRAINT customers_email_key UNIQUE (email) on existing table shop.customers builds its unique index inside ALTER TABLE, under an ACCESS EXCLUSIVE lock: every read and write of shop.customers waits until the whole index is built (found "ALTER TABLE shop.customers ADD CONSTRAINT customers_email_key UNIQUE (email)"). Fix: build the index first, in a migration of its own outside a transaction: CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON shop.customers (email); then ALTER TABLE shop.customers ADD CONSTRAINT customers_email_key UNIQUE USING INDEX customers_email_key.`,
      ),
      r.stdout,
    );
    assert.equal(lines[6], `2 migration files of service shop, ${SQL_GATES.length} migration gates: 5 mandatory, 1 advisory.`);
  });

  it("passes the bundled services' migrations (exit 0, no finding)", async () => {
    for (const service of ["config", "registration", "maintenance"]) {
      const r = await cli(["sql", `stacks/migrations/${service}`, "--today", TODAY]);
      assert.equal(r.code, 0, r.stdout);
      assert.equal(r.stdout, `${fs.readdirSync(path.join(ROOT, "stacks/migrations", service)).filter((f) => f.endsWith(".sql")).length} migration files of service ${service}, ${SQL_GATES.length} migration gates: 0 mandatory, 0 advisory.\n`);
    }
  });

  it("JSON and SARIF carry the same findings with their positions; the SARIF has 0 errors and 0 warnings in Microsoft's multitool", async () => {
    const j = JSON.parse((await cli(["sql", HAZARD, "--service", "shop", "--format", "json", "--today", TODAY])).stdout) as { findings: { file?: string; line?: number; column?: number }[]; summary: { mandatory: number; total: number } };
    assert.deepEqual(j.summary, { mandatory: 5, total: 6 });
    const s = await cli(["sql", HAZARD, "--service", "shop", "--format", "sarif", "--today", TODAY]);
    const log = JSON.parse(s.stdout) as sarif.Log;
    const results = log.runs[0]?.results ?? [];
    assert.equal(results.length, 6);
    const located = results.filter((x) => x.locations);
    assert.equal(located.length, j.findings.filter((f) => f.file !== undefined).length);
    for (const x of located) {
      const loc = x.locations?.[0]?.physicalLocation;
      assert.equal(loc?.artifactLocation?.uriBaseId, "%SRCROOT%");
      assert.ok(fs.existsSync(path.join(ROOT, decodeURIComponent(loc?.artifactLocation?.uri ?? ""))), loc?.artifactLocation?.uri);
    }
    const found = locateMultitool();
    if ("missing" in found) assert.fail(found.missing);
    const file = path.join(tmpDir("sql-sarif"), "sql.sarif");
    fs.writeFileSync(file, s.stdout);
    const v = validateSarif(found.bin, file);
    assert.deepEqual({ errors: v.errors, warnings: v.warnings }, { errors: [], warnings: [] });
  });

  it("bad input is exit 2 with one line: no folder, no .sql file, a name that is no service", async () => {
    const empty = tmpDir("sql-empty");
    for (const [args, line] of [
      [["sql", "nope"], "readiness: nope: cannot read the migrations folder (no such folder). Fix: give the folder holding NNNN_name.up.sql and .down.sql files.\n"],
      [["sql", empty], `readiness: ${empty}: no .sql files. Fix: give the folder holding NNNN_name.up.sql and .down.sql files.\n`],
      [["sql", HAZARD, "--service", "Shop_DB"], "readiness: --service: 'Shop_DB' is not a service name (lower-case letters, digits and '-'). Fix: pass --service <name>.\n"],
    ] as const) {
      const r = await cli(args);
      assert.deepEqual([r.code, r.stdout, r.stderr], [2, "", line]);
    }
  });
});

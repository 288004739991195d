import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { renderGatesDoc } from "../../cli/gen-docs";
import { GATES } from "../../policypack/src/catalog";
import { RULES } from "../../policypack/src/gates";

const ROOT = path.resolve(__dirname, "../../..");

describe("docs/gates.md", () => {
  it("is up to date with the catalog and the rules (run `npm run docs`)", () => {
    const staging = JSON.parse(fs.readFileSync(path.join(ROOT, "policypack/config/staging.json"), "utf8")) as Record<string, unknown>;
    const committed = fs.readFileSync(path.join(ROOT, "docs/gates.md"), "utf8");
    assert.equal(committed, renderGatesDoc(RULES, staging));
  });

  it("has an anchor for every gate (the policies' documentation URLs)", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs/gates.md"), "utf8");
    for (const g of GATES) assert.ok(doc.includes(`\n### ${g.name}\n`), g.name);
  });

  it("keeps every released gate name (names are a contract: waivers, reports and policy groups use them)", () => {
    // Released in 0.1.0. A new gate is appended; a name is never changed or removed without a major version.
    const released = [
      "data-residency", "cmek-required", "kms-key-hygiene", "cloudsql-backups-pitr", "cloudsql-cross-region-replica", "cloudsql-hardening",
      "pgbouncer-transaction-pooling", "postgres-required-extensions", "migrations-tenant-rls", "migrations-concurrent-index",
      "migrations-expand-contract", "migrations-money-bigint", "migrations-reversible", "workload-health-probes", "workload-resource-limits",
      "workload-autoscaling", "workload-secrets-not-in-env", "workload-no-orm-synchronize", "workload-image-provenance", "workload-telemetry",
      "no-static-service-account-keys", "workload-identity", "gateway-jwt-auth", "gateway-tenant-rate-limit", "canary-release",
      "migration-job-before-deploy", "alert-runbooks", "service-slos", "service-dashboards", "uptime-checks", "log-archive-sink",
      "outbox-lag-alert", "regulated-data-retention",
    ];
    const names = GATES.map((g) => g.name);
    assert.deepEqual(released.filter((n) => !names.includes(n)), [], "released gates missing");
    assert.deepEqual(RULES.map((r) => r.gate).sort(), [...names].sort(), "one rule per gate");
  });

  it("names every gate exactly as ../shared/GATES.md when it is present (every row above \"Planned\" required, planned rows allowed)", function () {
    const shared = path.join(ROOT, "../shared/GATES.md");
    if (!fs.existsSync(shared)) this.skip();
    const text = fs.readFileSync(shared, "utf8");
    const rows = (part: string): string[] => [...part.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    const cut = text.search(/^## Planned\b/m);
    const required = rows(cut < 0 ? text : text.slice(0, cut));
    const planned = rows(cut < 0 ? "" : text.slice(cut));
    const names = GATES.map((g) => g.name);
    assert.ok(required.length > 0, "no gate rows found in ../shared/GATES.md");
    assert.deepEqual(required.filter((n) => !names.includes(n)), [], "gates of ../shared/GATES.md missing from the pack");
    assert.deepEqual(names.filter((n) => !required.includes(n) && !planned.includes(n)), [], "pack gates not named in ../shared/GATES.md");
  });
});

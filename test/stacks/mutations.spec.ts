/**
 * One gate, one switch: for each gate of the pack, turning one component option away from its
 * compliant default (or editing one migration file, or adding one resource) makes exactly that
 * gate fail, and the finding names the resource. The table doubles as the README's
 * "gate → option" table (docs/component.md).
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Key } from "@pulumi/gcp/serviceaccount/key";
import { GATES } from "../../policypack/src/catalog";
import { RULES } from "../../policypack/src/gates";
import { loadStackConfig } from "../../cli/mock-run";
import { blocking, dump, evaluateStack, ROOT, runStack, withConfig, type StackName } from "./support";

interface Mutation {
  readonly gate: string;
  /** The option, as docs/component.md writes it. */
  readonly option: string;
  readonly stack?: StackName;
  readonly services?: Record<string, unknown>;
  readonly platform?: Record<string, unknown>;
  readonly images?: Record<string, string>;
  /** Edit one migration file of a service (return null to delete it); shipped through migrations.dir. */
  readonly migration?: { service: string; file: string; edit: (sql: string) => string | null };
  /** Add a resource to the program. */
  readonly extra?: () => void;
  /** Resource names the findings must name (each at least once). */
  readonly names: readonly string[];
  /** Text some finding's message must contain. */
  readonly facts: readonly string[];
}

const MUTATIONS: readonly Mutation[] = [
  { gate: "data-residency", option: "region", services: { maintenance: { region: "europe-west2" } }, names: ["maintenance-db", "maintenance-vendor-invoices", "maintenance-api"], facts: ['"europe-west2"'] },
  { gate: "cmek-required", option: "encryption.cmek", services: { config: { encryption: { cmek: false } } }, names: ["config-db", "config-db-replica", "config-secret-db-password", "config-events"], facts: ["without a customer-managed encryption key"] },
  { gate: "cmek-required", option: "platform encryption.cmek", platform: { encryption: { cmek: false } }, names: ["gke", "registry", "log-archive"], facts: ["application-layer secrets encryption is not on"] },
  { gate: "kms-key-hygiene", option: "encryption.rotationDays", services: { registration: { encryption: { rotationDays: 365 } } }, names: ["registration-sql-key", "registration-dr-sql-key"], facts: ["rotates every 365 days, more than 90"] },
  { gate: "kms-key-hygiene", option: "encryption.protectKeys", services: { registration: { encryption: { protectKeys: false } } }, names: ["registration-secrets-key"], facts: ["is not protected from destroy"] },
  { gate: "cloudsql-backups-pitr", option: "database.pitrDays", services: { registration: { database: { pitrDays: 3 } } }, names: ["registration-db"], facts: ["keeps transaction logs for 3 days"] },
  { gate: "cloudsql-backups-pitr", option: "database.backups", services: { config: { database: { backups: false } } }, names: ["config-db"], facts: ["automated backups are not enabled"] },
  { gate: "cloudsql-cross-region-replica", option: "database.drReplica", services: { config: { database: { drReplica: false } } }, names: ["config-db"], facts: ["has no read replica"] },
  { gate: "cloudsql-hardening", option: "database.publicIp", services: { config: { database: { publicIp: true } } }, names: ["config-db", "config-db-replica"], facts: ["has a public IPv4 address"] },
  { gate: "cloudsql-hardening", option: "database.sslMode", services: { maintenance: { database: { sslMode: "ALLOW_UNENCRYPTED_AND_ENCRYPTED" } } }, names: ["maintenance-db"], facts: ["accepts unencrypted connections"] },
  { gate: "cloudsql-hardening", option: "database.availability", services: { maintenance: { database: { availability: "ZONAL" } } }, names: ["maintenance-db"], facts: ["is not highly available"] },
  { gate: "pgbouncer-transaction-pooling", option: "pgbouncer.poolMode", services: { registration: { pgbouncer: { poolMode: "session" } } }, names: ["registration-db"], facts: ["pool_mode=session"] },
  {
    gate: "postgres-required-extensions",
    option: "migrations.dir (0001 without CREATE EXTENSION pg_trgm)",
    migration: { service: "registration", file: "0001_extensions.up.sql", edit: (sql) => sql.replace(/CREATE EXTENSION IF NOT EXISTS pg_trgm;/, "-- (removed)") },
    names: ["registration-migrations"],
    facts: ["pg_trgm"],
  },
  {
    gate: "migrations-tenant-rls",
    option: "migrations.dir (0002 without FORCE ROW LEVEL SECURITY)",
    migration: { service: "registration", file: "0002_patients.up.sql", edit: (sql) => sql.replace("ALTER TABLE registration.patients FORCE ROW LEVEL SECURITY;\n", "") },
    names: ["registration-migrations"],
    facts: ["registration.patients"],
  },
  {
    gate: "migrations-concurrent-index",
    option: "migrations.dir (0005 without CONCURRENTLY)",
    // With a lock_timeout, as a team would write it: a plain CREATE INDEX without one is also a migrations-lock-safety finding.
    migration: { service: "registration", file: "0005_patients_given_name_trgm.up.sql", edit: (sql) => `SET lock_timeout = '5s';\n${sql.replace("CREATE INDEX CONCURRENTLY", "CREATE INDEX")}` },
    names: ["registration-migrations"],
    facts: ["0005_patients_given_name_trgm.up.sql"],
  },
  {
    gate: "migrations-expand-contract",
    option: "migrations.dir (0007 not declared a contract step)",
    migration: { service: "registration", file: "0007_drop_patients_phone.up.sql", edit: (sql) => sql.replace(/^-- readiness: contract.*\n/m, "") },
    names: ["registration-migrations"],
    facts: ["DROP COLUMN on registration.patients.phone outside a migration declared a contract step"],
  },
  {
    gate: "migrations-money-bigint",
    option: "migrations.dir (amount as numeric)",
    migration: { service: "maintenance", file: "0003_vendor_invoices.up.sql", edit: (sql) => sql.replace(/amount_micros(\s+)bigint/, "amount_micros$1numeric(12,2)") },
    names: ["maintenance-migrations"],
    facts: ["amount_micros"],
  },
  {
    gate: "migrations-lock-safety",
    option: "migrations.dir (0006 without SET lock_timeout)",
    migration: { service: "maintenance", file: "0006_vendor_invoices_paid_at.up.sql", edit: (sql) => sql.replace("SET lock_timeout = '5s';\n", "") },
    names: ["maintenance-migrations"],
    facts: ["no lock_timeout set before it", "maintenance.vendor_invoices"],
  },
  {
    gate: "migrations-reversible",
    option: "migrations.dir (a down file missing)",
    migration: { service: "config", file: "0003_roles.down.sql", edit: () => null },
    names: ["config-migrations"],
    facts: ["has no down migration"],
  },
  { gate: "workload-health-probes", option: "probes.enabled", services: { config: { probes: { enabled: false } } }, names: ["config-api", "config-workers"], facts: ["has no livenessProbe"] },
  { gate: "workload-health-probes", option: "probes.enabled (Cloud Run)", services: { maintenance: { probes: { enabled: false } } }, names: ["maintenance-api", "maintenance-workers"], facts: ["has no livenessProbe"] },
  { gate: "workload-resource-limits", option: "resourceLimits", services: { registration: { resourceLimits: false } }, names: ["registration-api", "registration-pgbouncer", "registration-migrate"], facts: ["has no resources.limits.cpu"] },
  { gate: "workload-autoscaling", option: "workloads.api.minReplicas", services: { config: { workloads: { api: { minReplicas: 1 } } } }, names: ["config-api"], facts: ["minReplicas 1 is below 2"] },
  { gate: "workload-autoscaling", option: "workloads.api.minReplicas (Cloud Run)", services: { maintenance: { workloads: { api: { minReplicas: 0 } } } }, names: ["maintenance-api"], facts: ["is below 2"] },
  { gate: "workload-secrets-not-in-env", option: "secretsDelivery", services: { registration: { secretsDelivery: "env" } }, names: ["registration-api", "registration-workers"], facts: ["delivers a secret through the environment"] },
  { gate: "workload-secrets-not-in-env", option: "secretsDelivery (Cloud Run)", services: { maintenance: { secretsDelivery: "env" } }, names: ["maintenance-api"], facts: ["delivers a secret through the environment"] },
  { gate: "workload-no-orm-synchronize", option: "extraEnv", services: { config: { extraEnv: { TYPEORM_SYNCHRONIZE: "true" } } }, names: ["config-api", "config-workers"], facts: ["TYPEORM_SYNCHRONIZE"] },
  { gate: "workload-image-provenance", option: "readiness:images", images: { "config-api": "docker.io/acme/config-api:latest" }, names: ["config-api", "config-migrate"], facts: ["is not pinned by digest"] },
  { gate: "workload-telemetry", option: "telemetry.enabled", services: { config: { telemetry: { enabled: false } } }, names: ["config-api", "config-workers"], facts: ["is not instrumented with OpenTelemetry"] },
  {
    gate: "no-static-service-account-keys",
    option: "(a gcp.serviceaccount.Key added to the program)",
    extra: () => {
      new Key("ci-deployer-key", { serviceAccountId: "projects/acme-readiness-prod/serviceAccounts/ci@acme-readiness-prod.iam.gserviceaccount.com" });
    },
    names: ["ci-deployer-key"],
    facts: ["creates a static service-account key"],
  },
  { gate: "workload-identity", option: "workloadIdentity", services: { registration: { workloadIdentity: false } }, names: ["registration-api", "registration-pgbouncer", "registration-migrate"], facts: ["not bound to a dedicated Google service account"] },
  { gate: "workload-identity", option: "platform gke.nodeMetadata", platform: { gke: { nodeMetadata: "GCE_METADATA" } }, names: ["gke-services"], facts: ["does not use the GKE metadata server"] },
  { gate: "workload-identity", option: "platform gke.workloadIdentity", platform: { gke: { workloadIdentity: false } }, names: ["gke"], facts: ["does not have Workload Identity enabled"] },
  { gate: "gateway-jwt-auth", option: "gateway.jwt", services: { config: { gateway: { jwt: false } } }, names: ["config-ingress"], facts: ["no jwt/openid-connect plugin"] },
  { gate: "gateway-jwt-auth", option: "gateway.tenantHeaderCheck", services: { maintenance: { gateway: { tenantHeaderCheck: false } } }, names: ["maintenance-ingress"], facts: ["no tenant check on X-Tenant-Id"] },
  { gate: "gateway-tenant-rate-limit", option: "gateway.rateLimitPerSecond", services: { maintenance: { gateway: { rateLimitPerSecond: 500 } } }, names: ["maintenance-ingress"], facts: ["allows up to 500 requests in one second per tenant"] },
  { gate: "canary-release", option: "release.canary", services: { config: { release: { canary: false } } }, names: ["config-pipeline"], facts: ["is not released by the required canary"] },
  { gate: "canary-release", option: "release.steps", services: { maintenance: { release: { steps: [50] } } }, names: ["maintenance-pipeline"], facts: ["sends more than 10 % of traffic"] },
  { gate: "canary-release", option: "release.bake", services: { registration: { release: { bake: "10m" } } }, names: ["registration-pipeline"], facts: ["bakes 10m, less than 30m"] },
  { gate: "migration-job-before-deploy", option: "migrations.runBeforeDeploy", services: { registration: { migrations: { runBeforeDeploy: false } } }, names: ["registration-api"], facts: ["do not wait for its migration Job", "'registration-api', 'registration-workers' without a dependency on the Job"] },
  { gate: "alert-runbooks", option: "monitoring.runbookBaseUrl", services: { config: { monitoring: { runbookBaseUrl: "http://runbooks.acme.example" } } }, names: ["config-alert-error-rate", "config-alert-outbox-lag"], facts: ["links its runbook over plain http"] },
  { gate: "alert-runbooks", option: "monitoring.notify", services: { config: { monitoring: { notify: false } } }, names: ["config-alert-uptime"], facts: ["notifies nobody"] },
  { gate: "service-slos", option: "monitoring.slo", services: { registration: { monitoring: { slo: false } } }, names: ["registration-api"], facts: ["service 'registration'", "has no SLO"] },
  { gate: "service-dashboards", option: "monitoring.dashboards", services: { maintenance: { monitoring: { dashboards: false } } }, names: ["maintenance-api"], facts: ["service 'maintenance'", "has no dashboard"] },
  { gate: "uptime-checks", option: "monitoring.uptimePeriod", services: { config: { monitoring: { uptimePeriod: "300s" } } }, names: ["config-uptime"], facts: ['runs every "300s"'] },
  { gate: "uptime-checks", option: "monitoring.uptimeCheck", services: { registration: { monitoring: { uptimeCheck: false } } }, names: ["registration-api"], facts: ["is public ('registration-ingress' (kubernetes:networking.k8s.io/v1:Ingress) is labelled exposure: public) but has no uptime check"] },
  { gate: "log-archive-sink", option: "platform logArchive.enabled", platform: { logArchive: { enabled: false } }, names: [], facts: ["the stack: archives no logs to BigQuery"] },
  { gate: "outbox-lag-alert", option: "monitoring.outboxLagAlert", services: { registration: { monitoring: { outboxLagAlert: false } } }, names: ["registration-api"], facts: ["has an outbox", "no alert on outbox lag"] },
  { gate: "regulated-data-retention", option: "invoiceBucket.lockRetention", services: { maintenance: { invoiceBucket: { lockRetention: false } } }, names: ["maintenance-vendor-invoices"], facts: ["its retention policy is not locked"] },
  { gate: "regulated-data-retention", option: "invoiceBucket.retentionYears", services: { maintenance: { invoiceBucket: { retentionYears: 1 } } }, names: ["maintenance-vendor-invoices"], facts: ["keeps objects for less than 7 years"] },
];

/** A copy of a service's migrations with one file edited (or deleted). */
function editedMigrations(service: string, file: string, edit: (sql: string) => string | null): string {
  const src = path.join(ROOT, "stacks", "migrations", service);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `migrations-${service}-`));
  for (const f of fs.readdirSync(src)) fs.copyFileSync(path.join(src, f), path.join(dir, f));
  const target = path.join(dir, file);
  assert.ok(fs.existsSync(target), `no ${file} in ${src}`);
  const next = edit(fs.readFileSync(target, "utf8"));
  if (next === null) fs.rmSync(target);
  else {
    assert.notEqual(next, fs.readFileSync(target, "utf8"), `the edit of ${file} changed nothing`);
    fs.writeFileSync(target, next);
  }
  return dir;
}

/**
 * Gates no component option can turn off (the component cannot make the stack violate them), each
 * with the reason; every other gate needs its row in MUTATIONS.
 */
const NOT_SWITCHABLE: Readonly<Record<string, string>> = {
  "resource-coverage": "the component deploys no Helm chart, YAML group or data-bearing type without a gate, and no option adds one: what the gate reports is shown by its examples and test/e2e/projects.spec.ts (a Helm v4 chart and a v3 Release)",
};

describe("one option off, one gate fails", function () {
  this.timeout(120_000);
  const tmp: string[] = [];
  after(() => tmp.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it("covers every gate of the pack the component provides", () => {
    const covered = new Set(MUTATIONS.map((m) => m.gate));
    assert.deepEqual(
      RULES.map((r) => r.gate).filter((g) => !covered.has(g) && !(g in NOT_SWITCHABLE)),
      [],
    );
    for (const g of Object.keys(NOT_SWITCHABLE)) assert.ok(!covered.has(g) && GATES.some((x) => x.name === g), `NOT_SWITCHABLE: ${g}`);
    for (const m of MUTATIONS) assert.ok(GATES.some((g) => g.name === m.gate), `unknown gate ${m.gate}`);
  });

  for (const m of MUTATIONS) {
    it(`${m.gate} ← ${m.option}`, async () => {
      const stack = m.stack ?? "prod";
      let config = loadStackConfig(ROOT, stack);
      let services = m.services ?? {};
      if (m.migration) {
        const dir = editedMigrations(m.migration.service, m.migration.file, m.migration.edit);
        tmp.push(dir);
        services = { ...services, [m.migration.service]: { migrations: { dir } } };
      }
      config = withConfig(config, "readiness:services", services);
      if (m.platform) config = withConfig(config, "readiness:platform", m.platform);
      if (m.images) config = withConfig(config, "readiness:images", m.images);
      const run = await runStack(stack, config, m.extra);
      const bad = blocking(await evaluateStack(stack, run));
      assert.ok(bad.length > 0, `${m.option} did not make ${m.gate} fail`);
      const others = bad.filter((f) => f.policy !== m.gate || f.kind !== "violation");
      assert.equal(others.length, 0, `${m.option} must fail only ${m.gate} (violations), got:\n${dump(others)}`);
      for (const name of m.names) assert.ok(bad.some((f) => f.name === name), `no ${m.gate} finding names '${name}':\n${dump(bad)}`);
      for (const fact of m.facts) assert.ok(bad.some((f) => f.message.includes(fact)), `no ${m.gate} message contains "${fact}":\n${dump(bad)}`);
    });
  }
});

export { MUTATIONS };

describe("staging relaxes what staging.json relaxes", function () {
  this.timeout(120_000);
  it("accepts one replica, secrets through env and an unlocked invoice retention in staging, not in prod", async () => {
    const relaxed = { config: { workloads: { api: { minReplicas: 1 } }, secretsDelivery: "env" } };
    const staging = withConfig(loadStackConfig(ROOT, "staging"), "readiness:services", relaxed);
    const stagingBad = blocking(await evaluateStack("staging", await runStack("staging", staging)));
    assert.equal(stagingBad.length, 0, dump(stagingBad));
    const prod = withConfig(withConfig(loadStackConfig(ROOT, "prod"), "readiness:services", relaxed), "readiness:services", { maintenance: { invoiceBucket: { lockRetention: false } } });
    const prodBad = blocking(await evaluateStack("prod", await runStack("prod", prod)));
    assert.deepEqual([...new Set(prodBad.map((f) => f.policy))].sort(), ["regulated-data-retention", "workload-autoscaling", "workload-secrets-not-in-env"]);
  });
});

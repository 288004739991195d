/**
 * Stack config validation (stacks/config.ts): every problem names the config key and the fix;
 * and the small pure helpers of the component.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadStackConfig } from "../../cli/mock-run";
import { parseStackConfig, requiredImages, StackConfigError, type RawConfig } from "../../stacks/config";
import { defaultServiceOptions, merge } from "../../stacks/options";
import { durationSeconds, serviceContext } from "../../stacks/parts/context";
import { iamUserName } from "../../stacks/parts/database";
import { rotationPeriod } from "../../stacks/parts/kms";
import { kongPlugins, migrationsHash, pgbouncerIni, secretEnvName } from "../../stacks/parts/kubernetes";
import { runbookUrl } from "../../stacks/parts/monitoring";
import { canaryPhaseIds } from "../../stacks/parts/release";
import { invoiceBucketName, retentionSeconds } from "../../stacks/parts/storage";
import { serviceDefinition } from "../../stacks/services";
import { projectRoot, readMigrations } from "../../stacks/sql-files";
import { ROOT, runStack, withConfig } from "./support";

const PROD: Record<string, string> = loadStackConfig(ROOT, "prod");

function problems(raw: RawConfig): string[] {
  try {
    parseStackConfig(raw);
  } catch (e) {
    assert.ok(e instanceof StackConfigError, String(e));
    assert.match(e.message, /^invalid stack config:/);
    return [...e.problems];
  }
  assert.fail("the config was accepted");
}

function one(raw: RawConfig, ...facts: (string | RegExp)[]): string {
  const ps = problems(raw);
  assert.equal(ps.length, 1, ps.join("\n"));
  for (const f of facts) {
    if (typeof f === "string") assert.ok((ps[0] as string).includes(f), `"${ps[0]}" lacks "${f}"`);
    else assert.match(ps[0] as string, f);
  }
  return ps[0] as string;
}

describe("stack config", () => {
  it("reads the prod and staging stacks: compliant defaults, staging's own relaxations", () => {
    const prod = parseStackConfig(PROD);
    assert.equal(prod.environment, "production");
    assert.equal(prod.project, "acme-readiness-prod");
    assert.equal(prod.services.maintenance.invoiceBucket.lockRetention, true);
    assert.equal(prod.services.config.database.tier, "db-custom-4-16384");
    assert.equal(prod.services.config.monitoring.runbookBaseUrl, "https://runbooks.acme.example");
    assert.deepEqual(prod.services.maintenance.release.steps, [10, 50]);
    assert.deepEqual(prod.services.config.release.steps, [5]);
    assert.equal(prod.syntheticProbeJwt, undefined);
    const staging = parseStackConfig(loadStackConfig(ROOT, "staging"));
    assert.equal(staging.environment, "staging");
    assert.equal(staging.services.maintenance.invoiceBucket.lockRetention, false);
    assert.equal(staging.services.registration.invoiceBucket.lockRetention, true);
    assert.equal(staging.services.config.database.tier, "db-custom-1-3840");
    assert.equal(staging.platform.gke.machineType, "e2-standard-2");
  });

  it("lists every missing required key with the command that sets it", () => {
    const ps = problems({});
    for (const key of ["gcp:project", "gcp:region", "readiness:environment", "readiness:projectNumber", "readiness:domain", "readiness:alertEmail", "readiness:images"]) {
      assert.ok(ps.some((p) => p.startsWith(`${key}: is required`)), `${key} not reported:\n${ps.join("\n")}`);
    }
    assert.ok(ps.find((p) => p.startsWith("readiness:environment"))?.endsWith("Fix: pulumi config set readiness:environment production"));
  });

  it("names a bad value, what it must be, and the fix", () => {
    one({ ...PROD, "readiness:environment": "prod" }, 'readiness:environment: must be staging or production (found "prod"). Fix: pulumi config set readiness:environment production');
    one({ ...PROD, "readiness:projectNumber": "12ab" }, "readiness:projectNumber: must be the project's number");
    one({ ...PROD, "readiness:alertEmail": "oncall" }, "readiness:alertEmail: must be an email address");
    one({ ...PROD, "readiness:runbookBaseUrl": "runbooks" }, "readiness:runbookBaseUrl: must be a URL");
  });

  it("suggests the key meant by a misspelt one", () => {
    one({ ...PROD, "readiness:enviroment": "staging" }, "readiness:enviroment: unknown config key (did you mean 'readiness:environment'?). Fix: pulumi config rm readiness:enviroment.");
    one({ ...PROD, "readiness:zzzzzzzzzzzzzzzz": "x" }, /^readiness:zzzzzzzzzzzzzzzz: unknown config key\. Fix/);
  });

  it("requires every image and checks their shape", () => {
    const images = JSON.parse(PROD["readiness:images"] as string) as Record<string, unknown>;
    delete images["pgbouncer"];
    one({ ...PROD, "readiness:images": JSON.stringify(images) }, "readiness:images.pgbouncer: is required");
    one({ ...PROD, "readiness:images": JSON.stringify({ ...images, pgbouncer: 3 }) }, "readiness:images.pgbouncer:");
    one({ ...PROD, "readiness:images": "{not json" }, "readiness:images: is not a YAML/JSON object");
    assert.equal(requiredImages().length, 8);
  });

  it("validates service overrides: unknown service, misspelt option, wrong type, with the option's path", () => {
    one(withConfig(PROD, "readiness:services", { registraton: {} }), "readiness:services.registraton: unknown service (did you mean 'registration'?)");
    one(withConfig(PROD, "readiness:services", { zzzzzzzzzzzz: {} }), /^readiness:services\.zzzzzzzzzzzz: unknown service\. Fix/);
    one(withConfig(PROD, "readiness:services", { config: { databse: {} } }), "readiness:services.config: unknown option 'databse' (did you mean 'database'?)");
    one(withConfig(PROD, "readiness:services", { config: { database: { pitrDays: "7" } } }), /^readiness:services\.config\.database\.pitrDays: .*number.*\. Fix: see docs\/component\.md/);
    one(withConfig(PROD, "readiness:services", { config: { release: { bake: "half an hour" } } }), 'readiness:services.config.release.bake: must be a duration such as "30m"');
    one({ ...PROD, "readiness:services": "[1]" }, "readiness:services: must be a map of service name");
  });

  it("validates platform overrides and merges them", () => {
    one(withConfig(PROD, "readiness:platform", { gke: { nodeMetdata: "GKE_METADATA" } }), "readiness:platform.gke: unknown option 'nodeMetdata' (did you mean 'nodeMetadata'?)");
    one({ ...PROD, "readiness:platform": "{" }, "readiness:platform: is not a YAML/JSON object");
    one({ ...PROD, "readiness:services": "{" }, "readiness:services: is not a YAML/JSON object");
    const cfg = parseStackConfig(withConfig(PROD, "readiness:platform", { gke: { maxNodesPerZone: 9 } }));
    assert.equal(cfg.platform.gke.maxNodesPerZone, 9);
    assert.equal(cfg.platform.gke.nodeMetadata, "GKE_METADATA");
  });

  it("merges overrides over defaults: objects merge, arrays and scalars replace", () => {
    const base = defaultServiceOptions(serviceDefinition("maintenance"), "production");
    const m = merge(base, { release: { steps: [20] }, extraEnv: { A: "1" }, database: { tier: undefined } });
    assert.deepEqual(m.release, { canary: true, steps: [20], bake: "30m" });
    assert.deepEqual(m.extraEnv, { A: "1" });
    assert.equal(m.database.tier, base.database.tier);
    assert.equal(merge(base, undefined), base);
    assert.equal(merge(1, 2), 2);
  });
});

describe("component helpers", () => {
  const cfg = parseStackConfig(PROD);
  const def = serviceDefinition("registration");
  const ctx = serviceContext(undefined as never, def, cfg.services.registration, cfg);

  it("computes names and values the gates read", () => {
    assert.equal(durationSeconds("30m"), 1800);
    assert.equal(durationSeconds("1h30m"), 5400);
    assert.equal(durationSeconds("45s"), 45);
    assert.equal(rotationPeriod(90), "7776000s");
    assert.ok(retentionSeconds(7) >= 7 * 365 * 86400);
    assert.equal(invoiceBucketName("production"), "melmastoon-vendor-invoices");
    assert.equal(invoiceBucketName("staging"), "melmastoon-vendor-invoices-staging");
    assert.equal(iamUserName("a@p.iam.gserviceaccount.com"), "a@p.iam");
    assert.deepEqual(canaryPhaseIds([10, 50]), ["canary-10", "canary-50"]);
    assert.equal(secretEnvName("db-password"), "DB_PASSWORD");
    assert.equal(ctx.host, "registration.api.acme.example");
    assert.equal(ctx.email("registration-api"), "registration-api@acme-readiness-prod.iam.gserviceaccount.com");
    assert.equal(runbookUrl({ ...ctx, o: { ...ctx.o, monitoring: { ...ctx.o.monitoring, runbookBaseUrl: "https://rb.example/" } } }, "outbox-lag"), "https://rb.example/registration/outbox-lag");
  });

  it("writes pgbouncer.ini in the configured pool mode", () => {
    const ini = pgbouncerIni(ctx, "registration-pgbouncer@acme-readiness-prod.iam");
    assert.match(ini, /^\[pgbouncer\]$/m);
    assert.match(ini, /^pool_mode = transaction$/m);
    assert.match(ini, /^registration = host=127\.0\.0\.1 port=5432 dbname=registration user=registration-pgbouncer@acme-readiness-prod\.iam$/m);
  });

  it("builds the Kong plugins from the gateway options", () => {
    assert.deepEqual(
      kongPlugins(ctx).map((p) => p.plugin),
      ["jwt", "request-validator", "rate-limiting"],
    );
    const off = kongPlugins({ ...ctx, o: { ...ctx.o, gateway: { ...ctx.o.gateway, jwt: false, tenantHeaderCheck: false } } });
    assert.deepEqual(
      off.map((p) => p.plugin),
      ["rate-limiting"],
    );
    assert.deepEqual(kongPlugins(ctx)[2]?.config, { second: 50, limit_by: "header", header_name: "X-Tenant-Id", policy: "local", fault_tolerant: true });
  });

  it("hashes a migration set by content", () => {
    assert.equal(migrationsHash({ "a.sql": "x", "b.sql": "y" }), migrationsHash({ "b.sql": "y", "a.sql": "x" }));
    assert.notEqual(migrationsHash({ "a.sql": "x" }), migrationsHash({ "a.sql": "z" }));
    assert.match(migrationsHash({}), /^[0-9a-f]{8}$/);
  });
});

describe("migration files", () => {
  it("reads a service's .sql files in name order", () => {
    const files = readMigrations("registration");
    const names = Object.keys(files);
    assert.deepEqual(names, [...names].sort());
    assert.ok(names.every((n) => n.endsWith(".sql")));
    assert.match(files["0001_extensions.up.sql"] as string, /CREATE EXTENSION IF NOT EXISTS pg_trgm/);
  });

  it("fails with the directory and the fix when there are none", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "no-sql-"));
    try {
      assert.throws(() => readMigrations("billing", path.join(dir, "missing")), /service 'billing': migrations directory .*missing does not exist\. Fix: add NNNN_name\.up\.sql/);
      fs.writeFileSync(path.join(dir, "README.md"), "x");
      assert.throws(() => readMigrations("billing", dir), /service 'billing': no \.sql files in/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("finds the project root from the build tree, else uses the working directory", () => {
    assert.equal(projectRoot(__dirname), ROOT);
    assert.equal(projectRoot("/"), process.cwd());
  });
});

describe("synthetic probe token", function () {
  this.timeout(60_000);
  it("sends the configured bearer token from the uptime checks, as a secret", async () => {
    const run = await runStack("prod", { ...PROD, "readiness:syntheticProbeJwt": "eyJhbGciOi.probe.token" });
    const check = run.find((r) => r.name === "config-uptime");
    const headers = (check?.inputs["httpCheck"] as Record<string, unknown>)["headers"] as Record<string, unknown>;
    assert.equal(headers["X-Tenant-Id"], "synthetic-probe");
    const auth = headers["Authorization"] as Record<string, unknown>;
    assert.equal(auth["value"], "Bearer eyJhbGciOi.probe.token");
    assert.equal(auth["4dabf18193072939515e22adb298388d"], "1b47061264138c4ac30d75fd1eb44270");
  });
});

/**
 * Migration gates over the SQL a service ships in its migrations ConfigMap. Each gate's cases are
 * its examples (policypack/src/gates/<gate>/examples.ts, most over the fixture cases in
 * test/fixtures/sql/<gate>/<case>/); here: the wiring, the shipped migrations of the three
 * services (stacks/migrations) under every gate, helper unit tests and the run through the SDK.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { unknownCheckingProxy, type PolicyResource, type StackValidationArgs, type StackValidationPolicy } from "@pulumi/policy";
import { toPulumiPolicy } from "../../policypack/src/engine/adapter";
import { initRules, type Rule } from "../../policypack/src/engine/rule";
import { migrationsConcurrentIndex } from "../../policypack/src/gates/migrations-concurrent-index/gate";
import { migrationsExpandContract } from "../../policypack/src/gates/migrations-expand-contract/gate";
import { isMoneyName, migrationsMoneyBigint, settings as moneySettings } from "../../policypack/src/gates/migrations-money-bigint/gate";
import { migrationsLockSafety } from "../../policypack/src/gates/migrations-lock-safety/gate";
import { migrationsReversible } from "../../policypack/src/gates/migrations-reversible/gate";
import { migrationsTenantRls } from "../../policypack/src/gates/migrations-tenant-rls/gate";
import { declaredExtensions, postgresRequiredExtensions } from "../../policypack/src/gates/postgres-required-extensions/gate";
import { RULES } from "../../policypack/src/gates";
import { expectClean, expectOne, run, TODAY } from "../support/fixtures";
import { migrationsMap, REGISTRATION_ANNOTATIONS, shipped } from "../fixtures/sql/configmaps";

const ALL: readonly Rule[] = [
  postgresRequiredExtensions,
  migrationsTenantRls,
  migrationsConcurrentIndex,
  migrationsExpandContract,
  migrationsMoneyBigint,
  migrationsReversible,
  migrationsLockSafety,
] as readonly Rule[];

const ANNOTATIONS: Record<string, Record<string, string> | undefined> = { registration: REGISTRATION_ANNOTATIONS };

before(async () => {
  await initRules(ALL);
});

describe("migration gates: wiring", () => {
  it("are registered in RULES in catalog order, with the parser as their init", () => {
    const names = RULES.map((r) => r.gate as string);
    const at = names.indexOf("postgres-required-extensions");
    assert.ok(at >= 0);
    assert.deepEqual(names.slice(at, at + ALL.length), ALL.map((r) => r.gate));
    for (const r of ALL) assert.equal(typeof r.init, "function");
  });
});

describe("migration gates: the shipped migrations", () => {
  for (const service of ["config", "registration", "maintenance"]) {
    it(`${service}: every migration gate passes`, () => {
      const findings = run(ALL, [migrationsMap(service, shipped(service), { annotations: ANNOTATIONS[service] })]);
      expectClean(findings);
    });
  }

  it("registration: removing one table's FORCE ROW LEVEL SECURITY fails migrations-tenant-rls", () => {
    const data = shipped("registration");
    data["0003_registrations.up.sql"] = (data["0003_registrations.up.sql"] as string).replace(
      "ALTER TABLE registration.registrations FORCE ROW LEVEL SECURITY;",
      "",
    );
    const findings = run(ALL, [migrationsMap("registration", data, { annotations: ANNOTATIONS["registration"] })]);
    expectOne(findings, { policy: "migrations-tenant-rls", name: "registration-migrations" }, "0003_registrations.up.sql", "registration.registrations", "not forced", "FORCE ROW LEVEL SECURITY");
    assert.equal(findings.length, 1);
  });
});

describe("migrations-money-bigint", () => {
  it("isMoneyName splits on non-letters", () => {
    const s = moneySettings.parse({});
    assert.equal(isMoneyName("Total-Price", s), true);
    assert.equal(isMoneyName("price_id", s), false);
    assert.equal(isMoneyName("feedback", s), false);
  });
});

describe("postgres-required-extensions", () => {
  it("declaredExtensions splits on commas and spaces", () => {
    assert.deepEqual(declaredExtensions(" pg_trgm,citext  PostGIS ,"), ["pg_trgm", "citext", "postgis"]);
  });
});

describe("migration gates: in the pack", () => {
  it("loading the pack's rules does not load the parser (its WebAssembly loads in the rules' init)", () => {
    const index = path.join(__dirname, "..", "..", "policypack", "src", "gates", "index.js");
    const probe = `require(${JSON.stringify(index)}); console.log(Object.keys(require.cache).filter((k) => k.includes("libpg-query")).length)`;
    const r = spawnSync(process.execPath, ["-e", probe], { encoding: "utf8", timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), "0");
  });

  it("runs through the policy SDK adapter as a stack policy (init awaited, violations on the ConfigMap's URN)", async () => {
    const data = shipped("registration");
    data["0002_patients.up.sql"] = (data["0002_patients.up.sql"] as string).replace("ALTER TABLE registration.patients FORCE ROW LEVEL SECURITY;", "");
    const cm = migrationsMap("registration", data, { annotations: ANNOTATIONS["registration"] });
    const resource: PolicyResource = {
      type: cm.type,
      urn: cm.urn,
      name: cm.name,
      props: unknownCheckingProxy(structuredClone(cm.props)),
      opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    const args: StackValidationArgs = {
      resources: [resource],
      getConfig: <C extends object>() => ({}) as C,
      stackTags: new Map(),
      notApplicable: () => {
        throw new Error("n/a");
      },
    };
    const got: { message: string; urn?: string }[] = [];
    const policy = toPulumiPolicy(migrationsTenantRls, { today: () => TODAY, facts: {} }) as StackValidationPolicy;
    await policy.validateStack(args, (message: string, urn?: string) => got.push({ message, urn }));
    assert.equal(got.length, 1);
    assert.equal(got[0]?.urn, cm.urn);
    assert.match(got[0]?.message ?? "", /0002_patients\.up\.sql line 1: table registration\.patients has a tenant_id column but row-level security is not forced/);
  });
});

describe("migrations-lock-safety on the shipped migrations", () => {
  it("maintenance: an expand step without SET lock_timeout fails migrations-lock-safety only", () => {
    const data = shipped("maintenance");
    data["0006_vendor_invoices_paid_at.up.sql"] = (data["0006_vendor_invoices_paid_at.up.sql"] as string).replace("SET lock_timeout = '5s';\n", "");
    const findings = run(ALL, [migrationsMap("maintenance", data)]);
    expectOne(findings, { policy: "migrations-lock-safety", name: "maintenance-migrations" }, "0006_vendor_invoices_paid_at.up.sql line 3", "ACCESS EXCLUSIVE", "maintenance.vendor_invoices", "SET lock_timeout");
    assert.equal(findings.length, 1);
  });
});

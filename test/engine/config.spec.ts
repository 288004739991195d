import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, formatPath, suggest } from "../../policypack/src/engine/config";
import { packConfigProblems, prepareAll } from "../../policypack/src/engine/evaluate";
import { prepare, runResource } from "../../policypack/src/engine/run";
import { configSchemaOf } from "../../policypack/src/engine/schema";
import { resourceGate } from "../../policypack/src/engine/rule";
import { gateMeta } from "../../policypack/src/catalog";
import { view } from "../../policypack/src/engine/evaluate";
import { RULES } from "../../policypack/src/gates";
import { cloudsqlHardening } from "../../policypack/src/gates/cloudsql-hardening/gate";
import { dataResidency } from "../../policypack/src/gates/data-residency/gate";
import { sqlPrimary } from "../fixtures/gcp";
import { expectOne, mutate, run, TODAY } from "../support/fixtures";
import { z } from "zod";

const ROOT = path.resolve(__dirname, "../../..");

describe("pack config", () => {
  for (const env of ["production", "staging"]) {
    it(`the shipped ${env} config is valid for every policy`, () => {
      const cfg = JSON.parse(fs.readFileSync(path.join(ROOT, "policypack/config", `${env}.json`), "utf8")) as Record<string, unknown>;
      const prepared = prepareAll(RULES, cfg, TODAY);
      const problems = prepared.flatMap((p) => p.problems);
      assert.deepEqual(problems, []);
    });
  }

  it("an unknown policy name fails with a suggestion", () => {
    assert.throws(
      () => prepareAll(RULES, { "data-residncy": {} }, TODAY),
      (e: unknown) => e instanceof ConfigError && /unknown policy 'data-residncy' \(did you mean 'data-residency'\?\)/.test(e.message),
    );
    assert.equal(packConfigProblems([], RULES)[0]?.path, "(file)");
    assert.equal(packConfigProblems({ all: "loud" }, RULES)[0]?.path, "all");
    assert.equal(packConfigProblems({ nonsense: 1 }, RULES)[0]?.message.includes("did you mean"), false);
  });

  it("a misspelt setting names the field and suggests the right one", () => {
    const f = run(dataResidency, [], { "data-residency": { allowedRegion: ["europe-west1"] } });
    expectOne(f, { policy: "data-residency", kind: "config" }, "unknown setting 'allowedRegion' (did you mean 'allowedRegions'?)");
  });

  it("a wrongly typed setting names its path", () => {
    const f = run(dataResidency, [], { "data-residency": { allowedRegions: ["EU"] } });
    expectOne(f, { policy: "data-residency", kind: "config" }, "data-residency.allowedRegions[0]", "europe-west1");
  });

  it("a bad enforcement level is reported, and the gate's default level applies", () => {
    const f = run(cloudsqlHardening, [mutate(sqlPrimary(), "deletionProtection", false)], { "cloudsql-hardening": { enforcementLevel: "loud" } });
    expectOne(f, { policy: "cloudsql-hardening", kind: "config" }, "enforcementLevel", "mandatory");
    assert.equal(expectOne(f, { policy: "cloudsql-hardening" }).level, "mandatory");
  });

  it("'all' sets the level of every policy; a bare string entry sets one", () => {
    const db = mutate(sqlPrimary(), "deletionProtection", false);
    assert.equal(expectOne(run(cloudsqlHardening, [db], { all: "advisory" }), { policy: "cloudsql-hardening" }).level, "advisory");
    assert.equal(expectOne(run(cloudsqlHardening, [db], { all: "advisory", "cloudsql-hardening": {} }), { policy: "cloudsql-hardening" }).level, "advisory");
    assert.equal(expectOne(run(cloudsqlHardening, [db], { "cloudsql-hardening": "advisory" }), { policy: "cloudsql-hardening" }).level, "advisory");
    assert.equal(expectOne(run(cloudsqlHardening, [db], { "cloudsql-hardening": { enforcementLevel: "remediate" } }), { policy: "cloudsql-hardening" }).level, "mandatory");
    assert.equal(run(cloudsqlHardening, [db], { "cloudsql-hardening": "disabled" }).length, 0);
  });

  it("an invalid config disables the rule's checks and reports only the problem", () => {
    const p = prepare(cloudsqlHardening, { minTier: 3 }, TODAY);
    assert.equal(p.settings, undefined);
    assert.equal(runResource(p, view(sqlPrimary())).length, 0);
    assert.equal(p.problems.length, 1);
  });

  it("a rule that throws yields an advisory error finding, not a crash", () => {
    const boom = resourceGate({ meta: gateMeta("cloudsql-hardening"),
      types: ["t"],
      settings: z.strictObject({}),
      check() {
        throw new Error("odd input");
      },
    });
    const f = runResource(prepare(boom, {}, TODAY), view({ type: "t", urn: "u", name: "n", props: {} }));
    assert.equal(f[0]?.kind, "error");
    assert.equal(f[0]?.level, "advisory");
    assert.match(f[0]?.message ?? "", /could not evaluate 'n' \(t\) \(odd input\)/);
  });

  it("generates a JSON schema with defaults for the CLI", () => {
    const s = configSchemaOf(dataResidency);
    const props = s.properties as Record<string, { default?: unknown; type?: string }>;
    assert.deepEqual(props["allowedRegions"]?.default, ["europe-west1"]);
    assert.equal(props["waivers"]?.type, "array");
    assert.equal(s.required, undefined);
    for (const rule of RULES) assert.ok(configSchemaOf(rule).properties, rule.gate);
  });

  it("formats paths and suggestions", () => {
    assert.equal(formatPath("p", ["a", 0, "b"]), "p.a[0].b");
    assert.equal(formatPath("", ["a"]), "a");
    assert.equal(suggest("drRegion", ["drRegions", "allowedRegions"]), "drRegions");
    assert.equal(suggest("zzzzzz", ["drRegions"]), undefined);
  });
});

/**
 * The generic runner of every gate's examples (policypack/src/gates/<name>/examples.ts): the
 * baseline and each compliant variant give no finding; each violating case gives exactly its
 * expected findings, whole messages included. Also checks the gate index against the folders.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ResourceInput } from "../../policypack/src/access/resource";
import { GATES } from "../../policypack/src/catalog";
import { initRules, type Rule } from "../../policypack/src/engine/rule";
import type { Finding } from "../../policypack/src/engine/run";
import { RULES } from "../../policypack/src/gates";
import type { Case, Expected, GateExamples } from "../support/examples";
import { run } from "../support/fixtures";

const SRC = path.resolve(__dirname, "../../../policypack/src/gates");

function folders(): string[] {
  return fs.readdirSync(SRC, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

/** The gate's examples, or undefined when its folder has none (reported as a failing test). */
function examplesOf(name: string): GateExamples | undefined {
  const file = path.join(__dirname, "../../policypack/src/gates", name, "examples.js");
  if (!fs.existsSync(file)) return undefined;
  return (require(file) as { default: GateExamples }).default;
}

function shape(findings: readonly Finding[]): Expected[] {
  return findings.map((f) => ({ ...(f.name === undefined ? {} : { name: f.name }), kind: f.kind, message: f.message }));
}

function expected(list: readonly Expected[]): Expected[] {
  return list.map((e) => ({ ...(e.name === undefined ? {} : { name: e.name }), kind: e.kind ?? "violation", message: e.message }));
}

function fresh(ex: GateExamples): ResourceInput[] {
  return structuredClone(ex.baseline());
}

/** The gate's findings on a stack built from a fresh baseline, with the case's config entry and facts. */
function findingsOf(rule: Rule, ex: GateExamples, c?: Case): Finding[] {
  const stack = c ? c.stack(fresh(ex)) : fresh(ex);
  return run(rule, stack, c?.config ? { [rule.gate]: c.config } : {}, c?.facts).filter((f) => f.policy === rule.gate);
}

describe("gate folders (policypack/src/gates)", () => {
  it("one folder per gate, named as the catalog, each with gate.ts and examples.ts; the index lists them in catalog order", () => {
    assert.deepEqual(folders(), [...RULES.map((r) => r.gate)].sort());
    assert.deepEqual(RULES.map((r) => r.gate), GATES.map((g) => g.name));
    for (const name of folders()) {
      for (const file of ["gate.ts", "examples.ts"]) assert.ok(fs.existsSync(path.join(SRC, name, file)), `${name}/${file} is missing`);
    }
  });

  it("every gate's rule carries its own record", () => {
    for (const r of RULES) assert.equal(r.meta.name, r.gate);
  });
});

describe("gate examples (one generic runner)", () => {
  before(() => initRules(RULES));

  for (const rule of RULES) {
    describe(rule.gate, () => {
      const ex = examplesOf(rule.gate);
      if (!ex) {
        it("has examples", () => assert.fail(`policypack/src/gates/${rule.gate}/examples.ts is missing`));
        return;
      }

      it("has a baseline and at least one violating example", () => {
        assert.ok(ex.baseline().length > 0, "empty baseline");
        assert.ok(ex.violating.length > 0, "no violating example");
      });

      it("the baseline is compliant", () => {
        assert.deepEqual(shape(findingsOf(rule, ex)), []);
      });

      for (const c of ex.compliant) {
        it(`stays quiet: ${c.title}`, () => {
          assert.deepEqual(shape(findingsOf(rule, ex, c)), []);
        });
      }

      for (const c of ex.violating) {
        it(`reports: ${c.title}`, () => {
          assert.deepEqual(shape(findingsOf(rule, ex, c)), expected(c.expect));
        });
      }
    });
  }
});

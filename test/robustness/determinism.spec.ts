/**
 * Output is deterministic: evaluating the same input twice gives identical findings (deep equal,
 * same order), whether the views are fresh, the input is a structural copy, or the pack runs under
 * another config. Covers every rule in RULES over a realistic synthetic stack (bench/generate.ts)
 * with unknown values and violations in it.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { evaluate } from "../../policypack/src/engine/evaluate";
import { initRules } from "../../policypack/src/engine/rule";
import { RULES } from "../../policypack/src/gates";
import { generateStack } from "../../bench/generate";
import { FACTS, TODAY } from "../support/fixtures";

const ROOT = path.resolve(__dirname, "../../..");

function config(env: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(ROOT, "policypack", "config", `${env}.json`), "utf8")) as Record<string, unknown>;
}

describe("robustness: output is deterministic", function () {
  this.timeout(60_000);
  const stack = generateStack(1_500, 42);

  before(async () => {
    await initRules(RULES);
  });

  it("the synthetic stack is itself deterministic (same size and seed, same resources)", () => {
    assert.deepEqual(generateStack(1_500, 42), stack);
    assert.notDeepEqual(generateStack(1_500, 43), stack);
  });

  for (const env of ["production", "staging"]) {
    it(`evaluating twice gives identical findings, in the same order (${env} config)`, () => {
      const cfg = config(env);
      const a = evaluate(RULES, stack, cfg, { today: TODAY, facts: FACTS }).findings;
      const b = evaluate(RULES, stack, cfg, { today: TODAY, facts: FACTS }).findings;
      const c = evaluate(RULES, structuredClone(stack), cfg, { today: TODAY, facts: FACTS }).findings;
      assert.ok(a.length > 0, "the stack has violations, so the comparison means something");
      assert.ok(a.some((f) => f.kind === "undecided"), "the stack has unknowns, so undecided findings are compared too");
      assert.deepEqual(b, a);
      assert.deepEqual(c, a);
      assert.equal(JSON.stringify(c), JSON.stringify(a));
      assert.equal(a.filter((f) => f.kind === "error").length, 0, a.filter((f) => f.kind === "error").map((f) => f.message).join("\n"));
    });
  }

  it("every rule is deterministic on its own too", () => {
    for (const rule of RULES) {
      const a = evaluate([rule], stack, {}, { today: TODAY, facts: FACTS }).findings;
      const b = evaluate([rule], structuredClone(stack), {}, { today: TODAY, facts: FACTS }).findings;
      assert.deepEqual(b, a, rule.gate);
    }
  });
});

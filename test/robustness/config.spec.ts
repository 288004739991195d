/**
 * Bad pack config and bad waivers, for every rule in RULES: each mistake gives exactly one clear
 * problem that names the field (policy, setting, waiver index and field) and exempts nothing;
 * the rule's checks do not run on settings it could not parse. New rules are covered automatically.
 */
import * as assert from "node:assert/strict";
import { ConfigError } from "../../policypack/src/engine/config";
import { prepareAll } from "../../policypack/src/engine/evaluate";
import type { Rule } from "../../policypack/src/engine/rule";
import { prepare, type Finding } from "../../policypack/src/engine/run";
import { MAX_WAIVER_DAYS } from "../../policypack/src/engine/waivers";
import { RULES } from "../../policypack/src/gates";
import { TODAY } from "../support/fixtures";


function keysOf(rule: Rule): string[] {
  const shape = (rule.settings as unknown as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

function defaults(rule: Rule): Record<string, unknown> {
  return rule.settings.parse({}) as Record<string, unknown>;
}

/** A value of the wrong JSON type for a setting whose default is `d`. */
function wrongType(d: unknown): unknown {
  if (typeof d === "string") return { not: "a string" };
  if (typeof d === "number") return "many";
  if (typeof d === "boolean") return "yes";
  if (Array.isArray(d)) return "not-a-list";
  return 42;
}

function problemsOf(rule: Rule, entry: unknown): readonly Finding[] {
  return prepare(rule as Rule<unknown>, entry, TODAY).problems;
}

function expectSingleProblem(rule: Rule, entry: unknown, path: string, ...facts: (string | RegExp)[]): Finding {
  const problems = problemsOf(rule, entry);
  assert.equal(problems.length, 1, `${rule.gate}: expected exactly one problem at ${path} for ${JSON.stringify(entry)}, got:\n${problems.map((p) => `  ${p.message}`).join("\n") || "  (none)"}`);
  const p = problems[0] as Finding;
  assert.equal(p.kind, "config");
  assert.equal(p.policy, rule.gate);
  assert.ok(p.message.startsWith(`invalid pack config at ${path}`), `${rule.gate}: problem does not name ${path}:\n  ${p.message}`);
  for (const f of facts) {
    if (typeof f === "string") assert.ok(p.message.includes(f), `${rule.gate}: message lacks "${f}":\n  ${p.message}`);
    else assert.match(p.message, f);
  }
  return p;
}

const waiver = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  resource: "svc-db",
  justification: "Regional HA is rolled out in Q1 with the new VPC design",
  approver: "sre.lead@example.com",
  expires: "2027-01-31",
  ...over,
});

function dayPlus(days: number): string {
  return new Date(TODAY.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

describe("robustness: bad pack config gives one clear error naming the field, for every rule", () => {
  it("every rule's defaults parse, and an empty entry has no problem", () => {
    for (const rule of RULES) {
      assert.doesNotThrow(() => defaults(rule), rule.gate);
      assert.deepEqual(problemsOf(rule, undefined), [], rule.gate);
      assert.deepEqual(problemsOf(rule, {}), [], rule.gate);
      assert.deepEqual(problemsOf(rule, "advisory"), [], rule.gate);
    }
  });

  for (const rule of RULES) {
    describe(rule.gate, () => {
      it("an unknown policy name (a typo of this one) is refused with a suggestion", () => {
        const typo = rule.gate.slice(0, 3) + rule.gate.slice(4);
        assert.throws(
          () => prepareAll(RULES, { [typo]: {} }, TODAY),
          (e: unknown) => {
            assert.ok(e instanceof ConfigError);
            assert.equal(e.problems.length, 1, e.message);
            assert.equal(e.problems[0]?.path, typo);
            assert.match(e.problems[0]?.message ?? "", new RegExp(`unknown policy '${typo}' \\(did you mean '${rule.gate}'\\?\\)`));
            return true;
          },
        );
      });

      for (const key of keysOf(rule)) {
        it(`a wrongly typed '${key}' is one problem at ${rule.gate}.${key}, and the checks do not run`, () => {
          const entry = { [key]: wrongType(defaults(rule)[key]) };
          expectSingleProblem(rule, entry, `${rule.gate}.${key}`);
          assert.equal(prepare(rule as Rule<unknown>, entry, TODAY).settings, undefined);
        });

        it(`a misspelt '${key}' is one problem that suggests '${key}'`, () => {
          expectSingleProblem(rule, { [`${key}x`]: defaults(rule)[key] }, rule.gate, `unknown setting '${key}x' (did you mean '${key}'?)`);
        });
      }

      it("an unknown setting is one problem listing the known settings", () => {
        const known = keysOf(rule);
        expectSingleProblem(rule, { zzzUnheardOf: 1 }, rule.gate, "unknown setting 'zzzUnheardOf'", `known settings are ${known.join(", ") || "none"}`);
      });

      it("a bad enforcement level is one problem at enforcementLevel; the gate's own level applies", () => {
        expectSingleProblem(rule, { enforcementLevel: "strict" }, `${rule.gate}.enforcementLevel`, "must be one of advisory, mandatory, remediate, disabled");
        assert.equal(prepare(rule as Rule<unknown>, { enforcementLevel: "strict" }, TODAY).level, prepare(rule as Rule<unknown>, undefined, TODAY).gate.level);
      });
    });
  }

  it("pack-level mistakes: not an object, a bad 'all'", () => {
    for (const bad of [[], "mandatory", null, 3]) {
      assert.throws(
        () => prepareAll(RULES, bad as never, TODAY),
        (e: unknown) => e instanceof ConfigError && e.problems.length === 1 && e.problems[0]?.path === "(file)",
      );
    }
    assert.throws(
      () => prepareAll(RULES, { all: "loud" }, TODAY),
      (e: unknown) => e instanceof ConfigError && e.problems.length === 1 && e.problems[0]?.path === "all",
    );
  });

  it("several mistakes are each reported once, each with its own path", () => {
    const rule = RULES.find((r) => keysOf(r).length > 0) as Rule;
    const key = keysOf(rule)[0] as string;
    const problems = problemsOf(rule, { [key]: wrongType(defaults(rule)[key]), enforcementLevel: 7, waivers: [waiver({ approver: "bob" })] });
    assert.deepEqual(
      problems.map((p) => p.message.slice(0, p.message.indexOf(":", "invalid pack config at ".length))).sort(),
      [`invalid pack config at ${rule.gate}.${key}`, `invalid pack config at ${rule.gate}.enforcementLevel`, `invalid pack config at ${rule.gate}.waivers[0].approver`].sort(),
    );
  });
});

describe("robustness: bad waivers give one clear error naming the field and exempt nothing, for every rule", () => {
  const cases: readonly [string, unknown, string, string | RegExp][] = [
    ["not a list", { resource: "x" }, "waivers", "must be a list of waivers"],
    ["a waiver that is not an object", ["svc-db"], "waivers[0]", /waiver is malformed/],
    ["missing resource", [waiver({ resource: undefined })], "waivers[0].resource", "is required"],
    ["empty resource", [waiver({ resource: "" })], "waivers[0].resource", "must not be empty"],
    ["resource of the wrong type", [waiver({ resource: 7 })], "waivers[0].resource", /waiver is malformed/],
    ["missing justification", [waiver({ justification: undefined })], "waivers[0].justification", "is required"],
    ["too short a justification", [waiver({ justification: "because" })], "waivers[0].justification", "at least 20 characters"],
    ["missing approver", [waiver({ approver: undefined })], "waivers[0].approver", "is required"],
    ["an approver that is not an e-mail", [waiver({ approver: "bob" })], "waivers[0].approver", "e-mail"],
    ["missing expiry", [waiver({ expires: undefined })], "waivers[0].expires", "is required"],
    ["an expiry that is not a date", [waiver({ expires: "31/01/2027" })], "waivers[0].expires", "YYYY-MM-DD"],
    ["an impossible date", [waiver({ expires: "2027-02-30" })], "waivers[0].expires", "not a real calendar date"],
    ["an expiry of the wrong type", [waiver({ expires: 20270131 })], "waivers[0].expires", /waiver is malformed/],
    ["an unknown field", [waiver({ reviewer: "x@example.com" })], "waivers[0]", "unknown field 'reviewer'"],
    ["an expired waiver", [waiver({ expires: dayPlus(-1) })], "waivers[0].expires", `expired on ${dayPlus(-1)}`],
    ["an over-long waiver", [waiver({ expires: dayPlus(MAX_WAIVER_DAYS + 1) })], "waivers[0].expires", `more than ${MAX_WAIVER_DAYS} days`],
    ["a bad second waiver after a good one", [waiver(), waiver({ approver: "nobody" })], "waivers[1].approver", "e-mail"],
  ];

  for (const rule of RULES) {
    it(`${rule.gate}: ${cases.length} kinds of bad waiver, one problem each; good waivers pass`, () => {
      for (const [what, waivers, path, fact] of cases) {
        const entry = { waivers: typeof waivers === "object" && waivers !== null && !Array.isArray(waivers) ? waivers : (waivers as unknown[]).map((w) => (typeof w === "object" && w !== null ? Object.fromEntries(Object.entries(w).filter(([, v]) => v !== undefined)) : w)) };
        const p = expectSingleProblem(rule, entry, `${rule.gate}.${path}`, fact);
        assert.ok(p.message.length > `invalid pack config at ${rule.gate}.${path}: `.length + 10, `${what}: the message says too little`);
        const prepared = prepare(rule as Rule<unknown>, entry, TODAY);
        const good = what.startsWith("a bad second") ? 1 : 0;
        assert.equal(prepared.active.length, good, `${rule.gate}, ${what}: a bad waiver must exempt nothing`);
      }
      // The boundaries are accepted: expiring today, and exactly MAX_WAIVER_DAYS ahead.
      assert.deepEqual(problemsOf(rule, { waivers: [waiver({ expires: dayPlus(0) }), waiver({ expires: dayPlus(MAX_WAIVER_DAYS) })] }), []);
      assert.deepEqual(problemsOf(rule, { waivers: [] }), []);
    });
  }
});

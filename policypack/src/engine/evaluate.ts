/**
 * In-process evaluation of the whole pack over a list of resources: what the audit command, the
 * benchmark and the tests use. Same rules, same semantics as the policy server.
 */
import { ResourceView, type ResourceInput, type StackFacts } from "../access/resource";
import { StackView } from "../access/stack";
import { ConfigError, levelSchema, suggest, type ConfigProblem } from "./config";
import type { Rule } from "./rule";
import { prepare, runResourceInto, runStack, type Finding, type Prepared } from "./run";

export type PackConfig = Readonly<Record<string, unknown>>;

/**
 * The level of a config's `all` entry: a bare level, or `{ "enforcementLevel": <level> }` (both
 * forms the Pulumi CLI's parsePolicyPackConfig accepts). Anything else is returned as it is, to be
 * refused by the level schema.
 */
function allLevel(v: unknown): unknown {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return v;
  const keys = Object.keys(v);
  return keys.length === 1 && keys[0] === "enforcementLevel" ? (v as { enforcementLevel: unknown }).enforcementLevel : v;
}

/** Pack-level checks of a config file: unknown policy names, the "all" level. */
export function packConfigProblems(config: unknown, rules: readonly Rule[]): ConfigProblem[] {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    return [{ path: "(file)", message: "must be a JSON object with one entry per policy name. Fix: see policypack/config/production.json." }];
  }
  const names = rules.map((r) => r.gate as string);
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(config)) {
    if (key === "all") {
      const l = levelSchema.safeParse(allLevel((config as Record<string, unknown>)[key]));
      if (!l.success) problems.push({ path: "all", message: `must be an enforcement level (advisory, mandatory, disabled), or { "enforcementLevel": <level> }.` });
      continue;
    }
    if (!names.includes(key)) {
      const s = suggest(key, names);
      problems.push({
        path: key,
        message: `unknown policy '${key}'${s ? ` (did you mean '${s}'?)` : ""}. Fix: use a policy name from docs/gates.md.`,
      });
    }
  }
  return problems;
}

/** Every rule prepared against a config file; throws ConfigError on pack-level problems. */
export function prepareAll(rules: readonly Rule[], config: PackConfig, today: Date): Prepared[] {
  const problems = packConfigProblems(config, rules);
  if (problems.length > 0) throw new ConfigError("pack config", problems);
  const all = allLevel(config["all"]);
  return rules.map((rule) => {
    let entry = config[rule.gate];
    if (all !== undefined) {
      if (entry === undefined) entry = all;
      else if (typeof entry === "object" && entry !== null && !("enforcementLevel" in entry)) {
        entry = { ...(entry as Record<string, unknown>), enforcementLevel: all };
      }
    }
    return prepare(rule as Rule<unknown>, entry, today);
  });
}

/**
 * The last preparation, reused while the rules, the config (compared by its JSON) and today are the
 * same: the policy server likewise prepares once per Configure, not per preview.
 */
let lastPrepared: { readonly rules: readonly Rule[]; readonly key: string; readonly prepared: Prepared[] } | undefined;

function preparedFor(rules: readonly Rule[], config: PackConfig, today: Date): Prepared[] {
  const json = plainJson(config);
  const key = json === undefined ? undefined : `${today.getTime()}\n${json}`;
  if (key !== undefined && lastPrepared?.rules === rules && lastPrepared.key === key) return lastPrepared.prepared;
  const prepared = prepareAll(rules, config, today);
  if (key !== undefined) lastPrepared = { rules, key, prepared };
  return prepared;
}

/**
 * The JSON of a value made only of plain objects, arrays, strings, finite numbers, booleans and
 * null, else undefined: two configs with the same such JSON parse the same way. A Date, a function,
 * NaN or an object with toJSON could share its JSON with a config that parses differently, so such
 * configs are never cached.
 */
function plainJson(v: unknown): string | undefined {
  try {
    return JSON.stringify(v, function (this: Record<string, unknown>, k: string, x: unknown) {
      const orig = this[k];
      if (orig !== x) throw new Error("serialised by toJSON");
      if (orig === null || typeof orig === "string" || typeof orig === "boolean") return x;
      if (typeof orig === "number" && Number.isFinite(orig)) return x;
      if (Array.isArray(orig)) return x;
      if (typeof orig === "object") {
        const proto: unknown = Object.getPrototypeOf(orig);
        if (proto === Object.prototype || proto === null) return x;
      }
      throw new Error("not plain JSON");
    });
  } catch {
    return undefined;
  }
}

export interface Evaluation {
  readonly findings: readonly Finding[];
  readonly resources: number;
  readonly prepared: readonly Prepared[];
}

/** Evaluates every resource rule on every resource and every stack rule on the stack. */
export function evaluate(
  rules: readonly Rule[],
  inputs: readonly ResourceInput[],
  config: PackConfig,
  opts: { today: Date; facts?: StackFacts },
): Evaluation {
  const prepared = preparedFor(rules, config, opts.today);
  const stack = new StackView(inputs, opts.facts ?? {});
  const findings: Finding[] = [];
  for (const p of prepared) findings.push(...p.problems);
  const resourceRules = prepared.filter((p) => p.rule.kind === "resource");
  const byType = new Map<string, Prepared[]>();
  for (const p of resourceRules) {
    for (const t of (p.rule as { types: readonly string[] }).types) {
      let list = byType.get(t);
      if (!list) byType.set(t, (list = []));
      list.push(p);
    }
  }
  for (const r of stack.resources) {
    const applicable = byType.get(r.type);
    if (!applicable) continue;
    const service = stack.serviceOf(r);
    for (const p of applicable) runResourceInto(p, r, service, findings);
  }
  for (const p of prepared) if (p.rule.kind === "stack") findings.push(...runStack(p, stack));
  return { findings, resources: inputs.length, prepared };
}

/** Convenience for tests: one view with facts. */
export function view(input: ResourceInput, facts: StackFacts = {}): ResourceView {
  return new ResourceView(input, facts);
}


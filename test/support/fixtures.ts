/**
 * Shared test helpers: build resources as the engine presents them, run rules in-process, and
 * assert findings by exact policy name and the message's key facts.
 *
 * Fixture style: start from one compliant baseline and mutate one property per failing case.
 */
import * as assert from "node:assert/strict";
import type { ResourceInput, StackFacts } from "../../policypack/src/access/resource";
import { UNKNOWN } from "../../policypack/src/access/values";
import { evaluate } from "../../policypack/src/engine/evaluate";
import type { Rule } from "../../policypack/src/engine/rule";
import type { Finding, FindingKind } from "../../policypack/src/engine/run";

/** The fixed "today" of every test (waiver expiry). */
export const TODAY = new Date("2026-11-23T12:00:00Z");
export const FACTS: StackFacts = { gcpRegion: "europe-west1" };
export { UNKNOWN };

export function urnOf(type: string, name: string, parentType?: string): string {
  const qualified = parentType ? `${parentType}$${type}` : type;
  return `urn:pulumi:prod::readiness::${qualified}::${name}`;
}

/** A resource as Analyze/AnalyzeStack would present it. */
export function res(type: string, name: string, props: Record<string, unknown>, extra: Partial<ResourceInput> = {}): ResourceInput {
  return { type, name, urn: urnOf(type, name), props, ...extra };
}

/** Deep copy with one path set (undefined deletes it): the "one mutation" of a fixture. */
export function mutate<T extends ResourceInput>(base: T, path: string, value: unknown): T {
  const copy = structuredClone(base) as T & { props: Record<string, unknown> };
  const parts = path.split(".");
  let cur: Record<string, unknown> = copy.props as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) {
    if (typeof cur[p] !== "object" || cur[p] === null) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  const last = parts[parts.length - 1] as string;
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return copy;
}

/** Runs rules over resources in-process, with the test date and facts. */
export function run(
  rules: Rule | readonly Rule[],
  inputs: readonly ResourceInput[],
  config: Record<string, unknown> = {},
  facts: StackFacts = FACTS,
): Finding[] {
  const list = (Array.isArray(rules) ? rules : [rules]) as readonly Rule[];
  return [...evaluate(list, inputs, config, { today: TODAY, facts }).findings];
}

export interface Match {
  policy: string;
  /** Resource name the finding is about (omit for stack-level findings). */
  name?: string;
  kind?: FindingKind;
}

function matches(f: Finding, m: Match): boolean {
  return f.policy === m.policy && (m.name === undefined || f.name === m.name) && f.kind === (m.kind ?? "violation");
}

function dump(findings: readonly Finding[]): string {
  return findings.map((f) => `  [${f.kind}] ${f.policy} ${f.name ?? "-"}: ${f.message}`).join("\n") || "  (none)";
}

/** Asserts exactly one finding matches, and that its message contains every fact. Returns it. */
export function expectOne(findings: readonly Finding[], m: Match, ...facts: (string | RegExp)[]): Finding {
  const hits = findings.filter((f) => matches(f, m));
  assert.equal(hits.length, 1, `expected exactly one ${m.kind ?? "violation"} of ${m.policy} for ${m.name ?? "(stack)"}, got:\n${dump(findings)}`);
  const f = hits[0] as Finding;
  for (const fact of facts) {
    if (typeof fact === "string") assert.ok(f.message.includes(fact), `message lacks "${fact}":\n  ${f.message}`);
    else assert.match(f.message, fact);
  }
  return f;
}

/** Asserts no finding at all (any kind but "waived") for the policy (or any policy). */
export function expectClean(findings: readonly Finding[], policy?: string): void {
  const bad = findings.filter((f) => f.kind !== "waived" && (policy === undefined || f.policy === policy));
  assert.equal(bad.length, 0, `expected no findings${policy ? ` for ${policy}` : ""}, got:\n${dump(bad)}`);
}

/** Asserts that no message contains the given secret text. */
export function expectNoLeak(findings: readonly Finding[], secret: string): void {
  for (const f of findings) assert.ok(!f.message.includes(secret), `message leaks a secret value:\n  ${f.message}`);
}

/**
 * Helpers for the stack specs: run the readiness program under mocks (preview mode) for a stack,
 * with optional config overrides, and evaluate the whole pack on what it registered.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ResourceInput } from "../../policypack/src/access/resource";
import { evaluate } from "../../policypack/src/engine/evaluate";
import { initRules } from "../../policypack/src/engine/rule";
import type { Finding } from "../../policypack/src/engine/run";
import { RULES } from "../../policypack/src/gates";
import { loadStackConfig, runProgram, type CapturedResource, type CapturedRun } from "../../cli/mock-run";
import { topology } from "../../stacks/topology";

export const ROOT = path.resolve(__dirname, "../../..");
export const TODAY = new Date("2026-11-23T12:00:00Z");

export type StackName = "prod" | "staging";

export const PACK_CONFIG: Record<StackName, string> = {
  prod: path.join(ROOT, "policypack/config/production.json"),
  staging: path.join(ROOT, "policypack/config/staging.json"),
};

/** A captured resource as the pack sees it: outputs merged over inputs, the provider, protect and dependencies. */
export function toInput(c: CapturedResource): ResourceInput {
  return {
    type: c.type,
    urn: c.urn,
    name: c.name,
    props: { ...c.inputs, ...c.outputs },
    ...(c.provider ? { provider: c.provider } : {}),
    opts: { protect: c.protect, ...(c.parent ? { parent: c.parent } : {}) },
    ...(c.parent ? { parent: c.parent } : {}),
    dependencies: c.dependencies,
    propertyDependencies: c.propertyDependencies,
  };
}

/** Deep-merges `extra` into the JSON config value at `key` (e.g. readiness:services). */
export function withConfig(base: Record<string, string>, key: string, extra: unknown): Record<string, string> {
  const cur: unknown = base[key] ? JSON.parse(base[key] as string) : {};
  const merge = (a: unknown, b: unknown): unknown => {
    if (typeof a !== "object" || a === null || Array.isArray(a) || typeof b !== "object" || b === null || Array.isArray(b)) return b;
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b as Record<string, unknown>)) out[k] = merge(out[k], v);
    return out;
  };
  return { ...base, [key]: JSON.stringify(merge(cur, extra)) };
}

/** Runs the topology for a stack (its Pulumi.<stack>.yaml config, then `config` overrides). */
export async function runStack(stack: StackName, config: Record<string, string> = loadStackConfig(ROOT, stack), extra?: () => void): Promise<CapturedRun> {
  return runProgram(
    () => {
      topology(config);
      extra?.();
    },
    { project: "readiness", stack, config },
  );
}

/**
 * Pack gaps the component cannot work around, waived in these specs only (never in the pack's
 * config files) until the pack is fixed; the compliance spec fails when a gap no longer fires,
 * so the entry gets removed. Each is reported to the lead with the fix.
 */
export const KNOWN_GAPS: readonly { policy: string; resource: string; justification: string }[] = [];

/** The stack's pack config, with the KNOWN_GAPS waivers added. */
export function packConfig(stack: StackName): Record<string, unknown> {
  const base = JSON.parse(fs.readFileSync(PACK_CONFIG[stack], "utf8")) as Record<string, unknown>;
  for (const gap of KNOWN_GAPS) {
    const entry = (base[gap.policy] ?? {}) as Record<string, unknown>;
    const waivers = Array.isArray(entry["waivers"]) ? (entry["waivers"] as unknown[]) : [];
    base[gap.policy] = {
      ...entry,
      waivers: [...waivers, { resource: gap.resource, justification: gap.justification, approver: "platform-team@acme.example", expires: "2027-05-31" }],
    };
  }
  return base;
}

/** Evaluates every rule of the pack on the captured resources, with the stack's pack config. */
export async function evaluateStack(stack: StackName, resources: readonly CapturedResource[], mutate?: (inputs: ResourceInput[]) => ResourceInput[]): Promise<Finding[]> {
  await initRules(RULES);
  let inputs = resources.map(toInput);
  if (mutate) inputs = mutate(inputs);
  return [...evaluate(RULES, inputs, packConfig(stack), { today: TODAY, facts: { gcpRegion: "europe-west1" } }).findings];
}

export function dump(findings: readonly Finding[]): string {
  return findings.map((f) => `  [${f.kind}] ${f.policy} ${f.name ?? "-"}: ${f.message}`).join("\n") || "  (none)";
}

/** Findings that would block or leave a gate undecided. */
export function blocking(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.kind === "violation" || f.kind === "undecided" || f.kind === "config" || f.kind === "error");
}

/**
 * The policy pack config as the Pulumi CLI builds it before Configure: a port of
 * pulumi/pulumi `pkg/resource/analyzer/config.go` (parsePolicyPackConfig, createConfigWithDefaults,
 * applyConfig, ReconcilePolicyPackConfig, validatePolicyPackConfig), so that what `readiness check`
 * sends the pack is what a real `pulumi preview --policy-pack-config` sends it.
 *
 * Facts encoded here (each from that file):
 * - A file entry is a level string, or an object whose `enforcementLevel` (if any) must be a valid
 *   level; its other keys are the policy's properties. An entry with neither is dropped.
 * - Every policy of the pack starts from its own default level and its schema's defaults.
 * - `all` sets the level of every policy first; then each entry applies, the `all` entry included:
 *   the CLI forwards `all` to Configure as a policy config of its own (its level, no properties).
 * - The merged properties of every policy with a config schema are validated against
 *   `{type: object, properties, required}` (no `additionalProperties`: the CLI lets unknown keys
 *   through; the pack's own Configure check names them).
 */
import Ajv from "ajv";
import { isRecord } from "../policypack/src/access/values";
import type { AnalyzerInfoJson, Level } from "./analyzer-client";

/** apitype.EnforcementLevel.IsValid(). */
const LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

interface PolicyConfig {
  readonly enforcementLevel?: Level;
  readonly properties?: Record<string, unknown>;
}

export type ConfigEntry = { enforcementLevel?: Level; [k: string]: unknown };

export class PolicyConfigError extends Error {}

function level(v: unknown, what: string): Level {
  if (typeof v !== "string") throw new PolicyConfigError(`parsing enforcement level for "${what}": ${JSON.stringify(v)} is not a valid enforcement level; must be a string`);
  if (!LEVELS.includes(v)) throw new PolicyConfigError(`parsing enforcement level for "${what}": "${v}" is not a valid enforcement level`);
  return v as Level;
}

/** parsePolicyPackConfig: the file's entries, each a level and/or properties. */
export function parsePolicyPackConfig(file: Readonly<Record<string, unknown>>): Map<string, PolicyConfig> {
  const out = new Map<string, PolicyConfig>();
  for (const [k, v] of Object.entries(file)) {
    let enforcementLevel: Level | undefined;
    let properties: Record<string, unknown> | undefined;
    if (typeof v === "string") enforcementLevel = level(v, k);
    else if (isRecord(v)) {
      const { enforcementLevel: el, ...rest } = v;
      if ("enforcementLevel" in v) enforcementLevel = level(el, k);
      if (Object.keys(rest).length > 0) properties = rest;
    } else throw new PolicyConfigError(`parsing "${k}": ${JSON.stringify(v)} is not a valid value; must be a string or object`);
    if (enforcementLevel === undefined && properties === undefined) continue;
    out.set(k, { enforcementLevel, properties });
  }
  return out;
}

/** createConfigWithDefaults: every policy at its own level with its schema's defaults. */
function withDefaults(info: AnalyzerInfoJson): Map<string, PolicyConfig> {
  const out = new Map<string, PolicyConfig>();
  for (const p of info.policies) {
    let properties: Record<string, unknown> | undefined;
    for (const [k, schema] of Object.entries(p.configSchema?.properties ?? {})) {
      if (isRecord(schema) && "default" in schema) (properties ??= {})[k] = schema["default"];
    }
    out.set(p.name, { enforcementLevel: p.enforcementLevel as Level, properties });
  }
  return out;
}

/** applyConfig: `all` first, then every entry (the `all` entry included) over what is there. */
function applyConfig(result: Map<string, PolicyConfig>, given: ReadonlyMap<string, PolicyConfig>): void {
  const all = given.get("all");
  if (all?.enforcementLevel !== undefined) {
    for (const [k, v] of result) result.set(k, { enforcementLevel: all.enforcementLevel, properties: v.properties });
  }
  for (const [name, cfg] of given) {
    const current = result.get(name);
    const enforcementLevel = cfg.enforcementLevel ?? current?.enforcementLevel;
    let properties = current?.properties === undefined ? undefined : { ...current.properties };
    if (cfg.properties !== undefined) properties = { ...(properties ?? {}), ...cfg.properties };
    result.set(name, { enforcementLevel, properties });
  }
}

/** validatePolicyPackConfig: each policy's merged properties against its config schema. */
function validate(info: AnalyzerInfoJson, result: ReadonlyMap<string, PolicyConfig>): string[] {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const errors: string[] = [];
  for (const p of info.policies) {
    if (!p.configSchema) continue;
    const schema: Record<string, unknown> = { type: "object" };
    if (Object.keys(p.configSchema.properties).length > 0) schema["properties"] = p.configSchema.properties;
    if (p.configSchema.required.length > 0) schema["required"] = p.configSchema.required;
    const check = ajv.compile(schema);
    if (!check(result.get(p.name)?.properties ?? {})) {
      for (const e of check.errors ?? []) errors.push(`${p.name}: ${e.instancePath || "(root)"} ${e.message ?? "is invalid"}`);
    }
  }
  return errors;
}

/**
 * ReconcilePolicyPackConfig for a `--policy-pack-config` file (no initial config: this pack sets
 * none), as the map Configure receives: one entry per policy, plus `all` when the file has it.
 */
export function reconcilePolicyPackConfig(info: AnalyzerInfoJson, file: Readonly<Record<string, unknown>>): Record<string, ConfigEntry> {
  const result = withDefaults(info);
  applyConfig(result, parsePolicyPackConfig(file));
  const errors = validate(info, result);
  if (errors.length > 0) throw new PolicyConfigError(errors.join("; "));
  const out: Record<string, ConfigEntry> = {};
  for (const [name, c] of result) out[name] = { ...(c.properties ?? {}), ...(c.enforcementLevel === undefined ? {} : { enforcementLevel: c.enforcementLevel }) };
  return out;
}

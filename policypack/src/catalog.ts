/**
 * The gate catalog: one typed record per automated gate of ../shared/GATES.md, derived from the
 * gates' own records (`gates/<name>/gate.ts`, listed in catalog order by `gates/index.ts`).
 *
 * The pack's policy metadata, the README table and the audit report are all derived from this
 * module. A gate name never changes once released (see policypack/CHANGELOG.md for the rule).
 */
import type { GateMeta } from "./engine/meta";
import { RULES } from "./gates";

export { gateDocsUrl, SEEDS, type Area, type Level, type SeedId, type Severity, type SourceLine } from "./engine/meta";
export type Gate = GateMeta;

export const GATES: readonly Gate[] = RULES.map((r) => r.meta);

const BY_NAME: ReadonlyMap<string, Gate> = new Map(GATES.map((g) => [g.name, g]));

export function gateByName(name: string): Gate | undefined {
  return BY_NAME.get(name);
}

/** A gate's record by name; throws for a name that is not in the catalog. */
export function gateMeta(name: string): Gate {
  const g = BY_NAME.get(name);
  if (!g) throw new Error(`'${name}' is not a gate of the catalog`);
  return g;
}

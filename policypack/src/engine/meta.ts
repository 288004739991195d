/**
 * What a gate's catalog record is. Each gate declares its own record in
 * `policypack/src/gates/<name>/gate.ts`; the catalog (`../catalog.ts`) is derived from them.
 * This module imports nothing, so gates, the engine and the catalog can all depend on it.
 */

export type Severity = "low" | "medium" | "high" | "critical";
export type Level = "advisory" | "mandatory";
export type SeedId = "000" | "001" | "002";

/** Which checklist (seed document) a gate comes from. */
export const SEEDS: Readonly<Record<SeedId, { service: string; title: string }>> = {
  "000": { service: "config", title: "Config Service — Service Readiness" },
  "001": { service: "registration", title: "Registration Service — Service Readiness" },
  "002": { service: "maintenance", title: "maintenance-service · SERVICE_READINESS" },
};

export interface SourceLine {
  seed: SeedId;
  /** Section heading in the seed document, e.g. "5. Storage & migrations". */
  section: string;
  /** The checklist line, as written in the seed document. */
  line: string;
}

export type Area =
  | "residency-encryption"
  | "database"
  | "migrations"
  | "workloads"
  | "identity-gateway"
  | "release"
  | "observability-retention"
  | "pack";

export interface GateMeta {
  name: string;
  title: string;
  area: Area;
  /** Resource policies see one resource (Analyze); stack policies see all of them (AnalyzeStack). */
  kind: "resource" | "stack";
  severity: Severity;
  level: Level;
  proves: string;
  remediation: string;
  sources: readonly SourceLine[];
}

/** A gate's catalog record, with its literal name kept for the type checker. */
export function defineMeta<const M extends GateMeta>(m: M): M {
  return m;
}

/** The anchor of a gate in docs/gates.md, used as the policy's documentation URL. */
export function gateDocsUrl(name: string): string {
  return `https://github.com/readiness-guard/readiness-guard/blob/main/docs/gates.md#${name}`;
}

/**
 * Pack configuration: the `--policy-pack-config` file, one entry per policy, validated with zod.
 *
 * Each policy's entry is `{ enforcementLevel?, waivers?, ...settings }` (or just a level string).
 * Settings have production defaults, so an empty entry is the production baseline.
 */
import { z } from "zod";

export const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "remediate", "disabled"] as const;
export type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

/** One problem in a config a person wrote: where it is and how to fix it. */
export interface ConfigProblem {
  readonly path: string;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(`${source}: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
    this.name = "ConfigError";
  }
}

/** "a.b[0].c" from a zod issue path. */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out === "" ? String(p) : `.${String(p)}`;
  }
  return out;
}

function editDistance(a: string, b: string): number {
  const dp: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0] as number;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j] as number;
      dp[j] = Math.min((dp[j] as number) + 1, (dp[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length] as number;
}

/** The closest known key to a misspelt one, if it is close enough to be a typo. */
export function suggest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Turns a zod error into problems with a path and a fix. */
export function zodProblems(prefix: string, err: z.ZodError, knownKeys: readonly string[] = []): ConfigProblem[] {
  return err.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.map((k) => {
        const s = suggest(k, knownKeys);
        return s ? `'${k}' (did you mean '${s}'?)` : `'${k}'`;
      });
      return {
        path: formatPath(prefix, issue.keys.length === 1 ? [...issue.path, issue.keys[0] as string] : issue.path),
        message: `unknown setting ${keys.join(", ")}. Fix: remove it; known settings are ${knownKeys.join(", ") || "none"}.`,
      };
    }
    return { path: formatPath(prefix, issue.path), message: issue.message };
  });
}

/** Settings every pack config file may give at its top level, besides one entry per policy. */
export const PACK_LEVEL_KEYS = ["all"] as const;

/**
 * Splits one policy's raw entry into its enforcement level, raw waivers and settings.
 * The Pulumi format allows a bare level string ("advisory") as the whole entry.
 */
export function splitEntry(raw: unknown): {
  level?: unknown;
  waivers: unknown;
  settings: Record<string, unknown>;
} {
  if (typeof raw === "string") return { level: raw, waivers: undefined, settings: {} };
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return { waivers: undefined, settings: {} };
  const { enforcementLevel, waivers, ...settings } = raw as Record<string, unknown>;
  return { level: enforcementLevel, waivers, settings };
}

export const levelSchema = z.enum(ENFORCEMENT_LEVELS, {
  error: () => `must be one of ${ENFORCEMENT_LEVELS.join(", ")}. Fix: set enforcementLevel to "mandatory" or "advisory".`,
});

/** GCP region names such as europe-west1 (lower case). */
export const regionSchema = z
  .string()
  .regex(/^[a-z]+-[a-z]+\d+$/, { message: 'must be a GCP region such as "europe-west1". Fix: use the region name, not a zone or multi-region.' });

/** Durations as gates read them: "30m", "1h30m", "1800s", 60 (seconds); Cloud KMS periods ("7776000s"). */
import { z } from "zod";
import { asString, isUnknown } from "../access";

const UNIT_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/**
 * A duration in seconds: a number (seconds, as Argo Rollouts accepts), a numeric string, or a
 * Go/protobuf-style string such as "30m", "1h30m", "1800s", "0.5h". Undefined when unparsable.
 */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v !== "string" || isUnknown(v)) return undefined;
  const s = v.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(s)) return undefined;
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number);
  return total;
}

/** 1800 → "30m", 5400 → "1h30m", 45 → "45s", 0 → "0s". */
export function formatDuration(seconds: number): string {
  if (seconds <= 0) return "0s";
  let rest = Math.round(seconds);
  const parts: string[] = [];
  for (const [unit, size] of [["d", 86400], ["h", 3600], ["m", 60], ["s", 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.length > 0 ? parts.join("") : `${seconds}s`;
}

export const durationSchema = z.string().refine((s) => parseDuration(s) !== undefined, {
  message: 'must be a duration such as "30m", "1h" or "1800s". Fix: write a number followed by s, m, h or d.',
});

/**
 * A duration in whole-second form only, as Cloud KMS takes `rotationPeriod`: "7776000s" → 7776000;
 * "7776000.5s" → 7776000.5; anything else (including "90d" and bare numbers) undefined.
 */
export function secondsDuration(v: unknown): number | undefined {
  const s = asString(v);
  if (!s) return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(s.trim());
  return m ? Number(m[1]) : undefined;
}

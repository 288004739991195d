/**
 * Waivers: the only way to exempt a resource (or a service, for stack gates) from one policy.
 *
 * A waiver lives in the policy's own config entry, so it names exactly one policy, and carries the
 * resource, a justification, an approver and an expiry date. Malformed and expired waivers exempt
 * nothing and are reported as violations themselves.
 */
import { z } from "zod";
import { formatPath, type ConfigProblem } from "./config";

/** The longest a waiver may run, counted from the day it is evaluated. */
export const MAX_WAIVER_DAYS = 366;
const DAY_MS = 86_400_000;

/** The shortest literal start of a name pattern: "db-*" names a family, "*" or "*-api" every service's. */
export const MIN_PATTERN_PREFIX = 3;

const RESOURCE_FIX = `Fix: name the resource by its URN (urn:pulumi:...), a name pattern with a literal prefix of at least ${MIN_PATTERN_PREFIX} characters ("registration-*"), or "service:<name>".`;

/** What is wrong with a waiver's `resource`, if anything. */
export function resourceProblem(r: string): string | undefined {
  if (r.startsWith("urn:pulumi:")) {
    return /^urn:pulumi:[^:]+::[^:]+::[^:].*::.+$/.test(r) ? undefined : `is not a whole Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>). ${RESOURCE_FIX}`;
  }
  if (r.startsWith("service:")) {
    return /^service:[A-Za-z0-9][A-Za-z0-9._-]*$/.test(r) ? undefined : `must name one service after "service:" (letters, digits, '.', '_', '-'). ${RESOURCE_FIX}`;
  }
  const wildcard = r.search(/[*?]/);
  if (wildcard >= 0 && wildcard < MIN_PATTERN_PREFIX) {
    return `is too wide: '${r}' starts with ${wildcard === 0 ? "a wildcard" : `only ${wildcard} literal character${wildcard === 1 ? "" : "s"}`} and would exempt matching resources of every service. ${RESOURCE_FIX}`;
  }
  return undefined;
}

export const waiverSchema = z.strictObject({
  resource: z
    .string({ error: "is required: the resource's URN, a name pattern (\"db-*\") or \"service:<name>\"." })
    .min(1, { message: "must not be empty: give the resource's URN, a name pattern or \"service:<name>\"." })
    .superRefine((r, ctx) => {
      if (r === "") return;
      const problem = resourceProblem(r);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  justification: z
    .string({ error: "is required: say why the gate cannot be met yet (at least 20 characters)." })
    .trim()
    .min(20, { message: "is too short: explain why the gate cannot be met yet, in at least 20 characters." }),
  approver: z
    .string({ error: "is required: the e-mail of the person who approved the waiver." })
    .regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { message: "must be the approver's e-mail address, e.g. jane.doe@example.com." }),
  expires: z.string({ error: "is required: the last day the waiver applies, as YYYY-MM-DD." }).superRefine((s, ctx) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) {
      ctx.addIssue({ code: "custom", message: "must be a date as YYYY-MM-DD, e.g. 2027-03-31." });
    } else if (Number.isNaN(Date.parse(`${s}T00:00:00Z`)) || !new Date(`${s}T00:00:00Z`).toISOString().startsWith(s)) {
      ctx.addIssue({ code: "custom", message: "is not a real calendar date. Fix: use YYYY-MM-DD, e.g. 2027-03-31." });
    }
  }),
  ticket: z.string().optional(),
});

export type Waiver = z.infer<typeof waiverSchema>;

export interface ParsedWaiver extends Waiver {
  readonly index: number;
  readonly expired: boolean;
}

/** Calendar day (UTC) as YYYY-MM-DD. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export interface WaiverSet {
  readonly active: readonly ParsedWaiver[];
  readonly expired: readonly ParsedWaiver[];
  readonly problems: readonly ConfigProblem[];
}

/** Parses a policy's `waivers` entry one waiver at a time, so one bad waiver spoils nothing else. */
export function parseWaivers(policy: string, raw: unknown, today: Date): WaiverSet {
  const active: ParsedWaiver[] = [];
  const expired: ParsedWaiver[] = [];
  const problems: ConfigProblem[] = [];
  if (raw === undefined || raw === null) return { active, expired, problems };
  if (!Array.isArray(raw)) {
    problems.push({ path: `${policy}.waivers`, message: "must be a list of waivers. Fix: write waivers: [ { resource, justification, approver, expires } ]." });
    return { active, expired, problems };
  }
  const day = isoDay(today);
  raw.forEach((entry, index) => {
    const res = waiverSchema.safeParse(entry);
    const prefix = `${policy}.waivers[${index}]`;
    if (!res.success) {
      for (const issue of res.error.issues) {
        const msg =
          issue.code === "unrecognized_keys"
            ? `unknown field ${issue.keys.map((k) => `'${k}'`).join(", ")}. Fix: a waiver has resource, justification, approver, expires and optionally ticket.`
            : issue.message;
        problems.push({ path: formatPath(prefix, issue.path), message: `waiver is malformed and exempts nothing: ${msg}` });
      }
      return;
    }
    const w = res.data;
    const days = (Date.parse(`${w.expires}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) / DAY_MS;
    if (days > MAX_WAIVER_DAYS) {
      problems.push({
        path: `${prefix}.expires`,
        message: `waiver runs until ${w.expires}, more than ${MAX_WAIVER_DAYS} days from today (${day}), and exempts nothing. Fix: set an expiry within a year and renew it when it lapses.`,
      });
      return;
    }
    const parsed: ParsedWaiver = { ...w, index, expired: w.expires < day };
    if (parsed.expired) {
      expired.push(parsed);
      problems.push({
        path: `${prefix}.expires`,
        message: `waiver for '${w.resource}' (approved by ${w.approver}) expired on ${w.expires} and exempts nothing. Fix: fix the resource and remove the waiver, or renew it with a new approval and expiry.`,
      });
    } else {
      active.push(parsed);
    }
  });
  return { active, expired, problems };
}

/** The subject of a finding, as waivers match it. */
export interface WaiverSubject {
  readonly urn?: string;
  readonly name?: string;
  readonly service?: string;
}

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}

const patternCache = new Map<string, RegExp>();

/** Does waiver pattern `resource` match the subject? URN exactly, `service:<name>`, or a name glob. */
export function waiverMatches(resource: string, s: WaiverSubject): boolean {
  if (resource.startsWith("urn:pulumi:")) return s.urn === resource;
  if (resource.startsWith("service:")) return s.service !== undefined && s.service === resource.slice("service:".length);
  if (s.name === undefined) return false;
  let re = patternCache.get(resource);
  if (!re) patternCache.set(resource, (re = globToRegExp(resource)));
  return re.test(s.name);
}

export function findWaiver(list: readonly ParsedWaiver[], s: WaiverSubject): ParsedWaiver | undefined {
  return list.find((w) => waiverMatches(w.resource, s));
}

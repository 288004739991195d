/**
 * Pure evaluation of rules: settings parsing, waivers, findings. No SDK, no clock (today is passed
 * in). The policy SDK adapter, the audit command, the benchmark and the tests all go through here.
 */
import type { ResourceView } from "../access/resource";
import { redact } from "../access/values";
import type { StackView } from "../access/stack";
import type { GateMeta as Gate, Level, Severity } from "./meta";
import { levelSchema, splitEntry, zodProblems, type ConfigProblem } from "./config";
import type { Report, Rule } from "./rule";
import { findWaiver, parseWaivers, type ParsedWaiver } from "./waivers";

export type FindingKind =
  /** The gate is refuted. */
  | "violation"
  /** The gate cannot be decided before apply (advisory). */
  | "undecided"
  /** Refuted, but an active waiver exempts it (not reported to the engine; kept for auditors). */
  | "waived"
  /** The policy's config or one of its waivers is wrong. */
  | "config"
  /** The policy itself failed on odd input (advisory; never breaks a preview). */
  | "error";

export interface Finding {
  readonly policy: string;
  readonly kind: FindingKind;
  readonly level: Level;
  readonly severity: Severity;
  readonly message: string;
  readonly urn?: string;
  readonly name?: string;
  readonly type?: string;
  readonly service?: string;
  readonly waiver?: ParsedWaiver;
}

/** A rule ready to run: its gate, parsed settings, waivers and config problems. */
export interface Prepared<S = unknown> {
  readonly rule: Rule<S>;
  readonly gate: Gate;
  /** Undefined when the settings are invalid: the rule then reports only its config problems. */
  readonly settings: S | undefined;
  readonly level: Level | "disabled";
  readonly active: readonly ParsedWaiver[];
  readonly expired: readonly ParsedWaiver[];
  readonly problems: readonly Finding[];
}

const NO_SECRETS: ReadonlySet<string> = new Set();

function levelOf(raw: unknown, gate: Gate): Level | "disabled" {
  const parsed = levelSchema.safeParse(raw);
  if (!parsed.success) return gate.level;
  return parsed.data === "remediate" ? "mandatory" : parsed.data;
}

/**
 * Problems with a policy's enforcement level and settings (not its waivers): what makes a config
 * unusable, so the pack rejects it at Configure.
 */
export function settingsProblems<S>(rule: Rule<S>, rawEntry: unknown): { problems: ConfigProblem[]; settings?: S; level: unknown; waivers: unknown } {
  const { level, waivers, settings } = splitEntry(rawEntry);
  const problems: ConfigProblem[] = [];
  if (level !== undefined) {
    const l = levelSchema.safeParse(level);
    if (!l.success) problems.push(...zodProblems(`${rule.gate}.enforcementLevel`, l.error));
  }
  const parsed = rule.settings.safeParse(settings);
  if (!parsed.success) {
    const shape = (rule.settings as unknown as { shape?: Record<string, unknown> }).shape;
    problems.push(...zodProblems(rule.gate, parsed.error, shape ? Object.keys(shape) : []));
  }
  return { problems, settings: parsed.success ? parsed.data : undefined, level, waivers };
}

/** Parses a policy's config entry (from --policy-pack-config) against its rule. */
export function prepare<S>(rule: Rule<S>, rawEntry: unknown, today: Date): Prepared<S> {
  const gate = rule.meta;
  const { problems, settings, level, waivers } = settingsProblems(rule, rawEntry);
  const w = parseWaivers(rule.gate, waivers, today);
  problems.push(...w.problems);
  const lvl = levelOf(level, gate);
  return {
    rule,
    gate,
    settings,
    level: lvl,
    active: w.active,
    expired: w.expired,
    problems: problems.map((p) => ({
      policy: rule.gate,
      kind: "config" as const,
      level: lvl === "disabled" ? "advisory" : "mandatory",
      severity: gate.severity,
      message: redact(`invalid pack config at ${p.path}: ${p.message}`, NO_SECRETS),
    })),
  };
}

function toFinding<S>(
  p: Prepared<S>,
  rep: Report,
  fallback: ResourceView | undefined,
  service: string | undefined,
  stackSecrets: ReadonlySet<string> = NO_SECRETS,
): Finding {
  const subject = rep.subject ?? fallback;
  // Whatever a rule wrote, a secret-wrapped value of the resource (of the stack, for a stack
  // finding about no resource) never reaches a message, nor does a secret-shaped text
  // (an SQL password, a URL's password, a token: lib/secrets.ts scrubSecrets).
  // (Built field by field, not by spreading: this runs once per finding, on every preview.)
  const secrets = subject ? subject.secretTexts() : stackSecrets;
  const message = redact(rep.message, secrets);
  const policy = p.gate.name;
  const severity = p.gate.severity;
  const urn = subject?.urn;
  const name = subject?.name;
  const type = subject?.type;
  const svc = rep.service ?? service;
  if (rep.undecided) return { policy, severity, urn, name, type, service: svc, kind: "undecided", level: "advisory", message };
  const level: Level = p.level === "disabled" ? "advisory" : p.level;
  const who = { urn, name, service: svc };
  const waiver = p.active.length > 0 ? findWaiver(p.active, who) : undefined;
  if (waiver) {
    return {
      policy, severity, urn, name, type, service: svc,
      kind: "waived",
      level,
      waiver,
      message: redact(`${message} [waived until ${waiver.expires} by ${waiver.approver}: ${waiver.justification}]`, secrets),
    };
  }
  const lapsed = p.expired.length > 0 ? findWaiver(p.expired, who) : undefined;
  const suffix = lapsed ? ` [a waiver by ${lapsed.approver} expired on ${lapsed.expires} and no longer applies]` : "";
  return { policy, severity, urn, name, type, service: svc, kind: "violation", level, message: suffix ? redact(message + suffix, secrets) : message };
}

function internalError(p: Prepared<unknown>, e: unknown, subject?: ResourceView): Finding {
  const what = e instanceof Error ? e.message : String(e);
  return {
    policy: p.gate.name,
    kind: "error",
    level: "advisory",
    severity: p.gate.severity,
    urn: subject?.urn,
    name: subject?.name,
    type: subject?.type,
    message: redact(
      `${p.gate.name} could not evaluate ${subject ? subject.display() : "the stack"} (${what.slice(0, 200)}); the gate is not decided for it. Fix: report this input to the readiness-guard maintainers.`,
      subject ? subject.secretTexts() : NO_SECRETS,
    ),
  };
}

/** Runs a resource rule on one resource. Config problems are not included (see Prepared.problems). */
export function runResource<S>(p: Prepared<S>, r: ResourceView, service?: string): Finding[] {
  const out: Finding[] = [];
  if (p.rule.kind === "resource" && typeSet(p.rule).has(r.type)) runResourceInto(p, r, service, out);
  return out;
}

/** A resource rule's types as a set, built once per rule (data-residency lists hundreds of types). */
const TYPE_SETS = new WeakMap<object, ReadonlySet<string>>();
function typeSet(rule: { readonly types: readonly string[] }): ReadonlySet<string> {
  let s = TYPE_SETS.get(rule);
  if (!s) TYPE_SETS.set(rule, (s = new Set(rule.types)));
  return s;
}

/** runResource() appending to `out`, for a rule already known to apply to the resource's type (the whole-stack loop). */
export function runResourceInto<S>(p: Prepared<S>, r: ResourceView, service: string | undefined, out: Finding[]): void {
  const rule = p.rule;
  if (rule.kind !== "resource" || p.level === "disabled" || p.settings === undefined) return;
  try {
    rule.check(r, p.settings, (rep) => out.push(toFinding(p, rep, r, service ?? r.ownService())));
  } catch (e) {
    out.push(internalError(p as Prepared<unknown>, e, r));
  }
}

/** Runs a stack rule over the whole stack. */
export function runStack<S>(p: Prepared<S>, stack: StackView): Finding[] {
  const rule = p.rule;
  if (rule.kind !== "stack" || p.level === "disabled" || p.settings === undefined) return [];
  const out: Finding[] = [];
  try {
    rule.check(stack, p.settings, (rep) =>
      out.push(toFinding(p, rep, undefined, rep.subject ? stack.serviceOf(rep.subject) : undefined, rep.subject ? NO_SECRETS : stack.secretTexts())),
    );
  } catch (e) {
    out.push(internalError(p as Prepared<unknown>, e));
  }
  return out;
}

/** Findings the engine reports (waived ones are kept for the audit report only). */
export function reportable(f: Finding): boolean {
  return f.kind !== "waived";
}

/**
 * What a policy is, independent of the policy SDK: a gate from the catalog, a zod schema for its
 * settings (with production defaults), and a pure check function over the access layer.
 */
import type { z } from "zod";
import type { ResourceView } from "../access/resource";
import type { StackView } from "../access/stack";
import type { GateMeta } from "./meta";

/** What a check reports. The engine adds policy name, level, severity and waivers. */
export interface Report {
  /** The violation text: subject, what is wrong, the value found (never a secret), the fix. */
  readonly message: string;
  /** The resource concerned (stack rules; resource rules default to the resource checked). */
  readonly subject?: ResourceView;
  /** For stack gates that apply per service: the service concerned. */
  readonly service?: string;
  /**
   * True when the gate cannot be decided before apply (a value is unknown at preview and no
   * dependency settles it). Reported as advisory, never as a pass and never as a block.
   */
  readonly undecided?: boolean;
}

export type Reporter = (r: Report) => void;

interface RuleBase<S> {
  /** The gate's name (its `meta.name`). */
  readonly gate: string;
  /** The gate's catalog record (title, severity, default level, sources, remediation). */
  readonly meta: GateMeta;
  /** Settings schema: a zod object whose every field has a default (the production value). */
  readonly settings: z.ZodType<S>;
  /**
   * Optional one-time asynchronous set-up (e.g. loading the WebAssembly SQL parser). The adapter
   * awaits it before the first check; in-process callers use `initRules()` first.
   */
  readonly init?: () => Promise<void>;
}

export interface ResourceRule<S = unknown> extends RuleBase<S> {
  readonly kind: "resource";
  /** Type tokens the rule applies to. */
  readonly types: readonly string[];
  check(r: ResourceView, settings: S, report: Reporter): void;
}

export interface StackRule<S = unknown> extends RuleBase<S> {
  readonly kind: "stack";
  check(stack: StackView, settings: S, report: Reporter): void;
}

export type Rule<S = unknown> = ResourceRule<S> | StackRule<S>;

/** A gate's rule: its record, settings and check, declared together in `gates/<name>/gate.ts`. */
export function resourceGate<S>(r: Omit<ResourceRule<S>, "kind" | "gate">): ResourceRule<S> {
  return { kind: "resource", gate: r.meta.name, ...r };
}

export function stackGate<S>(r: Omit<StackRule<S>, "kind" | "gate">): StackRule<S> {
  return { kind: "stack", gate: r.meta.name, ...r };
}

/**
 * Builds a violation message in the pack's one style:
 * "<subject>: <what is wrong> (found <value>). Fix: <fix>."
 */
export function violation(subject: string, problem: string, found: string | undefined, fix: string): string {
  const foundPart = found === undefined ? "" : ` (found ${found})`;
  const fixText = fix.endsWith(".") ? fix : `${fix}.`;
  return `${subject}: ${problem}${foundPart}. Fix: ${fixText}`;
}

/** The message for a value the gate needs but that is unknown until apply. */
export function undecidedMessage(subject: string, what: string): string {
  return `${subject}: ${what} is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now.`;
}

/** Runs every rule's one-time set-up (idempotent: a rule's init must cache its own result). */
export async function initRules(rules: readonly Rule[]): Promise<void> {
  await Promise.all(rules.map((r) => r.init?.()));
}

/**
 * The form of a gate's examples (`policypack/src/gates/<name>/examples.ts`), run by one generic
 * spec (test/gates/examples.spec.ts), the way Polaris runs each check's success and failure
 * fixtures. A gate's examples are data: a compliant baseline, compliant variants that must stay
 * quiet (false-positive traps), and violating cases, each one change of the baseline with every
 * finding it must give, whole (policy, resource, kind and the entire message).
 */
import type { ResourceInput, StackFacts } from "../../policypack/src/access/resource";
import type { FindingKind } from "../../policypack/src/engine/run";
import { mutate } from "./fixtures";

/** A stack built from the baseline (a fresh deep copy each time). */
export type StackOf = (baseline: ResourceInput[]) => ResourceInput[];

export interface Case {
  /** What the case shows, as a sentence fragment ("backups off"). */
  readonly title: string;
  readonly stack: StackOf;
  /** The gate's config entry for this case (settings, enforcementLevel, waivers). */
  readonly config?: Record<string, unknown>;
  readonly facts?: StackFacts;
}

export interface Expected {
  /** The resource the finding is about (its Pulumi name); omitted for a finding with no resource. */
  readonly name?: string;
  /** Default "violation". */
  readonly kind?: FindingKind;
  /** The whole message, exactly. */
  readonly message: string;
}

export interface Violating extends Case {
  /** Every finding of the gate, in order: nothing more, nothing less. */
  readonly expect: readonly Expected[];
}

export interface GateExamples {
  /** The compliant baseline: the gate gives no finding on it. */
  readonly baseline: () => ResourceInput[];
  /** Compliant variants: the gate must stay quiet (no finding of any kind). */
  readonly compliant: readonly Case[];
  readonly violating: readonly Violating[];
}

export function examples(e: GateExamples): GateExamples {
  return e;
}

/** The baseline with resource `i` changed at one property path (undefined deletes it). */
export function at(i: number, path: string, value: unknown): StackOf {
  return (b) => b.map((r, j) => (j === i ? mutate(r, path, value) : r));
}

/** The baseline with resource `i` replaced by what `f` makes of it. */
export function change(i: number, f: (r: ResourceInput) => ResourceInput): StackOf {
  return (b) => b.map((r, j) => (j === i ? f(r) : r));
}

/** The baseline with more resources added (made from the baseline, e.g. a second instance). */
export function plus(...extra: ((b: ResourceInput[]) => ResourceInput)[]): StackOf {
  return (b) => [...b, ...extra.map((f) => f(b))];
}

/** The baseline without resource `i`. */
export function without(i: number): StackOf {
  return (b) => b.filter((_, j) => j !== i);
}

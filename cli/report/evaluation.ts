/**
 * In-process evaluation of the pack for the audit report: the same prepared rules and the same
 * runResource/runStack as the policy server, with preview semantics (resource rules see inputs and
 * provider inputs, stack rules see outputs), plus the evidence behind every gate: which resources
 * it looked at. Stack rules are traced through the StackView queries they make.
 */
import { ResourceView, type ResourceInput, type StackFacts } from "../../policypack/src/access/resource";
import { StackView } from "../../policypack/src/access/stack";
import { prepareAll, type PackConfig } from "../../policypack/src/engine/evaluate";
import { initRules, type Rule } from "../../policypack/src/engine/rule";
import { runResource, runStack, type Finding } from "../../policypack/src/engine/run";
import { evidenceFilter, provesAbsence } from "./evidence";

export interface ResourceRef {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  readonly service?: string;
}

/** The resources a gate looked at, or "stack" when it read the whole resource list. */
export type Checked = readonly ResourceRef[] | "stack";

export interface LocalEvaluation {
  /** Every finding, waived ones and config problems included. */
  readonly findings: readonly Finding[];
  /** Gate → what it checked (enabled gates only). */
  readonly checked: ReadonlyMap<string, Checked>;
  /** Names of the policies that ran (not disabled, valid settings). */
  readonly evaluated: readonly string[];
}

/** A StackView that records the resources a stack rule asks for. */
export class TracingStackView extends StackView {
  private trace?: Map<string, ResourceView>;
  private queried = false;

  startTrace(): void {
    this.trace = new Map();
    this.queried = false;
  }

  /** The resources asked for since startTrace, or "stack" when the rule made no query at all. */
  stopTrace(): readonly ResourceView[] | "stack" {
    const t = this.trace;
    this.trace = undefined;
    if (!this.queried) return "stack";
    return t ? [...t.values()] : [];
  }

  private record(list: readonly ResourceView[]): readonly ResourceView[] {
    if (this.trace) {
      this.queried = true;
      for (const r of list) this.trace.set(r.urn, r);
    }
    return list;
  }

  override ofType(...types: readonly string[]): readonly ResourceView[] {
    return this.record(super.ofType(...types));
  }

  override serviceResources(service: string, ...types: readonly string[]): readonly ResourceView[] {
    return this.record(super.serviceResources(service, ...types));
  }
}

export function refOf(stack: StackView, r: ResourceView): ResourceRef {
  const s = stack.serviceOf(stack.byUrn(r.urn) ?? r);
  return s ? { urn: r.urn, name: r.name, type: r.type, service: s } : { urn: r.urn, name: r.name, type: r.type };
}

/**
 * Evaluates every rule. `analyze` are the custom resources as Analyze sees them (inputs), `stack`
 * every resource as AnalyzeStack sees it (outputs). Throws ConfigError on pack-level config problems.
 */
export async function evaluateLocal(
  rules: readonly Rule[],
  analyze: readonly ResourceInput[],
  stackInputs: readonly ResourceInput[],
  config: PackConfig,
  opts: { today: Date; facts: StackFacts },
): Promise<LocalEvaluation> {
  await initRules(rules);
  const prepared = prepareAll(rules, config, opts.today);
  const stack = new TracingStackView(stackInputs, opts.facts);
  // Analyze carries no dependencies and no parent field (only options.parent): nor do these views.
  const views = analyze.map(
    (a) => new ResourceView({ type: a.type, urn: a.urn, name: a.name, props: a.props, provider: a.provider, opts: a.opts }, opts.facts),
  );
  const findings: Finding[] = [];
  const checked = new Map<string, Checked>();
  const evaluated: string[] = [];
  for (const p of prepared) {
    findings.push(...p.problems);
    if (p.level === "disabled" || p.settings === undefined) continue;
    evaluated.push(p.gate.name);
    if (p.rule.kind === "resource") {
      const types = new Set(p.rule.types);
      const refs: ResourceRef[] = [];
      for (const v of views) {
        if (!types.has(v.type)) continue;
        const ref = refOf(stack, v);
        refs.push(ref);
        // As in the pack: waivers match the resource's own service label; the report then
        // attributes the finding to the service the resource belongs to (labels inherited from parents).
        for (const f of runResource(p, v)) findings.push(ref.service && f.service === undefined ? { ...f, service: ref.service } : f);
      }
      // "No static key anywhere": with no resource of its kind, the whole stack is what it checked.
      const root = refs.length === 0 && provesAbsence(p.gate.name) ? stack.ofType("pulumi:pulumi:Stack")[0] : undefined;
      checked.set(p.gate.name, root ? [refOf(stack, root)] : refs);
    } else {
      // A fresh view per stack gate: the pack's helpers memoise per view, and a query answered from
      // another gate's cache would not be traced (the gate would look as if it checked nothing).
      const own = new TracingStackView(stackInputs, opts.facts);
      own.startTrace();
      findings.push(...runStack(p, own));
      const seen = own.stopTrace();
      const keep = evidenceFilter(p.gate.name);
      checked.set(p.gate.name, seen === "stack" ? "stack" : seen.filter(keep).map((r) => refOf(own, r)));
    }
  }
  return { findings, checked, evaluated };
}

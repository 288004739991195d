/** The release mechanisms `canary-release` finds for a service: Argo Rollouts and Cloud Deploy canary stages, with their phases. */
import { asArray, asNumber, asRecord, asString, isUnknown, lookup, show, T, type ResourceView, type StackView } from "../../access";
import { parseDuration } from "../../lib/durations";

/** The last segment of a resource path ("projects/p/locations/l/deliveryPipelines/x" → "x"). */
function lastSegment(s: string): string {
  return s.slice(s.lastIndexOf("/") + 1);
}

/** One traffic step of a canary before 100 %, with how long it is held. */
export interface Phase {
  readonly weight: number;
  /** Cloud Deploy phase id (canary-5, or a custom phaseId). */
  readonly id?: string;
  /** Timed hold, in seconds. */
  readonly bake: number;
  /** Held until someone promotes it (Argo pause without duration; Cloud Deploy without advance rule). */
  readonly manual: boolean;
  /** The hold depends on a value unknown until apply. */
  readonly unknown?: string;
}

/** A release mechanism found for a service: a Rollout, or one canary stage of a pipeline. */
export interface Candidate {
  readonly subject: ResourceView;
  /** "Argo Rollout 'x'" / "pipeline 'p' stage 'prod'". */
  readonly label: string;
  readonly phases?: readonly Phase[];
  /** Why it is no canary at all. */
  readonly none?: string;
  /** A value that keeps it from being evaluated at preview. */
  readonly unknown?: string;
}

/** The phases of an Argo Rollout's canary steps (setWeight / pause). */
export function argoCandidate(r: ResourceView): Candidate {
  const label = `Argo Rollout '${r.name}'`;
  const base = { subject: r, label };
  const canary = r.get("spec.strategy.canary");
  if (canary.kind === "unknown") return { ...base, unknown: "spec.strategy.canary" };
  if (canary.kind === "absent") {
    const other = Object.keys(asRecord(r.value("spec.strategy"))).join(", ");
    return { ...base, none: `uses no canary strategy (spec.strategy ${other ? `has ${other}` : "is not set"})` };
  }
  const steps = r.get("spec.strategy.canary.steps");
  if (steps.kind === "unknown") return { ...base, unknown: "spec.strategy.canary.steps" };
  const list = asArray(steps.kind === "known" ? steps.value : undefined);
  if (list.length === 0) return { ...base, none: "has no canary steps, so it shifts all traffic at once" };
  const phases: { weight: number; bake: number; manual: boolean }[] = [];
  for (const [i, step] of list.entries()) {
    const path = `spec.strategy.canary.steps[${i}]`;
    const w = lookup(step, "setWeight");
    const p = lookup(step, "pause");
    if (isUnknown(step) || w.kind === "unknown" || p.kind === "unknown") return { ...base, unknown: path };
    if (w.kind === "known") {
      const weight = asNumber(w.value);
      if (weight === undefined) return { ...base, none: `${path}.setWeight is not a number (found ${show(w.value)})` };
      if (weight >= 100) break;
      phases.push({ weight, bake: 0, manual: false });
      continue;
    }
    const cur = phases[phases.length - 1];
    if (p.kind !== "known" || !cur) continue; // analysis/experiment steps, or a pause before any traffic
    const d = lookup(p.value, "duration");
    if (d.kind === "unknown") return { ...base, unknown: `${path}.pause.duration` };
    if (d.kind === "absent") {
      cur.manual = true;
      continue;
    }
    const secs = parseDuration(d.value);
    if (secs === undefined) return { ...base, none: `${path}.pause.duration is not a duration (found ${show(d.value)})` };
    cur.bake += secs;
  }
  return { ...base, phases };
}

/** An automation's target selector against a stage's targetId. */
function selects(a: ResourceView, targetId: string | undefined): "yes" | "no" | "unknown" {
  const sel = a.get("selector.targets");
  if (sel.kind === "unknown") return "unknown";
  if (sel.kind === "absent") return "yes";
  let result: "yes" | "no" | "unknown" = "no";
  for (const t of asArray(sel.value)) {
    const id = lookup(t, "id");
    if (id.kind === "unknown" || isUnknown(t)) result = "unknown";
    else if (id.kind === "absent" || id.value === "*" || id.value === targetId) return "yes"; // label selectors: counted as matching
    else if (targetId === undefined) result = "unknown";
  }
  return result;
}

/** The hold of one Cloud Deploy phase: the longest advanceRolloutRule wait that applies to it. */
function deployBake(automations: readonly ResourceView[], unresolved: boolean, targetId: string | undefined, phaseId: string, weight: number): Phase {
  let bake = 0;
  let matched = false;
  let unknown: string | undefined = unresolved ? "which pipeline an Automation belongs to ('deliveryPipeline')" : undefined;
  for (const a of automations) {
    const suspended = a.get("suspended");
    if (suspended.kind === "unknown") {
      unknown ??= `Automation '${a.name}' 'suspended'`;
      continue;
    }
    if (suspended.kind === "known" && suspended.value === true) continue;
    const sel = selects(a, targetId);
    if (sel === "no") continue;
    const rules = a.get("rules");
    if (rules.kind === "unknown") {
      unknown ??= `Automation '${a.name}' 'rules'`;
      continue;
    }
    for (const [i, rule] of asArray(rules.kind === "known" ? rules.value : undefined).entries()) {
      const adv = lookup(rule, "advanceRolloutRule");
      const where = `Automation '${a.name}' rules[${i}]`;
      if (isUnknown(rule) || adv.kind === "unknown") {
        unknown ??= where;
        continue;
      }
      if (adv.kind === "absent") continue;
      const phasesL = lookup(adv.value, "sourcePhases");
      if (phasesL.kind === "unknown") {
        unknown ??= `${where}.advanceRolloutRule.sourcePhases`;
        continue;
      }
      const phases = asArray(phasesL.kind === "known" ? phasesL.value : undefined);
      if (phases.length > 0 && !phases.includes(phaseId)) continue;
      const wait = lookup(adv.value, "wait");
      if (wait.kind === "unknown" || sel === "unknown") {
        unknown ??= wait.kind === "unknown" ? `${where}.advanceRolloutRule.wait` : `Automation '${a.name}' 'selector'`;
        continue;
      }
      const secs = wait.kind === "known" ? parseDuration(wait.value) : 0;
      matched = true;
      bake = Math.max(bake, secs ?? 0);
    }
  }
  return { weight, id: phaseId, bake, manual: !matched, unknown };
}

export interface AutomationIndex {
  readonly byPipeline: ReadonlyMap<string, readonly ResourceView[]>;
  /** Automations whose pipeline cannot be told at preview. */
  readonly unresolved: boolean;
}

/** Automations grouped by the URN of their delivery pipeline: property dependency, else name. */
export function indexAutomations(stack: StackView): AutomationIndex {
  const pipelinesByName = new Map<string, ResourceView>();
  for (const p of stack.ofType(T.deployPipeline)) pipelinesByName.set(p.str("name") ?? p.name, p);
  const byPipeline = new Map<string, ResourceView[]>();
  let unresolved = false;
  for (const a of stack.ofType(T.deployAutomation)) {
    let pipe = a.dependenciesOf("deliveryPipeline").map((u) => stack.byUrn(u)).find((d) => d?.type === T.deployPipeline);
    if (!pipe) {
      const n = a.str("deliveryPipeline");
      if (n) pipe = pipelinesByName.get(lastSegment(n));
      else if (a.unknown("deliveryPipeline")) unresolved = true;
    }
    if (!pipe) continue;
    let list = byPipeline.get(pipe.urn);
    if (!list) byPipeline.set(pipe.urn, (list = []));
    list.push(a);
  }
  return { byPipeline, unresolved };
}

/** One candidate per canary stage of a Cloud Deploy pipeline (or one saying why there is none). */
export function deployCandidates(p: ResourceView, autos: AutomationIndex, targetIds: readonly string[]): Candidate[] {
  const stagesL = p.get("serialPipeline.stages");
  if (stagesL.kind === "unknown") return [{ subject: p, label: `pipeline '${p.name}'`, unknown: "serialPipeline.stages" }];
  const automations = autos.byPipeline.get(p.urn) ?? [];
  const out: Candidate[] = [];
  const seen: string[] = [];
  for (const [i, stage] of asArray(stagesL.kind === "known" ? stagesL.value : undefined).entries()) {
    const tl = lookup(stage, "targetId");
    const targetId = tl.kind === "known" ? asString(tl.value) : undefined;
    const label = `pipeline '${p.name}' stage '${targetId ?? i}'`;
    const base = { subject: p, label };
    if (targetIds.length > 0 && (tl.kind !== "unknown" && !targetIds.includes(targetId ?? ""))) continue;
    const path = `serialPipeline.stages[${i}].strategy`;
    const strategy = lookup(stage, "strategy");
    if (isUnknown(stage) || tl.kind === "unknown" || strategy.kind === "unknown") {
      out.push({ ...base, unknown: tl.kind === "unknown" ? `serialPipeline.stages[${i}].targetId` : path });
      continue;
    }
    const canary = lookup(stage, "strategy.canary");
    if (canary.kind === "unknown") {
      out.push({ ...base, unknown: `${path}.canary` });
      continue;
    }
    if (canary.kind === "absent") {
      seen.push(`'${targetId ?? i}' (standard)`);
      continue;
    }
    const pct = lookup(canary.value, "canaryDeployment.percentages");
    const custom = lookup(canary.value, "customCanaryDeployment.phaseConfigs");
    if (pct.kind === "unknown" || custom.kind === "unknown") {
      out.push({ ...base, unknown: `${path}.canary ${pct.kind === "unknown" ? "percentages" : "phaseConfigs"}` });
      continue;
    }
    const steps: { id: string; weight: number }[] = [];
    let bad: string | undefined;
    if (pct.kind === "known") {
      for (const v of asArray(pct.value)) {
        const n = asNumber(v);
        if (isUnknown(v)) bad = "unknown";
        else if (n === undefined) bad = `percentage ${show(v)} is not a number`;
        else if (n < 100) steps.push({ id: `canary-${n}`, weight: n });
      }
    } else if (custom.kind === "known") {
      for (const c of asArray(custom.value)) {
        const w = lookup(c, "percentage");
        const id = lookup(c, "phaseId");
        if (isUnknown(c) || w.kind === "unknown" || id.kind === "unknown") bad = "unknown";
        else {
          const n = w.kind === "known" ? asNumber(w.value) : undefined;
          if (n === undefined) bad = `phase percentage ${show(w.kind === "known" ? w.value : undefined)} is not a number`;
          else if (n < 100) steps.push({ id: asString(id.kind === "known" ? id.value : undefined) ?? `canary-${n}`, weight: n });
        }
      }
    }
    if (bad === "unknown") {
      out.push({ ...base, unknown: `${path}.canary percentages` });
      continue;
    }
    if (bad) {
      out.push({ ...base, none: bad });
      continue;
    }
    out.push({ ...base, phases: steps.map((s) => deployBake(automations, autos.unresolved, targetId, s.id, s.weight)) });
  }
  if (out.length === 0) {
    const which = targetIds.length > 0 ? ` among targets ${targetIds.join(", ")}` : "";
    out.push({ subject: p, label: `pipeline '${p.name}'`, none: `has no canary stage${which} (stages: ${seen.join(", ") || "none"})` });
  }
  return out;
}

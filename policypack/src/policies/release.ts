/** Release gates: canary-release and migration-job-before-deploy. */
import { z } from "zod";
import {
  asArray,
  asNumber,
  asRecord,
  asString,
  isUnknown,
  lookup,
  show,
  T,
  valueAt,
  type ResourceView,
  type StackView,
} from "../access";
import { stackRule, undecidedMessage, violation } from "../engine/rule";
import { durationSchema, formatDuration, parseDuration } from "../lib/durations";
import { names, stackServices } from "../lib/services";

/** The last segment of a resource path ("projects/p/locations/l/deliveryPipelines/x" → "x"). */
function lastSegment(s: string): string {
  return s.slice(s.lastIndexOf("/") + 1);
}

// ------------------------------------------------------------------------------- canary-release

const progressionSchema = z.strictObject({
  steps: z
    .array(z.number().gt(0, { message: "must be above 0 %." }).lt(100, { message: "must be below 100 %: the last step to 100 % is implied." }))
    .min(1, { message: "must list at least one canary step, e.g. [5]." })
    .describe("The highest traffic share (%) allowed at each canary step before 100 %, in order: [5] or [10, 50]."),
  bake: durationSchema.describe('The least time each of those steps is held before traffic moves on: "30m", "1h", "1800s".'),
});

export type Progression = z.infer<typeof progressionSchema>;

export const canarySettings = z.strictObject({
  progression: progressionSchema.default({ steps: [5], bake: "30m" }).describe("The progression every service follows unless `services` overrides it."),
  services: z
    .record(z.string().min(1), progressionSchema)
    .default({ maintenance: { steps: [10, 50], bake: "30m" } })
    .describe("Per-service progressions, by service name (maintenance: 10 % → 50 % → 100 %). Replaces the default map."),
  targetIds: z.array(z.string().min(1)).default([]).describe("Only Cloud Deploy stages with these targetIds count (empty: any stage of the service's pipelines)."),
  acceptManualPause: z.boolean().default(false).describe("Whether an indefinite pause (manual promotion) counts as a bake."),
});

export type CanarySettings = z.infer<typeof canarySettings>;

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

interface AutomationIndex {
  readonly byPipeline: ReadonlyMap<string, readonly ResourceView[]>;
  /** Automations whose pipeline cannot be told at preview. */
  readonly unresolved: boolean;
}

/** Automations grouped by the URN of their delivery pipeline: property dependency, else name. */
function indexAutomations(stack: StackView): AutomationIndex {
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

export type Verdict = { readonly kind: "pass" } | { readonly kind: "fail"; readonly problems: readonly string[] } | { readonly kind: "unknown"; readonly what: string };

/** Does a candidate follow the progression? Each required step: traffic ≤ the step, held ≥ the bake. */
export function judge(c: Candidate, prog: Progression, acceptManual: boolean): Verdict {
  if (c.unknown) return { kind: "unknown", what: `${c.label}: '${c.unknown}'` };
  if (c.none) return { kind: "fail", problems: [`${c.label} ${c.none}`] };
  const phases = c.phases ?? [];
  if (phases.length === 0) return { kind: "fail", problems: [`${c.label} has no traffic step below 100 %, so it shifts all traffic at once`] };
  const minBake = parseDuration(prog.bake) as number;
  const problems: string[] = [];
  let unknown: string | undefined;
  for (const [i, req] of prog.steps.entries()) {
    const ph = phases[i];
    if (!ph) {
      problems.push(`${c.label} has ${phases.length} canary step(s) before 100 %, fewer than the ${prog.steps.length} required (${progressionText(prog)})`);
      break;
    }
    const step = `step ${i + 1} (${ph.weight} %)`;
    if (ph.weight > req) problems.push(`${c.label} ${step} sends more than ${req} % of traffic`);
    if (ph.bake >= minBake || (ph.manual && acceptManual && !ph.unknown)) continue;
    if (ph.unknown) unknown ??= `${c.label}: ${ph.unknown}`;
    else if (ph.manual) problems.push(`${c.label} ${step} waits for a manual promotion instead of a timed bake of ${prog.bake}`);
    else problems.push(`${c.label} ${step} bakes ${formatDuration(ph.bake)}, less than ${prog.bake}`);
  }
  if (problems.length > 0) return { kind: "fail", problems };
  return unknown ? { kind: "unknown", what: unknown } : { kind: "pass" };
}

export function progressionText(p: Progression): string {
  return `${p.steps.map((s) => `${s} %`).join(" → ")} → 100 %, each held ≥ ${p.bake}`;
}

export const canaryRelease = stackRule({
  gate: "canary-release",
  settings: canarySettings,
  check(stack, s, report) {
    const services = stackServices(stack);
    if (services.size === 0) return;
    const autos = indexAutomations(stack);
    const candidates = new Map<string, Candidate[]>();
    const unlabelled: ResourceView[] = [];
    const add = (r: ResourceView, cs: readonly Candidate[]) => {
      const svc = stack.serviceOf(r);
      if (!svc) {
        unlabelled.push(r);
        return;
      }
      let list = candidates.get(svc);
      if (!list) candidates.set(svc, (list = []));
      list.push(...cs);
    };
    for (const r of stack.ofType(T.rollout)) add(r, [argoCandidate(r)]);
    for (const p of stack.ofType(T.deployPipeline)) add(p, deployCandidates(p, autos, s.targetIds));
    for (const svc of services.values()) {
      const prog = s.services[svc.name] ?? s.progression;
      const cs = candidates.get(svc.name) ?? [];
      const verdicts = cs.map((c) => judge(c, prog, s.acceptManualPause));
      if (verdicts.some((v) => v.kind === "pass")) continue;
      const subject = cs[0]?.subject ?? svc.anchor;
      const unknown = verdicts.find((v): v is Extract<Verdict, { kind: "unknown" }> => v.kind === "unknown");
      if (unknown) {
        report({ subject, service: svc.name, undecided: true, message: undecidedMessage(`service '${svc.name}'`, `the canary progression (${unknown.what})`) });
        continue;
      }
      const hint = unlabelled.length > 0 ? ` (${names(unlabelled)} carry no service label: label them with service: "${svc.name}" if they release it)` : "";
      const problems = verdicts.flatMap((v) => (v.kind === "fail" ? v.problems : []));
      report({
        subject,
        service: svc.name,
        message: violation(
          `service '${svc.name}'`,
          cs.length === 0
            ? `is not released by a canary: no Cloud Deploy pipeline with a canary stage or Argo Rollout belongs to it${hint}`
            : `is not released by the required canary (${progressionText(prog)})`,
          cs.length === 0 ? "no canary" : problems.join("; "),
          `release it through a Cloud Deploy canary (serialPipeline.stages[].strategy.canary.canaryDeployment.percentages [${prog.steps.join(", ")}] with an Automation advanceRolloutRule wait ≥ "${parseDuration(prog.bake) as number}s") or an Argo Rollout with steps ${prog.steps.map((w) => `{setWeight: ${w}}, {pause: {duration: "${prog.bake}"}}`).join(", ")}`,
        ),
      });
    }
  },
});

// ------------------------------------------------------------------ migration-job-before-deploy

export const migrationSettings = z.strictObject({
  componentValues: z
    .array(z.string().min(1))
    .min(1)
    .default(["migrations", "migration"])
    .describe("Values of the label app.kubernetes.io/component that mark a Job as the service's migrations."),
});

export const COMPONENT_LABEL = "app.kubernetes.io/component";
const MIGRATION_TEXT = /migrat/i;

const PREDEPLOY_PATHS = [
  "strategy.standard.predeploy",
  "strategy.canary.canaryDeployment.predeploy",
  "strategy.canary.customCanaryDeployment.phaseConfigs.0.predeploy",
] as const;

/** Does a Cloud Deploy pipeline run migrations as a predeploy action or task in one of its stages? */
export function predeployMigration(p: ResourceView): "yes" | "no" | "unknown" {
  const stages = p.get("serialPipeline.stages");
  if (stages.kind === "unknown") return "unknown";
  let result: "no" | "unknown" = "no";
  for (const stage of asArray(stages.kind === "known" ? stages.value : undefined)) {
    for (const path of PREDEPLOY_PATHS) {
      const hook = lookup(stage, path);
      if (hook.kind === "unknown") result = "unknown";
      if (hook.kind !== "known") continue;
      if (asArray(valueAt(hook.value, "actions")).some((a) => MIGRATION_TEXT.test(asString(a) ?? ""))) return "yes";
      for (const t of asArray(valueAt(hook.value, "tasks"))) {
        const c = valueAt(t, "container");
        const text = [valueAt(c, "image"), ...asArray(valueAt(c, "command")), ...asArray(valueAt(c, "args"))].map((x) => asString(x) ?? "").join(" ");
        if (MIGRATION_TEXT.test(text)) return "yes";
      }
    }
  }
  return result;
}

/**
 * A connection pooler (PgBouncer) runs no application code against the schema, so it need not wait
 * for the migrations: component label "pgbouncer", or every container image is a pgbouncer image.
 */
export function isPooler(w: ResourceView): boolean {
  if ((w.label(COMPONENT_LABEL) ?? w.label("component")) === "pgbouncer") return true;
  const images = asArray(w.value("spec.template.spec.containers")).map((c) => asString(valueAt(c, "image")) ?? "");
  return images.length > 0 && images.every((i) => /pgbouncer/i.test(i));
}

export const migrationJobBeforeDeploy = stackRule({
  gate: "migration-job-before-deploy",
  settings: migrationSettings,
  check(stack, s, report) {
    const services = stackServices(stack);
    // Services with a database: one pass over Cloud SQL instances.
    const databases = new Map<string, ResourceView[]>();
    for (const db of stack.ofType(T.sqlInstance)) {
      const svc = stack.serviceOf(db);
      if (!svc) continue;
      let list = databases.get(svc);
      if (!list) databases.set(svc, (list = []));
      list.push(db);
    }
    if (databases.size === 0) return;
    // Migration jobs per service, and every URN that is or contains one (its ancestors).
    const jobs = new Map<string, ResourceView[]>();
    const notRun = new Map<string, ResourceView[]>();
    const contains = new Map<string, string[]>();
    for (const j of stack.ofType(T.job, T.cloudRunJob)) {
      const svc = stack.serviceOf(j);
      if (!svc || !s.componentValues.includes(j.label(COMPONENT_LABEL) ?? "")) continue;
      // A Cloud Run job only runs on deploy when it has a run execution token.
      if (j.type === T.cloudRunJob && j.get("runExecutionToken").kind === "absent") {
        notRun.set(svc, [...(notRun.get(svc) ?? []), j]);
        continue;
      }
      let list = jobs.get(svc);
      if (!list) jobs.set(svc, (list = []));
      list.push(j);
      let cur: ResourceView | undefined = j;
      for (let depth = 0; cur && depth < 64; depth++) {
        const c = contains.get(cur.urn) ?? [];
        c.push(j.urn);
        contains.set(cur.urn, c);
        const parent = cur.parentUrn();
        cur = parent ? stack.byUrn(parent) : undefined;
      }
    }
    // Memoised: the migration jobs a URN waits for, through dependencies (transitively).
    const memo = new Map<string, ReadonlySet<string>>();
    const reach = (urn: string, depth: number): ReadonlySet<string> => {
      const m = memo.get(urn);
      if (m) return m;
      const out = new Set<string>(contains.get(urn) ?? []);
      memo.set(urn, out); // cycle guard: a cycle adds nothing new
      const r = stack.byUrn(urn);
      if (r && depth < 256) for (const d of r.input.dependencies ?? []) for (const j of reach(d, depth + 1)) out.add(j);
      return out;
    };
    const waitsFor = (w: ResourceView, jobUrns: ReadonlySet<string>): boolean => {
      let cur: ResourceView | undefined = w;
      for (let depth = 0; cur && depth < 64; depth++) {
        for (const d of cur.input.dependencies ?? []) for (const j of reach(d, 0)) if (jobUrns.has(j)) return true;
        const parent = cur.parentUrn();
        cur = parent ? stack.byUrn(parent) : undefined;
      }
      return false;
    };
    for (const [svc, dbs] of [...databases.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const entry = services.get(svc);
      const workloads = entry?.workloads ?? [];
      const own = jobs.get(svc) ?? [];
      const subject = entry?.anchor ?? (dbs[0] as ResourceView);
      if (own.length === 0) {
        const hooks = (entry?.pipelines ?? []).map(predeployMigration);
        if (hooks.includes("yes")) continue;
        if (hooks.includes("unknown")) {
          report({ subject, service: svc, undecided: true, message: undecidedMessage(`service '${svc}'`, "whether its Cloud Deploy pipeline runs migrations before deploying (its stages)") });
          continue;
        }
        const idle = notRun.get(svc) ?? [];
        report({
          subject,
          service: svc,
          message: violation(
            `service '${svc}'`,
            `has a database (${names(dbs)}) but no migration Job that runs before it is deployed`,
            idle.length > 0
              ? `Cloud Run job ${names(idle)} has no runExecutionToken, so it does not run on deploy`
              : `no kubernetes:batch/v1:Job labelled ${COMPONENT_LABEL}: ${s.componentValues[0]} with the service's label`,
            `add a Kubernetes Job (or a Cloud Run v2 Job with runExecutionToken) labelled ${COMPONENT_LABEL}: "${s.componentValues[0]}" and app.kubernetes.io/part-of: "${svc}" that runs the migrations, and make the service's workloads dependOn it`,
          ),
        });
        continue;
      }
      const jobUrns = new Set(own.map((j) => j.urn));
      const early = workloads.filter((w) => !isPooler(w) && !waitsFor(w, jobUrns));
      if (early.length === 0) continue;
      report({
        subject: early[0] as ResourceView,
        service: svc,
        message: violation(
          `service '${svc}'`,
          `has workloads that do not wait for its migration Job ${names(own)}, so new code can start before the schema is migrated`,
          `${names(early)} without a dependency on the Job`,
          `add dependsOn: [<migration Job>] to ${names(early)} (or to the component that creates them)`,
        ),
      });
    }
  },
});

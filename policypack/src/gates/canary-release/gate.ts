/** The `canary-release` gate: its catalog record, settings and check. */
import { z } from "zod";
import { T, type ResourceView } from "../../access";
import { defineMeta } from "../../engine/meta";
import { stackGate, undecidedMessage, violation } from "../../engine/rule";
import { durationSchema, formatDuration, parseDuration } from "../../lib/durations";
import { names, stackServices } from "../../lib/services";
import { argoCandidate, deployCandidates, indexAutomations, type Candidate } from "./candidates";

export const meta = defineMeta({
  name: "canary-release",
  title: "Canary releases",
  area: "release",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves:
    "Each service is released by a canary (Cloud Deploy canary strategy and automation waits, or Argo Rollout steps and pauses) with the configured progression.",
  remediation: "Add a Cloud Deploy delivery pipeline with a canary strategy and automation waits, or an Argo Rollout with setWeight/pause steps.",
  sources: [
    { seed: "000", section: "Deployment", line: "Canary deploy completed (5 % / 30 min) in staging" },
    { seed: "001", section: "Operations", line: "Canary deploy (5% / 30 min) completed in staging" },
    { seed: "002", section: "8. Deployment", line: "Canary release: 10% → 50% → 100% traffic shift with bake intervals" },
  ],
});

const progressionSchema = z.strictObject({
  steps: z
    .array(z.number().gt(0, { message: "must be above 0 %." }).lt(100, { message: "must be below 100 %: the last step to 100 % is implied." }))
    .min(1, { message: "must list at least one canary step, e.g. [5]." })
    .describe("The highest traffic share (%) allowed at each canary step before 100 %, in order: [5] or [10, 50]."),
  bake: durationSchema.describe('The least time each of those steps is held before traffic moves on: "30m", "1h", "1800s".'),
});

export type Progression = z.infer<typeof progressionSchema>;

export const settings = z.strictObject({
  progression: progressionSchema.default({ steps: [5], bake: "30m" }).describe("The progression every service follows unless `services` overrides it."),
  services: z
    .record(z.string().min(1), progressionSchema)
    .default({ maintenance: { steps: [10, 50], bake: "30m" } })
    .describe("Per-service progressions, by service name (maintenance: 10 % → 50 % → 100 %). Replaces the default map."),
  targetIds: z.array(z.string().min(1)).default([]).describe("Only Cloud Deploy stages with these targetIds count (empty: any stage of the service's pipelines)."),
  acceptManualPause: z.boolean().default(false).describe("Whether an indefinite pause (manual promotion) counts as a bake."),
});

export type CanarySettings = z.infer<typeof settings>;

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

export const canaryRelease = stackGate({
  meta,
  settings,
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

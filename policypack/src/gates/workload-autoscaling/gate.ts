/** The `workload-autoscaling` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asArray, asNumber, asString, show, T, valueAt, type Lookup, type ResourceView } from "../../access";
import { FUNCTION_TYPES, K8S_SERVING_TYPES, SCALE_KIND } from "../../access/k8s";
import { defineMeta } from "../../engine/meta";
import { stackGate, violation } from "../../engine/rule";
import { reportUndecided } from "../../lib/undecided";

export const meta = defineMeta({
  name: "workload-autoscaling",
  title: "Autoscaling configured",
  area: "workloads",
  kind: "stack",
  severity: "medium",
  level: "mandatory",
  proves:
    "Each service Deployment is targeted by an HPA with minReplicas ≥ configured (2 in production), maxReplicas > min, CPU target within bounds (default 50–80 %); Cloud Run (v2 and v1) min and max instances set; Cloud Functions max instances set (and min instances when HTTP-triggered).",
  remediation: "Add a HorizontalPodAutoscaler (autoscaling/v2) in the same namespace whose scaleTargetRef names the Deployment.",
  sources: [
    { seed: "001", section: "Infrastructure", line: "HPA configured with correct thresholds" },
    { seed: "002", section: "13. Capacity & cost", line: "Cloud Run min/max instances set per environment" },
  ],
});

export const settings = z
  .strictObject({
    minReplicas: z.number().int().min(1).max(100).default(2),
    minCpuUtilization: z.number().int().min(1).max(100).default(50),
    maxCpuUtilization: z.number().int().min(1).max(100).default(80),
  })
  .refine((s) => s.minCpuUtilization <= s.maxCpuUtilization, {
    message: "minCpuUtilization must not exceed maxCpuUtilization. Fix: e.g. 50 and 80.",
  });

type AutoscalingSettings = z.infer<typeof settings>;

/** Kubernetes' CPU target when an HPA names no metric. */
const K8S_DEFAULT_CPU_TARGET = 80;

interface HpaVerdict {
  readonly problems: readonly string[];
  readonly unknown?: string;
}

/** Checks one HPA against the settings. */
export function judgeHpa(hpa: ResourceView, s: AutoscalingSettings): HpaVerdict {
  const problems: string[] = [];
  for (const f of ["spec.minReplicas", "spec.maxReplicas", "spec.metrics", "spec.targetCPUUtilizationPercentage"]) {
    if (hpa.unknown(f)) return { problems, unknown: `'${f}' of ${hpa.display()}` };
  }
  const min = hpa.get("spec.minReplicas").kind === "absent" ? 1 : hpa.num("spec.minReplicas");
  const max = hpa.num("spec.maxReplicas");
  if (min === undefined || min < s.minReplicas) problems.push(`minReplicas ${show(hpa.value("spec.minReplicas") ?? "1 (default)")} is below ${s.minReplicas}`);
  if (max === undefined) problems.push(`maxReplicas ${show(hpa.value("spec.maxReplicas"))} is not a number`);
  else if (min !== undefined && max <= min) problems.push(`maxReplicas ${max} is not above minReplicas ${min}, so it never scales out`);
  let target: number | undefined;
  let targetText: string;
  if (hpa.type === T.hpaV1) {
    const t = hpa.get("spec.targetCPUUtilizationPercentage");
    target = t.kind === "absent" ? K8S_DEFAULT_CPU_TARGET : asNumber(t.kind === "known" ? t.value : undefined);
    targetText = t.kind === "absent" ? `${K8S_DEFAULT_CPU_TARGET} % (Kubernetes default)` : `${show(hpa.value("spec.targetCPUUtilizationPercentage"))} %`;
  } else {
    const metrics = asArray(hpa.value("spec.metrics"));
    if (metrics.length === 0) {
      target = K8S_DEFAULT_CPU_TARGET;
      targetText = `${K8S_DEFAULT_CPU_TARGET} % (Kubernetes default, no metrics)`;
    } else {
      const cpu = metrics.find((m) => asString(valueAt(m, "type")) === "Resource" && asString(valueAt(m, "resource.name")) === "cpu");
      const util = cpu === undefined ? undefined : valueAt(cpu, "resource.target.averageUtilization");
      target = asNumber(util);
      targetText = cpu === undefined ? "no cpu Resource metric" : `cpu averageUtilization ${show(util)}`;
    }
  }
  if (target === undefined || target < s.minCpuUtilization || target > s.maxCpuUtilization) {
    problems.push(`the CPU utilisation target (${targetText}) is not within ${s.minCpuUtilization}–${s.maxCpuUtilization} %`);
  }
  return { problems };
}

/** Checks a Cloud Run service's min/max instances. */
function judgeCloudRun(r: ResourceView, s: AutoscalingSettings): HpaVerdict {
  const paths = ["scaling", "template.scaling"];
  for (const p of paths) if (r.unknown(p)) return { problems: [], unknown: `'${p}'` };
  const pick = (field: string): { path: string; l: Lookup } | undefined => {
    for (const p of ["template.scaling", "scaling"]) {
      const l = r.get(`${p}.${field}`);
      if (l.kind !== "absent") return { path: `${p}.${field}`, l };
    }
    return undefined;
  };
  const problems: string[] = [];
  if (r.str("scaling.scalingMode") === "MANUAL") {
    problems.push(`scaling.scalingMode is "MANUAL" (fixed instance count)`);
    return { problems };
  }
  const minP = pick("minInstanceCount");
  const maxP = pick("maxInstanceCount");
  for (const p of [minP, maxP]) if (p?.l.kind === "unknown") return { problems, unknown: `'${p.path}'` };
  const min = minP ? asNumber(valueAt(r.props, minP.path)) : undefined;
  const max = maxP ? asNumber(valueAt(r.props, maxP.path)) : undefined;
  if (min === undefined || min < s.minReplicas) {
    problems.push(`min instances ${minP ? `${minP.path} ${show(valueAt(r.props, minP.path))}` : "not set (Cloud Run default 0)"} is below ${s.minReplicas}`);
  }
  if (max === undefined) problems.push("max instances (template.scaling.maxInstanceCount) is not set");
  else if (max <= (min ?? 0)) problems.push(`max instances ${max} is not above min instances ${min ?? 0}`);
  return { problems };
}

/** Where a Google-run workload other than a Cloud Run v2 service keeps its instance bounds (first field set wins). */
interface InstanceFields {
  readonly what: string;
  readonly min: readonly (readonly string[])[];
  readonly max: readonly (readonly string[])[];
  /** A manual (fixed) scaling switch: the path and the value that means manual. */
  readonly manual?: { readonly path: readonly string[]; readonly value: string };
  /** The remediation, given the configured minimum (undefined: no minimum needed, an event-driven function). */
  readonly fix: (min: number | undefined) => string;
}

const KNATIVE_MIN = ["template", "metadata", "annotations", "autoscaling.knative.dev/minScale"];
const KNATIVE_MAX = ["template", "metadata", "annotations", "autoscaling.knative.dev/maxScale"];

const INSTANCE_FIELDS: Readonly<Record<string, InstanceFields>> = {
  [T.cloudRunV1Service]: {
    what: "Cloud Run service",
    min: [KNATIVE_MIN, ["metadata", "annotations", "run.googleapis.com/minScale"]],
    max: [KNATIVE_MAX],
    manual: { path: ["metadata", "annotations", "run.googleapis.com/scalingMode"], value: "manual" },
    fix: (min) => `set the template.metadata.annotations "autoscaling.knative.dev/minScale" ≥ ${min ?? 0} and "autoscaling.knative.dev/maxScale" above it`,
  },
  [T.functionV1]: {
    what: "Cloud Function",
    min: [["minInstances"]],
    max: [["maxInstances"]],
    fix: (min) => (min === undefined ? "set maxInstances (above minInstances, if set)" : `set minInstances ≥ ${min} and maxInstances above it`),
  },
  [T.functionV2]: {
    what: "Cloud Function",
    min: [["serviceConfig", "minInstanceCount"]],
    max: [["serviceConfig", "maxInstanceCount"]],
    fix: (min) =>
      min === undefined
        ? "set serviceConfig.maxInstanceCount (above serviceConfig.minInstanceCount, if set)"
        : `set serviceConfig.minInstanceCount ≥ ${min} and serviceConfig.maxInstanceCount above it`,
  },
};

/** A path for messages, an annotation key in brackets: template.metadata.annotations["autoscaling.knative.dev/minScale"]. */
function pathText(p: readonly string[]): string {
  return p.map((k, i) => (/[./]/.test(k) ? `[${JSON.stringify(k)}]` : i === 0 ? k : `.${k}`)).join("");
}

/** A count from a number or a numeric string (Knative annotations are strings). */
function countOf(v: unknown): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  return typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : undefined;
}

/**
 * Cloud Run v1 services and Cloud Functions: max instances set (above min); min instances ≥
 * minReplicas where the workload serves requests (a Cloud Run service, an HTTP-triggered function).
 */
function judgeInstances(r: ResourceView, f: InstanceFields, s: AutoscalingSettings, needMin: boolean): HpaVerdict {
  const pick = (paths: readonly (readonly string[])[]): { path: string; l: Lookup } | undefined => {
    for (const p of paths) {
      const l = r.get(p);
      if (l.kind !== "absent") return { path: pathText(p), l };
    }
    return undefined;
  };
  const problems: string[] = [];
  if (f.manual) {
    const m = r.get(f.manual.path);
    if (m.kind === "unknown") return { problems, unknown: `'${pathText(f.manual.path)}'` };
    if (m.kind === "known" && asString(m.value)?.toLowerCase() === f.manual.value) {
      return { problems: [`${pathText(f.manual.path)} is ${show(m.value)} (fixed instance count)`] };
    }
  }
  const minP = pick(f.min);
  const maxP = pick(f.max);
  for (const p of [minP, maxP]) if (p?.l.kind === "unknown") return { problems, unknown: `'${p.path}'` };
  const min = minP?.l.kind === "known" ? countOf(minP.l.value) : undefined;
  const max = maxP?.l.kind === "known" ? countOf(maxP.l.value) : undefined;
  const minText = minP ? `${minP.path} ${show(minP.l.kind === "known" ? minP.l.value : undefined)}` : "not set (default 0)";
  if (needMin && (min === undefined || min < s.minReplicas)) problems.push(`min instances ${minText} is below ${s.minReplicas}`);
  if (maxP === undefined) problems.push(`max instances (${pathText(f.max[0] as readonly string[])}) is not set`);
  else if (max === undefined) problems.push(`max instances ${maxP.path} ${show(maxP.l.kind === "known" ? maxP.l.value : undefined)} is not a number`);
  else if (max <= (min ?? 0)) problems.push(`max instances ${max} is not above min instances ${min ?? 0}`);
  return { problems };
}

function hpaKey(ns: string, kind: string, name: string): string {
  return `${ns}/${kind}/${name}`;
}

export const workloadAutoscaling = stackGate({
  meta,
  settings,
  check(stack, s: AutoscalingSettings, report) {
    const byTarget = new Map<string, ResourceView[]>();
    const byName = new Map<string, ResourceView[]>();
    /** HPAs whose target is unknown at preview and not settled by a dependency, per namespace. */
    const unsettled = new Map<string, ResourceView[]>();
    const add = (m: Map<string, ResourceView[]>, k: string, v: ResourceView) => {
      const l = m.get(k);
      if (l) l.push(v);
      else m.set(k, [v]);
    };
    for (const hpa of stack.ofType(T.hpa, T.hpaV1)) {
      const ns = hpa.namespace();
      const kind = hpa.str("spec.scaleTargetRef.kind");
      const name = hpa.str("spec.scaleTargetRef.name");
      if (hpa.unknown("spec.scaleTargetRef.kind") || hpa.unknown("spec.scaleTargetRef.name") || hpa.unknown("metadata.namespace")) {
        const dep = K8S_SERVING_TYPES.map((t) => stack.dependsOnType(hpa, "spec", t)).find((d) => d !== undefined);
        if (dep && !hpa.unknown("metadata.namespace")) add(byTarget, hpaKey(ns, SCALE_KIND[dep.type] as string, dep.k8sName()), hpa);
        else add(unsettled, hpa.unknown("metadata.namespace") ? "*" : ns, hpa);
        continue;
      }
      if (kind && name) {
        add(byTarget, hpaKey(ns, kind, name), hpa);
        add(byName, `${kind}/${name}`, hpa);
      }
    }
    for (const w of stack.ofType(...K8S_SERVING_TYPES)) {
      const service = stack.serviceOf(w);
      if (!service) continue;
      const ns = w.namespace();
      const kind = SCALE_KIND[w.type] as string;
      const hpas = byTarget.get(hpaKey(ns, kind, w.k8sName())) ?? [];
      if (hpas.length === 0) {
        if ((unsettled.get(ns) ?? unsettled.get("*")) !== undefined) {
          reportUndecided(report, w, "the scaleTargetRef of an HorizontalPodAutoscaler in its namespace", service);
          continue;
        }
        if (w.unknown("metadata.name") || w.unknown("metadata.namespace")) {
          reportUndecided(report, w, "its name or namespace (which an HPA's scaleTargetRef must match)", service);
          continue;
        }
        const elsewhere = (byName.get(`${kind}/${w.k8sName()}`) ?? []).filter((h) => h.namespace() !== ns);
        report({
          subject: w,
          service,
          message: violation(
            w.display(),
            `service '${service}' ${kind} ${show(w.k8sName())} in namespace ${show(ns)} is not targeted by any HorizontalPodAutoscaler`,
            elsewhere.length > 0
              ? `only ${elsewhere.map((h) => `${h.display()} in namespace ${show(h.namespace())}`).join(", ")}, and an HPA scales workloads of its own namespace only`
              : "no HPA",
            `add an autoscaling/v2 HorizontalPodAutoscaler in namespace ${show(ns)} with scaleTargetRef {kind: "${kind}", name: ${show(w.k8sName())}}, minReplicas ≥ ${s.minReplicas}, maxReplicas above it and a cpu averageUtilization target within ${s.minCpuUtilization}–${s.maxCpuUtilization} %`,
          ),
        });
        continue;
      }
      const verdicts = hpas.map((h) => ({ h, v: judgeHpa(h, s) }));
      if (verdicts.some((x) => x.v.problems.length === 0 && !x.v.unknown)) continue;
      const unknown = verdicts.find((x) => x.v.unknown);
      if (unknown) {
        reportUndecided(report, w, unknown.v.unknown as string, service);
        continue;
      }
      const first = verdicts[0] as { h: ResourceView; v: HpaVerdict };
      report({
        subject: w,
        service,
        message: violation(
          w.display(),
          `service '${service}' ${kind} ${show(w.k8sName())} is autoscaled by ${first.h.display()} outside the pack's bounds`,
          first.v.problems.join("; "),
          `set minReplicas ≥ ${s.minReplicas}, maxReplicas above minReplicas and a cpu averageUtilization target within ${s.minCpuUtilization}–${s.maxCpuUtilization} %`,
        ),
      });
    }
    /** A Google-run workload's instance bounds: undecided, or a violation listing the problems. */
    const reportInstances = (r: ResourceView, service: string, v: HpaVerdict, what: string, fix: () => string): void => {
      if (v.unknown) return reportUndecided(report, r, v.unknown, service);
      if (v.problems.length === 0) return;
      report({ subject: r, service, message: violation(r.display(), `service '${service}' ${what} does not autoscale within the pack's bounds`, v.problems.join("; "), fix()) });
    };
    for (const r of stack.ofType(T.cloudRunService)) {
      const service = stack.serviceOf(r);
      if (!service) continue;
      reportInstances(r, service, judgeCloudRun(r, s), "Cloud Run service", () => `set template.scaling.minInstanceCount ≥ ${s.minReplicas} and template.scaling.maxInstanceCount above it`);
    }
    for (const r of stack.ofType(T.cloudRunV1Service, ...FUNCTION_TYPES)) {
      const service = stack.serviceOf(r);
      const f = INSTANCE_FIELDS[r.type];
      if (!service || !f) continue;
      // A function serves requests when HTTP-triggered (no eventTrigger); an event-driven one needs only a bound.
      const needMin = r.type === T.cloudRunV1Service || r.get("eventTrigger").kind === "absent";
      reportInstances(r, service, judgeInstances(r, f, s, needMin), f.what, () => f.fix(needMin ? s.minReplicas : undefined));
    }
  },
});

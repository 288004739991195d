/**
 * Workload gates (Kubernetes Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, Argo Rollouts,
 * Helm and YAML children included; Cloud Run v2 services and jobs): health probes, resource
 * limits, autoscaling, secrets not in env, no ORM synchronize, image provenance, telemetry, and
 * PgBouncer in transaction mode in front of each service's Postgres.
 */
import { z } from "zod";
import {
  asArray,
  asNumber,
  asString,
  show,
  T,
  typeFromUrn,
  lookup,
  valueAt,
  type Lookup,
  type ResourceView,
} from "../access";
import {
  containerGet,
  formatQuantity,
  K8S_SERVING_TYPES,
  K8S_WORKLOAD_TYPES,
  parseQuantity,
  SCALE_KIND,
  WORKLOAD_TYPES,
  Workload,
  type ContainerView,
  type EnvVar,
} from "../access/k8s";
import { resourceRule, stackRule, undecidedMessage, violation, type Reporter } from "../engine/rule";
import { memoByObject, memoByString } from "../memo";
import { reportUndecided } from "../lib/undecided";

/** The workload view, unless the resource has no pod template of its own. */
function workloadOf(r: ResourceView): Workload | undefined {
  const w = Workload.of(r);
  return w && !w.delegates() ? w : undefined;
}

/** Containers of a workload; reports undecided (and returns the known part) when the list is unknown. */
function containersOf(w: Workload, report: Reporter, opts: { init?: boolean } = {}): readonly ContainerView[] {
  const cs = w.containers(opts);
  if (cs.unknown) reportUndecided(report, w.r, `'${cs.unknown}'`);
  return cs.list;
}

// --------------------------------------------------------------------- workload-health-probes

const pathSchema = z.string().regex(/^\/\S*$/, { message: 'must be an HTTP path such as "/health/live". Fix: start it with "/".' });

export const probeSettings = z.strictObject({
  livenessPath: pathSchema.default("/health/live"),
  readinessPath: pathSchema.default("/health/ready"),
  /**
   * Images (substring match) that serve no HTTP (connection poolers, proxies): their probes must
   * exist, but may be tcpSocket/exec/grpc checks on any path.
   */
  nonHttpImages: z.array(z.string().min(1)).default(["pgbouncer", "cloud-sql-proxy", "cloudsql-proxy"]),
});

type ProbeSettings = z.infer<typeof probeSettings>;

function stripQuery(p: string): string {
  const i = p.search(/[?#]/);
  return i >= 0 ? p.slice(0, i) : p;
}

type Probe = "livenessProbe" | "readinessProbe" | "startupProbe";

interface ProbePaths {
  readonly httpGet: string;
  readonly path: string;
  /** The other handlers, with their paths. */
  readonly others: readonly { readonly handler: string; readonly path: string }[];
}

function probePaths(p: Probe): ProbePaths {
  return { httpGet: `${p}.httpGet`, path: `${p}.httpGet.path`, others: ["exec", "tcpSocket", "grpc"].map((handler) => ({ handler, path: `${p}.${handler}` })) };
}

/** "livenessProbe.httpGet.path", ...: built once, not per container. */
const PROBE_PATHS: Readonly<Record<Probe, ProbePaths>> = {
  livenessProbe: probePaths("livenessProbe"),
  readinessProbe: probePaths("readinessProbe"),
  startupProbe: probePaths("startupProbe"),
};

/** Checks one probe of one container against the accepted paths (message parts are built only on a finding). */
function checkProbe(w: Workload, c: ContainerView, probe: Probe, paths: readonly string[], report: Reporter, anyHandler = false): void {
  const r = w.r;
  const l = containerGet(c, probe);
  if (l.kind === "unknown") return reportUndecided(report, r, `'${c.path}.${probe}'`);
  if (l.kind === "absent") {
    report({
      message: violation(
        r.display(),
        `${c.label} has no ${probe}`,
        `${c.path}.${probe} not set`,
        anyHandler ? `add a ${probe} (tcpSocket on the container's port, or exec)` : `add ${probe}.httpGet.path: ${show(paths[0])} (port: the container's port)`,
      ),
    });
    return;
  }
  if (anyHandler) return;
  const at = PROBE_PATHS[probe];
  const pathL = containerGet(c, at.path);
  if (pathL.kind === "unknown") return reportUndecided(report, r, `'${c.path}.${probe}.httpGet.path'`);
  if (containerGet(c, at.httpGet).kind === "absent") {
    const other = at.others.find((o) => containerGet(c, o.path).kind !== "absent")?.handler;
    report({
      message: violation(
        r.display(),
        `${c.label}: its ${probe} is not an HTTP check on ${paths.join(" or ")}`,
        `${c.path}.${probe} ${other ? `uses ${other}` : "has no handler"}`,
        `use ${probe}.httpGet.path: ${show(paths[0])}`,
      ),
    });
    return;
  }
  const got = pathL.kind === "known" ? asString(pathL.value) : undefined;
  if (got === undefined || !paths.includes(stripQuery(got))) {
    report({
      message: violation(
        r.display(),
        `${c.label}: its ${probe} does not check ${paths.join(" or ")}`,
        `${c.path}.${probe}.httpGet.path ${show(got)}`,
        `set ${probe}.httpGet.path: ${show(paths[0])}`,
      ),
    });
  }
}

export const workloadHealthProbes = resourceRule({
  gate: "workload-health-probes",
  types: [...K8S_SERVING_TYPES, T.cloudRunService],
  settings: probeSettings,
  check(r, s: ProbeSettings, report) {
    const w = workloadOf(r);
    if (!w) return;
    for (const c of containersOf(w, report, { init: false })) {
      if (!c.serving) continue; // sidecars and workers without ports serve no traffic
      const image = asString(valueAt(c.raw, "image"));
      const nonHttp = image !== undefined && s.nonHttpImages.some((p) => image.includes(p));
      if (w.platform === "kubernetes") {
        checkProbe(w, c, "livenessProbe", [s.livenessPath], report, nonHttp);
        checkProbe(w, c, "readinessProbe", [s.readinessPath], report, nonHttp);
      } else {
        checkProbe(w, c, "livenessProbe", [s.livenessPath], report, nonHttp);
        checkProbe(w, c, "startupProbe", [s.readinessPath, s.livenessPath], report, nonHttp);
      }
    }
  },
});

// --------------------------------------------------------------------- workload-resource-limits

function quantitySchema(kind: "cpu" | "memory", example: string) {
  return z
    .union([z.string(), z.number()])
    .refine((v) => (parseQuantity(v) ?? 0) > 0, {
      message: `must be a positive Kubernetes ${kind} quantity such as ${show(example)}. Fix: use e.g. ${show(example)}.`,
    })
    .default(example);
}

export const limitSettings = z.strictObject({
  maxCpuLimit: quantitySchema("cpu", "4"),
  maxMemoryLimit: quantitySchema("memory", "8Gi"),
});

type LimitSettings = z.infer<typeof limitSettings>;

const RESOURCES = ["cpu", "memory"] as const;
/** "resources.limits.cpu", ...: built once, not per container. */
const RESOURCE_FIELDS = {
  requests: { cpu: "resources.requests.cpu", memory: "resources.requests.memory" },
  limits: { cpu: "resources.limits.cpu", memory: "resources.limits.memory" },
} as const;
const K8S_KINDS = ["requests", "limits"] as const;
const CLOUD_RUN_KINDS = ["limits"] as const;

type Maxima = { readonly max: Readonly<Record<"cpu" | "memory", number>>; readonly maxText: Readonly<Record<"cpu" | "memory", string>> };
/** The configured maxima, parsed and rendered once per settings object. */
const limitsOf: (s: LimitSettings) => Maxima = memoByObject((s) => ({
  max: { cpu: parseQuantity(s.maxCpuLimit) as number, memory: parseQuantity(s.maxMemoryLimit) as number },
  maxText: { cpu: show(s.maxCpuLimit), memory: show(s.maxMemoryLimit) },
}));

export const workloadResourceLimits = resourceRule({
  gate: "workload-resource-limits",
  types: WORKLOAD_TYPES,
  settings: limitSettings,
  check(r, s: LimitSettings, report) {
    const w = workloadOf(r);
    if (!w) return;
    const { max, maxText } = limitsOf(s);
    const kinds = w.platform === "kubernetes" ? K8S_KINDS : CLOUD_RUN_KINDS;
    for (const c of containersOf(w, report)) {
      const missing: string[] = [];
      const bad: string[] = [];
      const values: Partial<Record<string, number>> = {};
      for (const res of RESOURCES) {
        for (const kind of kinds) {
          const field = RESOURCE_FIELDS[kind][res];
          const l = containerGet(c, field);
          if (l.kind === "unknown") {
            reportUndecided(report, r, `'${c.path}.${field}'`);
            continue;
          }
          if (l.kind === "absent") {
            missing.push(field);
            continue;
          }
          const q = parseQuantity(l.value);
          if (q === undefined || q <= 0) bad.push(`${field} ${show(l.value)}`);
          else values[field] = q;
        }
      }
      if (missing.length > 0) {
        report({
          message: violation(
            r.display(),
            `${c.label} has no ${missing.join(", ")}`,
            `${c.path}.resources ${show(containerGet(c, "resources").kind === "known" ? valueAt(c.raw, "resources") : undefined)}`,
            w.platform === "kubernetes"
              ? `set resources.requests and resources.limits for cpu and memory (limits at most cpu ${maxText.cpu}, memory ${maxText.memory})`
              : `set resources.limits.cpu and resources.limits.memory (at most cpu ${maxText.cpu}, memory ${maxText.memory})`,
          ),
        });
      }
      if (bad.length > 0) {
        report({
          message: violation(r.display(), `${c.label} has a resource quantity that is not a valid positive Kubernetes quantity`, bad.join(", "), 'use quantities such as "500m", "2", "512Mi", "1Gi"'),
        });
      }
      for (const res of RESOURCES) {
        const limit = values[RESOURCE_FIELDS.limits[res]];
        const request = values[RESOURCE_FIELDS.requests[res]];
        if (limit !== undefined && limit > max[res]) {
          report({
            message: violation(
              r.display(),
              `${c.label}: its ${res} limit is above the pack's maximum ${maxText[res]}`,
              `resources.limits.${res} ${show(valueAt(c.raw, `resources.limits.${res}`))} (${formatQuantity(limit, res)})`,
              `lower resources.limits.${res} to at most ${maxText[res]}, or scale out instead`,
            ),
          });
        }
        if (limit !== undefined && request !== undefined && request > limit) {
          report({
            message: violation(
              r.display(),
              `${c.label}: its ${res} request is above its limit`,
              `requests.${res} ${show(valueAt(c.raw, `resources.requests.${res}`))} > limits.${res} ${show(valueAt(c.raw, `resources.limits.${res}`))}`,
              `set resources.requests.${res} at most resources.limits.${res}`,
            ),
          });
        }
      }
    }
  },
});

// ------------------------------------------------------------------------ workload-autoscaling

export const autoscalingSettings = z
  .strictObject({
    minReplicas: z.number().int().min(1).max(100).default(2),
    minCpuUtilization: z.number().int().min(1).max(100).default(50),
    maxCpuUtilization: z.number().int().min(1).max(100).default(80),
  })
  .refine((s) => s.minCpuUtilization <= s.maxCpuUtilization, {
    message: "minCpuUtilization must not exceed maxCpuUtilization. Fix: e.g. 50 and 80.",
  });

type AutoscalingSettings = z.infer<typeof autoscalingSettings>;

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

function hpaKey(ns: string, kind: string, name: string): string {
  return `${ns}/${kind}/${name}`;
}

export const workloadAutoscaling = stackRule({
  gate: "workload-autoscaling",
  settings: autoscalingSettings,
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
        const dep = [T.deployment, T.statefulSet, T.rollout].map((t) => stack.dependsOnType(hpa, "spec", t)).find((d) => d !== undefined);
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
    for (const r of stack.ofType(T.cloudRunService)) {
      const service = stack.serviceOf(r);
      if (!service) continue;
      const v = judgeCloudRun(r, s);
      if (v.unknown) {
        reportUndecided(report, r, v.unknown, service);
        continue;
      }
      if (v.problems.length === 0) continue;
      report({
        subject: r,
        service,
        message: violation(
          r.display(),
          `service '${service}' Cloud Run service does not autoscale within the pack's bounds`,
          v.problems.join("; "),
          `set template.scaling.minInstanceCount ≥ ${s.minReplicas} and template.scaling.maxInstanceCount above it`,
        ),
      });
    }
  },
});

// ------------------------------------------------------------------- workload-secrets-not-in-env

/** Names that say "this is a secret" (matched on whole underscore-separated words, upper case). */
const SECRET_NAME =
  /(?:^|_)(?:PASSWORD|PASSWD|PASS|SECRET|SECRETS|TOKEN|TOKENS|API_?KEY|PRIVATE_?KEY|CREDENTIALS?|CREDS|ACCESS_KEY|SECRET_KEY|AUTH_KEY|SIGNING_KEY|ENCRYPTION_KEY|MASTER_KEY|HMAC_KEY|SESSION_KEY|PASSPHRASE)(?:_|$)/;

/** Last words that make a secret-looking name a reference or a setting, not a secret. */
const NON_SECRET_SUFFIX = new Set([
  "FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT", "HOST", "PORT", "TTL", "TIMEOUT", "EXPIRY", "EXPIRES", "EXPIRATION",
  "ENABLED", "DISABLED", "NAME", "ID", "HEADER", "ISSUER", "AUDIENCE", "ALGORITHM", "ALG", "LENGTH", "SIZE", "VERSION",
  "REF", "MOUNT", "LOCATION", "TYPE", "PROJECT", "FORMAT", "COUNT", "MODE", "POLICY", "PREFIX", "SECONDS", "MS", "REGION",
]);

/** True when an env name says it holds a secret (memoised: workloads repeat the same names). */
export const secretLookingName: (name: string) => boolean = memoByString(judgeName);

function judgeName(name: string): boolean {
  const n = name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
  if (n === "PWD" || n === "OLDPWD") return false;
  const words = n.split("_").filter((x) => x !== "");
  const last = words[words.length - 1];
  if (last !== undefined && NON_SECRET_SUFFIX.has(last)) return false;
  return SECRET_NAME.test(n);
}

/** Literal values that are references to a secret, not the secret itself. */
function referenceLike(v: string): boolean {
  const t = v.trim();
  return (
    t === "" ||
    /^(true|false)$/i.test(t) ||
    /^\d+$/.test(t) ||
    /^(\/|\.\/|~\/)/.test(t) ||
    /^projects\/[^/]+\/secrets\//.test(t) ||
    /^(sm|secretmanager|gcpsm|vault|file):\/\//i.test(t) ||
    /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(t) ||
    /^\$\{[^}]+\}$/.test(t)
  );
}

function placeholder(p: string): boolean {
  return /^\$\([^)]*\)$/.test(p) || /^\$\{[^}]*\}$/.test(p) || /^\*+$/.test(p);
}

function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Mean length of the "words" of a string (CamelCase words, upper-case runs, lower-case runs,
 * digit runs): about 1–2 for random base64, 4 and more for identifiers such as
 * "RegistrationServiceAccount2024", which have high character entropy but are not keys.
 */
function meanWordLength(s: string): number {
  const words = s.match(/[A-Z][a-z]+|[A-Z]+(?![a-z])|[a-z]+|\d+/g) ?? [];
  return words.reduce((n, w) => n + w.length, 0) / Math.max(1, words.length);
}

/**
 * What a literal value looks like, when it looks like a secret: "a PEM private key", ... .
 * Never returns (or logs) the value itself.
 */
export function secretShape(v: string): string | undefined {
  // Every shape below needs 15 characters or more, or an "@" (a URL's password) or "=" (password=).
  if (v.length < 15 && !v.includes("@") && !v.includes("=")) return undefined;
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(v)) return "a PEM private key";
  if (/"type"\s*:\s*"service_account"/.test(v) || (/"private_key"\s*:/.test(v) && /"client_email"\s*:/.test(v))) return "a Google service-account key";
  const t = v.trim();
  if (/^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/.test(t)) return "a JSON Web Token";
  if (/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/.test(t)) return "an AWS access key";
  if (/\bAIza[0-9A-Za-z_-]{35}\b/.test(t)) return "a Google API key";
  if (/\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,}|xox[abprs]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{20,})\b/.test(t)) return "an access token";
  const url = /^[a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:([^@/\s]+)@/i.exec(t);
  if (url && !placeholder(url[1] as string)) return "a connection string with an embedded password";
  const kw = /(?:^|[\s?&;])password=([^&;\s]+)/i.exec(t);
  if (kw && !placeholder(kw[1] as string)) return "a connection string with an embedded password";
  if (
    t.length >= 32 &&
    t.length <= 4096 &&
    /^[A-Za-z0-9+/=_-]+$/.test(t) &&
    /[A-Z]/.test(t) &&
    /[a-z]/.test(t) &&
    /\d/.test(t) &&
    entropy(t) >= 4.0 &&
    meanWordLength(t) <= 2.6
  ) {
    return "a long high-entropy string (a likely key or token)";
  }
  return undefined;
}

/** Resource types whose outputs are secrets: an env value computed from one is a literal secret. */
const SECRET_SOURCE_TYPES = new Set([
  "random:index/randomPassword:RandomPassword",
  "tls:index/privateKey:PrivateKey",
  T.serviceAccountKey,
  "gcp:secretmanager/secretVersion:SecretVersion",
  "gcp:sql/user:User",
  "gcp:kms/secretCiphertext:SecretCiphertext",
]);

/** What a Kubernetes pod volume delivers: a Secret Manager mount (CSI driver), a Kubernetes Secret, or neither. */
function secretVolumeKind(raw: unknown): "secret-manager" | "k8s-secret" | "other" | "unknown" {
  if (lookup(raw, "csi.driver").kind === "unknown" || lookup(raw, "secret").kind === "unknown") return "unknown";
  const driver = asString(valueAt(raw, "csi.driver"));
  if (driver === "secrets-store.csi.k8s.io") return "secret-manager";
  if (valueAt(raw, "secret") !== undefined) return "k8s-secret";
  if (asArray(valueAt(raw, "projected.sources")).some((src) => valueAt(src, "secret") !== undefined)) return "k8s-secret";
  return "other";
}

export const secretsSettings = z.strictObject({
  /** No secret through env at all (production); secrets are mounted from Secret Manager. */
  strict: z.boolean().default(true),
  /** Env names never treated as secret by name (value-shape detection still applies). */
  allowNames: z.array(z.string().min(1)).default([]),
});

type SecretsSettings = z.infer<typeof secretsSettings>;

/** The upper-cased allowNames, built once per settings object. */
const allowedNames: (s: SecretsSettings) => ReadonlySet<string> = memoByObject((s) => new Set(s.allowNames.map((n) => n.toUpperCase())));

const MOUNT_FIX_K8S =
  'mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver "secrets-store.csi.k8s.io", a SecretProviderClass with provider gcp) and read the file';
const MOUNT_FIX_RUN = "mount it from Secret Manager instead: a template.volumes[] entry with secret: {secret: <secret id>} and a volumeMount, and read the file";

export const workloadSecretsNotInEnv = resourceRule({
  gate: "workload-secrets-not-in-env",
  types: WORKLOAD_TYPES,
  settings: secretsSettings,
  check(r, s: SecretsSettings, report) {
    const w = workloadOf(r);
    if (!w) return;
    const fixMount = w.platform === "cloudrun" ? MOUNT_FIX_RUN : MOUNT_FIX_K8S;
    const allowed = allowedNames(s);
    const deps = r.input.dependencies === undefined ? undefined : r.dependenciesOf(w.dependencyProp).map(typeFromUrn);
    const computedSecret = deps?.find((t) => t !== undefined && SECRET_SOURCE_TYPES.has(t));
    const unknownValues: string[] = [];
    const fail = (problem: string, found: string, fix: string) => report({ message: violation(r.display(), problem, found, fix) });
    for (const c of containersOf(w, report)) {
      const env = w.env(c);
      if (env.unknown) reportUndecided(report, r, `'${env.unknown}'`);
      for (const e of env.list) {
        const name = e.name ?? "(unnamed)";
        const byName = e.name !== undefined && secretLookingName(e.name) && (allowed.size === 0 || !allowed.has(e.name.toUpperCase()));
        if (e.source === "literal") {
          const shape = secretShape(e.value as string);
          if (shape) {
            fail(`${c.label}: env ${name} holds a literal value shaped like ${shape}`, "a literal value (not shown)", `remove the value from the manifest and rotate it; ${fixMount}`);
          } else if (byName && !referenceLike(e.value as string)) {
            fail(`${c.label}: env ${name} has a secret-looking name and holds a literal value`, "a literal value (not shown)", `remove the value from the manifest and rotate it; ${fixMount}`);
          }
        } else if (e.source === "unknown") {
          if (byName || computedSecret) {
            fail(
              `${c.label}: env ${name} is set to a literal value computed at apply${computedSecret ? ` from a ${computedSecret} output` : ""}`,
              `${e.path}.value (a secret-looking ${byName ? "name" : "source"})`,
              fixMount,
            );
          } else if (deps === undefined) {
            unknownValues.push(name);
          }
        } else if (e.source === "secret" && s.strict) {
          const what = w.platform === "cloudrun" ? "Secret Manager secret" : "Kubernetes Secret";
          fail(
            `${c.label}: env ${name} delivers a secret through the environment (strict mode)`,
            `${what} ${show(e.ref?.name)}${e.ref?.key !== undefined ? ` ${w.platform === "cloudrun" ? "version" : "key"} ${show(e.ref.key)}` : ""}`,
            fixMount,
          );
        }
      }
      if (s.strict) {
        const from = w.envFrom(c);
        if (from.unknown) reportUndecided(report, r, `'${from.unknown}'`);
        for (const f of from.list) {
          if (f.kind === "unknown") reportUndecided(report, r, `'${f.path}'`);
          else if (f.kind === "secret") {
            fail(`${c.label}: envFrom loads a whole Kubernetes Secret into the environment (strict mode)`, `${f.path}.secretRef.name ${show(f.name)}`, fixMount);
          }
        }
      }
    }
    if (unknownValues.length > 0) {
      report({
        undecided: true,
        message: undecidedMessage(r.display(), `the value of env ${unknownValues.join(", ")} (so its shape cannot be checked for a secret)`),
      });
    }
    if (s.strict && w.platform === "kubernetes") {
      const vols = w.volumes();
      if (vols.unknown) reportUndecided(report, r, `'${vols.unknown}'`);
      for (const v of vols.list) {
        const kind = secretVolumeKind(v.raw);
        if (kind === "unknown") reportUndecided(report, r, `'${v.path}'`);
        else if (kind === "k8s-secret") {
          fail(
            `volume ${show(v.name)} mounts a Kubernetes Secret, not a Secret Manager secret (strict mode)`,
            `${v.path} ${valueAt(v.raw, "secret") !== undefined ? `secret.secretName ${show(valueAt(v.raw, "secret.secretName"))}` : "a projected secret source"}`,
            'use a Secrets Store CSI driver volume (driver "secrets-store.csi.k8s.io") with a SecretProviderClass of provider gcp',
          );
        }
      }
    }
  },
});

// ------------------------------------------------------------------ workload-no-orm-synchronize

const SYNC_NAME = /^(?:[A-Z0-9]+_)*(?:TYPEORM|ORM|DB|DATABASE|SEQUELIZE|MIKRO_?ORM|SCHEMA|MODELS?)_(?:SYNCHRONI[SZ]E|SYNC)$/;
const DDL_AUTO_NAME = /(?:^|_)(?:HIBERNATE_DDL_AUTO|HBM2DDL_AUTO)$/;

/** Why an env var turns schema synchronisation on, else undefined. */
export function ormSyncProblem(name: string, value: string): string | undefined {
  const n = name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
  const v = value.trim().toLowerCase();
  if ((SYNC_NAME.test(n) || n === "SYNCHRONIZE" || n === "SYNCHRONISE") && ["true", "1", "yes", "on", "y"].includes(v)) {
    return "turns ORM schema synchronisation on";
  }
  if (DDL_AUTO_NAME.test(n) && ["update", "create", "create-drop"].includes(v)) return "lets Hibernate change the schema at start-up";
  return undefined;
}

/** True when an env name may turn schema synchronisation on (memoised: workloads repeat the same names). */
const syncCandidate: (name: string) => boolean = memoByString(judgeSyncName);

function judgeSyncName(name: string): boolean {
  const n = name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
  return SYNC_NAME.test(n) || n === "SYNCHRONIZE" || n === "SYNCHRONISE" || DDL_AUTO_NAME.test(n);
}

export const workloadNoOrmSynchronize = resourceRule({
  gate: "workload-no-orm-synchronize",
  types: WORKLOAD_TYPES,
  settings: z.strictObject({}),
  check(r, _s, report) {
    const w = workloadOf(r);
    if (!w) return;
    for (const c of containersOf(w, report)) {
      const env = w.env(c);
      if (env.unknown) reportUndecided(report, r, `'${env.unknown}'`);
      for (const e of env.list) {
        if (e.name === undefined || !syncCandidate(e.name)) continue;
        if (e.source === "literal") {
          const problem = ormSyncProblem(e.name, e.value as string);
          if (problem) {
            report({
              message: violation(r.display(), `${c.label}: env ${e.name} ${problem}`, `${e.name}=${show(e.value)}`, `remove ${e.name} or set it to false; schema changes go through migrations`),
            });
          }
        } else if (e.source === "unknown") {
          reportUndecided(report, r, `the value of env ${e.name} ('${e.path}')`);
        } else if (e.source === "configMap" || e.source === "secret") {
          report({
            undecided: true,
            message: `${r.display()}: ${c.label}: env ${e.name} takes its value from ${e.source === "configMap" ? "ConfigMap" : "Secret"} ${show(e.ref?.name)} key ${show(e.ref?.key)}, which a per-resource check cannot read, so this gate is not decided for it. Fix: set ${e.name}: "false" literally, or remove it.`,
          });
        }
      }
    }
  },
});

// ------------------------------------------------------------------- workload-image-provenance

export const provenanceSettings = z.strictObject({
  approvedRegistries: z
    .array(
      z.string().regex(/^[a-z0-9-]+-docker\.pkg\.dev\/([a-z0-9._-]+\/)*$/, {
        message: 'must be an Artifact Registry prefix ending in "/", such as "europe-west1-docker.pkg.dev/acme-prod/services/". Fix: use <region>-docker.pkg.dev/<project>/<repository>/.',
      }),
    )
    .min(1)
    .default(["europe-west1-docker.pkg.dev/"]),
});

type ProvenanceSettings = z.infer<typeof provenanceSettings>;

const DIGEST = /@sha256:[0-9a-f]{64}$/;

/** What is wrong with an image reference, if anything. */
export function imageProblems(image: string, approved: readonly string[]): string[] {
  const problems: string[] = [];
  const host = image.split("/")[0] ?? "";
  if (!/^[a-z0-9-]+-docker\.pkg\.dev$/.test(host)) {
    problems.push(`it does not come from Artifact Registry (registry ${show(image.includes("/") && /[.:]/.test(host) ? host : "docker.io (implicit)")})`);
  } else if (!approved.some((p) => image.startsWith(p))) {
    problems.push(`its repository is not an approved one (${approved.map((p) => show(p)).join(", ")})`);
  }
  if (!DIGEST.test(image)) problems.push("it is not pinned by digest (@sha256:<64 hex>)");
  return problems;
}

export const workloadImageProvenance = resourceRule({
  gate: "workload-image-provenance",
  types: WORKLOAD_TYPES,
  settings: provenanceSettings,
  check(r, s: ProvenanceSettings, report) {
    const w = workloadOf(r);
    if (!w) return;
    for (const c of containersOf(w, report)) {
      const l = containerGet(c, "image");
      if (l.kind === "unknown") {
        reportUndecided(report, r, `the image of ${c.label} ('${c.path}.image')`);
        continue;
      }
      const image = l.kind === "known" ? asString(l.value) : undefined;
      const problems = image === undefined ? ["it names no image"] : imageProblems(image, s.approvedRegistries);
      if (problems.length === 0) continue;
      report({
        message: violation(
          r.display(),
          `${c.label}: its image is not from the approved registry pinned by digest: ${problems.join("; ")}`,
          `${c.path}.image ${show(image)}`,
          `push the image to ${s.approvedRegistries[0]}<project>/<repository>/ and reference it as <image>@sha256:<digest>`,
        ),
      });
    }
  },
});

// -------------------------------------------------------------------------- workload-telemetry

export const telemetrySettings = z.strictObject({
  /** Images (substring match) exempt from the gate: third-party proxies that carry no OTel SDK. */
  exemptImages: z.array(z.string().min(1)).default(["pgbouncer", "cloud-sql-proxy", "cloudsql-proxy", "opentelemetry-collector", "otelcol"]),
});

type TelemetrySettings = z.infer<typeof telemetrySettings>;

function envSet(e: EnvVar | undefined): boolean {
  if (!e) return false;
  if (e.source === "literal") return (e.value as string).trim() !== "";
  return e.source !== "none";
}

export const workloadTelemetry = resourceRule({
  gate: "workload-telemetry",
  types: [...K8S_SERVING_TYPES, T.cloudRunService],
  settings: telemetrySettings,
  check(r, s: TelemetrySettings, report) {
    const w = workloadOf(r);
    if (!w) return;
    for (const c of containersOf(w, report, { init: false })) {
      if (!c.serving) continue;
      const image = asString(valueAt(c.raw, "image"));
      if (image !== undefined && s.exemptImages.some((p) => image.includes(p))) continue;
      const env = w.env(c);
      if (env.unknown) {
        reportUndecided(report, r, `'${env.unknown}'`);
        continue;
      }
      const byName = new Map<string, EnvVar>();
      for (const e of env.list) if (e.name !== undefined) byName.set(e.name, e);
      const attrs = byName.get("OTEL_RESOURCE_ATTRIBUTES");
      const nameOk =
        envSet(byName.get("OTEL_SERVICE_NAME")) ||
        (attrs?.source === "literal" && /(?:^|,)\s*service\.name\s*=\s*[^,\s]/.test(attrs.value as string)) ||
        (attrs !== undefined && attrs.source !== "literal" && attrs.source !== "none");
      const endpointOk = envSet(byName.get("OTEL_EXPORTER_OTLP_ENDPOINT")) || envSet(byName.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
      /** Missing settings (may come from an envFrom ConfigMap) and settings that switch tracing off. */
      const missing: string[] = [];
      const off: string[] = [];
      if (!nameOk) missing.push("no service name (OTEL_SERVICE_NAME, or service.name in OTEL_RESOURCE_ATTRIBUTES)");
      if (!endpointOk) missing.push("no exporter endpoint (OTEL_EXPORTER_OTLP_ENDPOINT)");
      const disabled = byName.get("OTEL_SDK_DISABLED");
      if (disabled?.source === "literal" && /^true$/i.test((disabled.value as string).trim())) off.push("OTEL_SDK_DISABLED=true");
      const exporter = byName.get("OTEL_TRACES_EXPORTER");
      if (exporter?.source === "literal" && (exporter.value as string).trim().toLowerCase() === "none") off.push('OTEL_TRACES_EXPORTER="none"');
      const problems = [...missing, ...off];
      if (problems.length === 0) continue;
      const from = w.envFrom(c).list.filter((f) => f.kind !== "secret");
      if (from.length > 0 && off.length === 0) {
        report({
          undecided: true,
          message: `${r.display()}: ${c.label} has ${problems.join(" and ")} in env, but loads env from ${from.map((f) => `${f.kind} ${show(f.name)}`).join(", ")}, which a per-resource check cannot read, so this gate is not decided for it. Fix: set the OTEL_* variables in the container's env.`,
        });
        continue;
      }
      report({
        message: violation(
          r.display(),
          `${c.label} is not instrumented with OpenTelemetry`,
          problems.join("; "),
          "set OTEL_SERVICE_NAME to the service name and OTEL_EXPORTER_OTLP_ENDPOINT to the collector (e.g. http://otel-collector.observability:4317) in the container's env",
        ),
      });
    }
  },
});

// ---------------------------------------------------------------- pgbouncer-transaction-pooling

type PoolVerdict = { readonly mode: "transaction" } | { readonly mode: "other"; readonly found: string } | { readonly mode: "unknown"; readonly what: string };

/** An image that runs PgBouncer (any registry, case-insensitive). */
const PGBOUNCER_IMAGE = /pgbouncer/i;

/** pool_mode from a pgbouncer.ini text: the [pgbouncer] setting and any per-database override. */
export function iniPoolMode(ini: string): { global?: string; overrides: readonly string[] } {
  let section = "";
  let global: string | undefined;
  const overrides: string[] = [];
  for (const rawLine of ini.split(/\r?\n/)) {
    const line = rawLine.replace(/^\s+/, "");
    if (line.startsWith(";") || line.startsWith("#") || line === "") continue;
    const sec = /^\[([^\]]+)\]/.exec(line);
    if (sec) {
      section = (sec[1] as string).trim().toLowerCase();
      continue;
    }
    if (section === "pgbouncer") {
      const m = /^pool_mode\s*=\s*([A-Za-z]+)/i.exec(line);
      if (m) global = (m[1] as string).toLowerCase();
    } else if (section === "databases" || section === "users") {
      const m = /\bpool_mode\s*=\s*([A-Za-z]+)/i.exec(line);
      if (m) overrides.push((m[1] as string).toLowerCase());
    }
  }
  return { global, overrides };
}

/** The pool mode of a pgbouncer workload: env first, else a mounted ConfigMap's pgbouncer.ini. */
function poolMode(w: Workload, c: ContainerView, configMaps: ReadonlyMap<string, ResourceView>): PoolVerdict {
  const env = w.env(c);
  if (env.unknown) return { mode: "unknown", what: `'${env.unknown}'` };
  const modeVar = env.list.find((e) => e.name === "POOL_MODE" || e.name === "PGBOUNCER_POOL_MODE");
  if (modeVar) {
    if (modeVar.source === "literal") {
      const v = (modeVar.value as string).trim().toLowerCase();
      return v === "transaction" ? { mode: "transaction" } : { mode: "other", found: `env ${modeVar.name}=${show(modeVar.value)}` };
    }
    if (modeVar.source === "unknown") return { mode: "unknown", what: `the value of env ${modeVar.name}` };
    return { mode: "unknown", what: `env ${modeVar.name}, which comes from a ${modeVar.source} reference` };
  }
  const vols = w.volumes();
  if (vols.unknown) return { mode: "unknown", what: `'${vols.unknown}'` };
  const mounted = new Set(asArray(valueAt(c.raw, "volumeMounts")).map((m) => asString(valueAt(m, "name"))));
  const ns = w.r.namespace();
  const found: string[] = [];
  for (const v of vols.list) {
    if (!mounted.has(v.name)) continue;
    const names = [asString(valueAt(v.raw, "configMap.name")), ...asArray(valueAt(v.raw, "projected.sources")).map((src) => asString(valueAt(src, "configMap.name")))];
    for (const name of names) {
      if (name === undefined) continue;
      const cm = configMaps.get(`${ns}/${name}`);
      if (!cm) {
        found.push(`ConfigMap ${show(name)} (not in the stack)`);
        continue;
      }
      const iniL = cm.get(["data", "pgbouncer.ini"]);
      if (iniL.kind === "unknown") return { mode: "unknown", what: `data."pgbouncer.ini" of ${cm.display()}` };
      const ini = iniL.kind === "known" ? asString(iniL.value) : undefined;
      if (ini === undefined) {
        found.push(`ConfigMap ${show(name)} without pgbouncer.ini`);
        continue;
      }
      const pm = iniPoolMode(ini);
      const bad = pm.overrides.find((o) => o !== "transaction");
      if (pm.global === "transaction" && bad === undefined) return { mode: "transaction" };
      found.push(
        bad !== undefined
          ? `ConfigMap ${show(name)} pgbouncer.ini overrides pool_mode=${bad} for a database`
          : `ConfigMap ${show(name)} pgbouncer.ini pool_mode=${pm.global ?? "session (default)"}`,
      );
    }
  }
  return { mode: "other", found: found.length > 0 ? found.join(", ") : "no POOL_MODE env and no mounted pgbouncer.ini (PgBouncer defaults to session)" };
}

export const pgbouncerTransactionPooling = stackRule({
  gate: "pgbouncer-transaction-pooling",
  settings: z.strictObject({}),
  check(stack, _s, report) {
    const configMaps = new Map<string, ResourceView>();
    for (const cm of stack.ofType(T.configMap)) configMaps.set(`${cm.namespace()}/${cm.k8sName()}`, cm);
    /** service (or "" for none) → the verdicts of its pgbouncer containers. */
    const bouncers = new Map<string, { w: Workload; c: ContainerView; v: PoolVerdict }[]>();
    for (const r of stack.ofType(...K8S_WORKLOAD_TYPES)) {
      const w = workloadOf(r);
      if (!w) continue;
      for (const c of w.containers({ init: false }).list) {
        const image = asString(valueAt(c.raw, "image"));
        if (image === undefined || !PGBOUNCER_IMAGE.test(image)) continue;
        const key = stack.serviceOf(r) ?? "";
        const list = bouncers.get(key) ?? [];
        list.push({ w, c, v: poolMode(w, c, configMaps) });
        bouncers.set(key, list);
      }
    }
    // An instance without a service may be fronted by any PgBouncer of the stack: that list is built
    // once, not once per such instance (which was quadratic in large stacks).
    let everyBouncer: readonly { w: Workload; c: ContainerView; v: PoolVerdict }[] | undefined;
    for (const db of stack.ofType(T.sqlInstance)) {
      if (db.get("masterInstanceName").kind !== "absent") continue; // replicas follow their primary
      const version = db.str("databaseVersion");
      if (version !== undefined && !version.toUpperCase().startsWith("POSTGRES")) continue;
      const service = stack.serviceOf(db);
      const candidates = service ? (bouncers.get(service) ?? []) : (everyBouncer ??= [...bouncers.values()].flat());
      if (candidates.some((b) => b.v.mode === "transaction")) continue;
      const unknown = candidates.find((b) => b.v.mode === "unknown");
      if (unknown && unknown.v.mode === "unknown") {
        reportUndecided(report, db, `the pool mode of ${unknown.w.r.display()} (${unknown.v.what})`, service);
        continue;
      }
      const who = service ? `service '${service}'` : "the stack";
      report({
        subject: db,
        service,
        message: violation(
          db.display(),
          candidates.length === 0
            ? `Postgres instance of ${who} is not fronted by a PgBouncer workload`
            : `PgBouncer of ${who} does not pool in transaction mode`,
          candidates.length === 0
            ? `no workload of ${who} runs a pgbouncer image`
            : candidates.map((b) => `${b.w.r.display()} ${b.c.label}: ${b.v.mode === "other" ? b.v.found : ""}`).join("; "),
          `run PgBouncer as a workload of ${who} (label ${service ? `app.kubernetes.io/part-of: ${service}` : "with the service label"}) with env POOL_MODE=transaction, or mount a ConfigMap whose pgbouncer.ini sets pool_mode = transaction`,
        ),
      });
    }
  },
});

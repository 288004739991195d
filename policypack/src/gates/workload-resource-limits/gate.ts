/** The `workload-resource-limits` gate: its catalog record, settings and check. */
import { z } from "zod";
import { show, valueAt } from "../../access";
import { containerGet, formatQuantity, parseQuantity, WORKLOAD_TYPES, type Workload } from "../../access/k8s";
import { defineMeta } from "../../engine/meta";
import { violation, type Reporter } from "../../engine/rule";
import { memoByObject } from "../../memo";
import { reportUndecided } from "../../lib/undecided";
import { containersOf, workloadGate } from "../../lib/workloads";

export const meta = defineMeta({
  name: "workload-resource-limits",
  title: "CPU and memory requests and limits",
  area: "workloads",
  kind: "resource",
  severity: "high",
  level: "mandatory",
  proves:
    "CPU and memory requests and limits on every container (init containers too), within configured bounds; Cloud Run limits set; Cloud Functions memory (v2: and CPU) set within the bounds.",
  remediation: "Set resources.requests and resources.limits for cpu and memory on every container, within the pack's bounds.",
  sources: [{ seed: "002", section: "8. Deployment", line: "Resource limits set (CPU, mem) per DEPLOYMENT_TOPOLOGY.md §2" }],
});

function quantitySchema(kind: "cpu" | "memory", example: string) {
  return z
    .union([z.string(), z.number()])
    .refine((v) => (parseQuantity(v) ?? 0) > 0, {
      message: `must be a positive Kubernetes ${kind} quantity such as ${show(example)}. Fix: use e.g. ${show(example)}.`,
    })
    .default(example);
}

export const settings = z.strictObject({
  maxCpuLimit: quantitySchema("cpu", "4"),
  maxMemoryLimit: quantitySchema("memory", "8Gi"),
});

type LimitSettings = z.infer<typeof settings>;

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

/** A function's memory and CPU fields: v1 availableMemoryMb (MB, no CPU setting), v2 serviceConfig.availableMemory / availableCpu. */
const FUNCTION_FIELDS = {
  FunctionV1: { memory: "availableMemoryMb", cpu: undefined },
  FunctionV2: { memory: "serviceConfig.availableMemory", cpu: "serviceConfig.availableCpu" },
} as const;

/** Cloud Functions: the memory (and, v2, CPU) of each instance set explicitly, positive and within the maxima. */
function checkFunction(w: Workload, s: LimitSettings, report: Reporter): void {
  const r = w.r;
  const { max, maxText } = limitsOf(s);
  const f = FUNCTION_FIELDS[w.kind === "FunctionV1" ? "FunctionV1" : "FunctionV2"];
  const missing: string[] = [];
  for (const res of RESOURCES) {
    const field = f[res];
    if (field === undefined) continue; // v1 derives CPU from memory: no CPU setting
    const l = r.get(field);
    if (l.kind === "unknown") {
      reportUndecided(report, r, `'${field}'`);
      continue;
    }
    if (l.kind === "absent") {
      missing.push(field);
      continue;
    }
    // v1 counts memory in MB (MiB); v2 takes a quantity ("512M", "1Gi") and CPU as cores ("1", "0.583").
    const q = field === "availableMemoryMb" ? (typeof l.value === "number" ? l.value * 2 ** 20 : undefined) : parseQuantity(l.value);
    if (q === undefined || !(q > 0)) {
      report({
        message: violation(r.display(), `${field} is not a valid positive ${field === "availableMemoryMb" ? "number of MB" : `${res} quantity`}`, `${field} ${show(l.value)}`, field === "availableMemoryMb" ? "set availableMemoryMb to e.g. 512" : 'use quantities such as "512Mi", "1Gi" (memory) or "1" (cpu)'),
      });
    } else if (q > max[res]) {
      report({
        message: violation(
          r.display(),
          `its ${res} per instance is above the pack's maximum ${maxText[res]}`,
          `${field} ${show(l.value)} (${formatQuantity(q, res)})`,
          `lower ${field} to at most ${maxText[res]}, or scale out instead`,
        ),
      });
    }
  }
  if (missing.length > 0) {
    report({
      message: violation(
        r.display(),
        `function sets no ${missing.join(", ")} (the platform default applies)`,
        `${missing.join(", ")} not set`,
        w.kind === "FunctionV1"
          ? `set availableMemoryMb (at most ${maxText.memory})`
          : `set serviceConfig.availableMemory and serviceConfig.availableCpu (at most memory ${maxText.memory}, cpu ${maxText.cpu})`,
      ),
    });
  }
}

export const workloadResourceLimits = workloadGate({
  meta,
  types: WORKLOAD_TYPES,
  settings,
  check(w, s: LimitSettings, report) {
    if (w.platform === "functions") return checkFunction(w, s, report);
    const r = w.r;
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

/** The `workload-health-probes` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asString, show, T } from "../../access";
import { containerGet, K8S_SERVING_TYPES, type ContainerView, type Workload } from "../../access/k8s";
import { defineMeta } from "../../engine/meta";
import { violation, type Reporter } from "../../engine/rule";
import { reportUndecided } from "../../lib/undecided";
import { containersOf, imageMatches, workloadGate } from "../../lib/workloads";

export const meta = defineMeta({
  name: "workload-health-probes",
  title: "Health probes on the configured paths",
  area: "workloads",
  kind: "resource",
  severity: "high",
  level: "mandatory",
  proves:
    "Liveness and readiness probes on every serving container, on the configured paths (default /health/live, /health/ready); Cloud Run: liveness and startup probes.",
  remediation: "Add livenessProbe.httpGet.path: /health/live and readinessProbe.httpGet.path: /health/ready to each serving container.",
  sources: [
    { seed: "000", section: "Deployment", line: "Health check endpoints (/health/live, /health/ready) verified" },
    { seed: "001", section: "Infrastructure", line: "Readiness + liveness probes configured" },
    { seed: "002", section: "8. Deployment", line: "Health and readiness probes configured" },
  ],
});

const pathSchema = z.string().regex(/^\/\S*$/, { message: 'must be an HTTP path such as "/health/live". Fix: start it with "/".' });

export const settings = z.strictObject({
  livenessPath: pathSchema.default("/health/live"),
  readinessPath: pathSchema.default("/health/ready"),
  /**
   * Images (substring match) that serve no HTTP (connection poolers, proxies): their probes must
   * exist, but may be tcpSocket/exec/grpc checks on any path.
   */
  nonHttpImages: z.array(z.string().min(1)).default(["pgbouncer", "cloud-sql-proxy", "cloudsql-proxy"]),
});

type ProbeSettings = z.infer<typeof settings>;

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

export const workloadHealthProbes = workloadGate({
  meta,
  // Cloud Run v1 services have liveness and startup probes as v2 does; Cloud Functions have no probes.
  types: [...K8S_SERVING_TYPES, T.cloudRunService, T.cloudRunV1Service],
  settings,
  check(w, s: ProbeSettings, report) {
    for (const c of containersOf(w, report, { init: false })) {
      if (!c.serving) continue; // sidecars and workers without ports serve no traffic
      const nonHttp = imageMatches(c, s.nonHttpImages);
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

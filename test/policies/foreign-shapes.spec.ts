/**
 * Our verdicts on the workload shapes that two other linters test their probe checks with:
 * kube-linter (stackrox/kube-linter, checks `no-liveness-probe` and `no-readiness-probe`: every
 * non-init container of any object with a pod spec, Jobs, CronJobs and bare Pods included, must
 * set the probe, any handler) and Polaris (FairwindsOps/polaris, checks `livenessProbeMissing` and
 * `readinessProbeMissing`: the same, with Jobs and CronJobs excluded).
 *
 * The shapes are written here in our own fixture form, after the kinds of objects those tools'
 * fixtures hold (a Deployment with no probe, one with only an exec probe, a bare Pod, ...) and the
 * cases issue #18 measured (a container without ports behind a Service, an HTTP liveness probe
 * without a readiness probe, DaemonSets, non-HTTP software). Each shape states what each tool
 * reports (liveness, readiness) and what `workload-health-probes` reports; a difference is
 * listed with its reason, and docs/workloads.md lists the same differences and the figures.
 */
import * as assert from "node:assert/strict";
import type { ResourceInput } from "../../policypack/src/access/resource";
import { T } from "../../policypack/src/access/tokens";
import { workloadHealthProbes } from "../../policypack/src/gates/workload-health-probes/gate";
import { res, run } from "../support/fixtures";

type Obj = Record<string, unknown>;
/** What a check reports about one shape: [liveness finding, readiness finding]. */
type Verdict = readonly [liveness: boolean, readiness: boolean];

interface Shape {
  readonly title: string;
  readonly stack: () => ResourceInput[];
  /** The resource the verdict is about. */
  readonly subject: string;
  readonly kubeLinter: Verdict;
  readonly polaris: Verdict;
  readonly ours: Verdict;
  /** Why our verdict differs from a tool's, when it does (by design). */
  readonly differs?: string;
}

const NS = "shop";
const HTTP = (path: string, port = 8080) => ({ httpGet: { path, port } });
const EXEC = { exec: { command: ["cat", "/tmp/healthy"] } };
const TCP = (port: number) => ({ tcpSocket: { port } });

function podTemplate(name: string, containers: Obj[], extra: Obj = {}): Obj {
  return { metadata: { labels: { app: name } }, spec: { containers, ...extra } };
}

function k8s(type: string, kind: string, apiVersion: string, name: string, spec: Obj): ResourceInput {
  return res(type, name, { apiVersion, kind, metadata: { name, namespace: NS, labels: { app: name } }, spec });
}

const deployment = (name: string, ...containers: Obj[]) => k8s(T.deployment, "Deployment", "apps/v1", name, { selector: { matchLabels: { app: name } }, template: podTemplate(name, containers) });
const statefulSet = (name: string, ...containers: Obj[]) => k8s(T.statefulSet, "StatefulSet", "apps/v1", name, { serviceName: name, selector: { matchLabels: { app: name } }, template: podTemplate(name, containers) });
const daemonSet = (name: string, ...containers: Obj[]) => k8s(T.daemonSet, "DaemonSet", "apps/v1", name, { selector: { matchLabels: { app: name } }, template: podTemplate(name, containers) });
const job = (name: string, ...containers: Obj[]) => k8s(T.job, "Job", "batch/v1", name, { template: podTemplate(name, containers, { restartPolicy: "Never" }) });
const cronJob = (name: string, ...containers: Obj[]) =>
  k8s(T.cronJob, "CronJob", "batch/v1", name, { schedule: "*/5 * * * *", jobTemplate: { spec: { template: podTemplate(name, containers, { restartPolicy: "OnFailure" }) } } });
const pod = (name: string, ...containers: Obj[]) => res("kubernetes:core/v1:Pod", name, { apiVersion: "v1", kind: "Pod", metadata: { name, namespace: NS, labels: { app: name } }, spec: { containers } });
const service = (name: string, type = "ClusterIP", targetPort: number | string = 80) =>
  res(T.k8sService, `${name}-svc`, { apiVersion: "v1", kind: "Service", metadata: { name, namespace: NS }, spec: { type, selector: { app: name }, ports: [{ port: 80, targetPort }] } });

const c = (name: string, image: string, more: Obj = {}): Obj => ({ name, image, ...more });
const LIVE = "/health/live";
const READY = "/health/ready";
const BOTH = { livenessProbe: HTTP(LIVE), readinessProbe: HTTP(READY) };

const SIDECAR_REASON = "a container without a port or a probe, not the main container of a Service's pods, is a sidecar: no traffic is routed to it";
const PATH_REASON = "we require HTTP probes on the configured paths for images not in probesByImage/nonHttpImages; the tools accept any handler";
const JOB_REASON = "Jobs and CronJobs run to completion and serve no traffic: we exempt them (as Polaris does)";

const SHAPES: readonly Shape[] = [
  // kube-linter no-liveness-probe / no-readiness-probe, Polaris livenessProbeMissing / readinessProbeMissing: a Deployment with a declared port and no probe.
  { title: "Deployment, declared port, no probes", stack: () => [deployment("api", c("api", "acme/api:1", { ports: [{ containerPort: 8080 }] }))], subject: "api", kubeLinter: [true, true], polaris: [true, true], ours: [true, true] },
  // kube-linter's firing Deployment (a container with nothing but a name); Polaris' failing Pod in Deployment form.
  {
    title: "Deployment, no ports, no probes, no Service",
    stack: () => [deployment("worker", c("worker", "acme/worker:1"))],
    subject: "worker",
    kubeLinter: [true, true],
    polaris: [true, true],
    ours: [false, false],
    differs: "nothing routes traffic to it (no port, no probe, no Service selects it): a queue worker needs no probes",
  },
  // The nginx: no `ports`, behind a LoadBalancer Service (kube-linter and Polaris fire on the container alone).
  { title: "nginx without ports behind a LoadBalancer Service", stack: () => [deployment("web", c("nginx", "nginx:1.27")), service("web", "LoadBalancer")], subject: "web", kubeLinter: [true, true], polaris: [true, true], ours: [true, true] },
  // The same nginx declaring its port.
  { title: "nginx with ports behind a LoadBalancer Service", stack: () => [deployment("web", c("nginx", "nginx:1.27", { ports: [{ containerPort: 80 }] })), service("web", "LoadBalancer")], subject: "web", kubeLinter: [true, true], polaris: [true, true], ours: [true, true] },
  // kube-linter no-readiness-probe: a container with only a liveness probe (here HTTP on our path, no ports).
  { title: "HTTP liveness probe only, no ports", stack: () => [deployment("api", c("api", "acme/api:1", { livenessProbe: HTTP(LIVE) }))], subject: "api", kubeLinter: [false, true], polaris: [false, true], ours: [false, true] },
  // kube-linter's and Polaris' passing fixtures: exec probes (cat /tmp/healthy) on a busybox-like image.
  { title: "exec liveness and readiness probes on a generic image", stack: () => [deployment("tool", c("tool", "busybox:1.36", { livenessProbe: EXEC, readinessProbe: EXEC }))], subject: "tool", kubeLinter: [false, false], polaris: [false, false], ours: [true, true], differs: PATH_REASON },
  // The same exec probes on Redis: software without an HTTP endpoint (probesByImage).
  { title: "Redis with exec probes", stack: () => [deployment("cache", c("redis", "docker.io/library/redis:7", { ports: [{ containerPort: 6379 }], livenessProbe: { exec: { command: ["redis-cli", "ping"] } }, readinessProbe: { exec: { command: ["redis-cli", "ping"] } } }))], subject: "cache", kubeLinter: [false, false], polaris: [false, false], ours: [false, false] },
  // StatefulSet form of the firing case.
  { title: "StatefulSet, declared port, no probes", stack: () => [statefulSet("db", c("db", "acme/db:1", { ports: [{ containerPort: 5000 }] }))], subject: "db", kubeLinter: [true, true], polaris: [true, true], ours: [true, true] },
  // DaemonSet form of the firing case (DaemonSets were never probe-checked before #18).
  { title: "DaemonSet, declared port, no probes", stack: () => [daemonSet("node-proxy", c("proxy", "acme/proxy:1", { ports: [{ containerPort: 9000 }] }))], subject: "node-proxy", kubeLinter: [true, true], polaris: [true, true], ours: [true, true] },
  // DaemonSet node agent with nothing routed to it.
  {
    title: "DaemonSet node agent, no ports, no probes",
    stack: () => [daemonSet("log-agent", c("agent", "acme/log-agent:1"))],
    subject: "log-agent",
    kubeLinter: [true, true],
    polaris: [true, true],
    ours: [false, false],
    differs: "a node agent with no port, no probe and no Service serves no traffic",
  },
  // Polaris excludes Job controllers; kube-linter checks them.
  { title: "Job without probes", stack: () => [job("migrate", c("migrate", "acme/migrate:1"))], subject: "migrate", kubeLinter: [true, true], polaris: [false, false], ours: [false, false], differs: JOB_REASON },
  // Polaris excludes CronJob controllers; kube-linter checks them.
  { title: "CronJob without probes", stack: () => [cronJob("cleanup", c("cleanup", "acme/cleanup:1"))], subject: "cleanup", kubeLinter: [true, true], polaris: [false, false], ours: [false, false], differs: JOB_REASON },
  // Polaris' failing fixtures are bare Pods (busybox, no probe); kube-linter checks Pods too.
  {
    title: "bare Pod with a port, no probes",
    stack: () => [pod("debug", c("debug", "busybox:1.36", { ports: [{ containerPort: 8080 }] }))],
    subject: "debug",
    kubeLinter: [true, true],
    polaris: [true, true],
    ours: [false, false],
    differs: "bare Pods are not a workload kind of the pack (no controller restarts or rolls them; workloads are Deployments, StatefulSets, DaemonSets, Rollouts)",
  },
  // Both tools skip init containers.
  {
    title: "init container without probes beside a compliant app",
    stack: () => [k8s(T.deployment, "Deployment", "apps/v1", "app", { selector: { matchLabels: { app: "app" } }, template: podTemplate("app", [c("app", "acme/app:1", { ports: [{ containerPort: 8080 }], ...BOTH })], { initContainers: [c("wait", "busybox:1.36")] }) })],
    subject: "app",
    kubeLinter: [false, false],
    polaris: [false, false],
    ours: [false, false],
  },
  // Both tools check every non-init container, sidecars included.
  {
    title: "log-shipper sidecar without probes beside a compliant app, behind a Service",
    stack: () => [deployment("app", c("app", "acme/app:1", { ports: [{ containerPort: 8080 }], ...BOTH }), c("log-shipper", "fluent/fluent-bit:3")), service("app", "ClusterIP", 8080)],
    subject: "app",
    kubeLinter: [true, true],
    polaris: [true, true],
    ours: [false, false],
    differs: SIDECAR_REASON,
  },
  // HTTP probes on other paths satisfy both tools.
  { title: "HTTP probes on /healthz", stack: () => [deployment("api", c("api", "acme/api:1", { ports: [{ containerPort: 8080 }], livenessProbe: HTTP("/healthz"), readinessProbe: HTTP("/healthz") }))], subject: "api", kubeLinter: [false, false], polaris: [false, false], ours: [true, true], differs: PATH_REASON },
  // tcpSocket probes on PostgreSQL (probesByImage: postgres).
  { title: "PostgreSQL with tcpSocket probes", stack: () => [statefulSet("pg", c("postgres", "postgres:16", { ports: [{ containerPort: 5432 }], livenessProbe: TCP(5432), readinessProbe: TCP(5432) }))], subject: "pg", kubeLinter: [false, false], polaris: [false, false], ours: [false, false] },
  // Probes on the configured paths, no ports declared.
  { title: "HTTP probes on the configured paths, no ports", stack: () => [deployment("api", c("api", "acme/api:1", BOTH))], subject: "api", kubeLinter: [false, false], polaris: [false, false], ours: [false, false] },
];

/** Our verdict on one shape: whether the gate reports the subject's liveness / readiness probe. */
function ours(shape: Shape): Verdict {
  const findings = run(workloadHealthProbes, shape.stack()).filter((f) => f.policy === "workload-health-probes" && f.name === shape.subject);
  assert.ok(findings.every((f) => f.kind === "violation"), findings.map((f) => f.message).join("\n"));
  // "has no livenessProbe" / "its livenessProbe is not ...": the probe the finding is about (not "which has a livenessProbe").
  const about = (probe: string) => findings.some((f) => f.message.includes(`has no ${probe}`) || f.message.includes(`its ${probe}`));
  return [about("livenessProbe"), about("readinessProbe")];
}

const same = (a: Verdict, b: Verdict) => a[0] === b[0] && a[1] === b[1];

describe("workload-health-probes on kube-linter's and Polaris' probe shapes", () => {
  for (const shape of SHAPES) {
    it(shape.title, () => {
      assert.deepEqual(ours(shape), shape.ours);
      const differs = !same(shape.ours, shape.kubeLinter) || !same(shape.ours, shape.polaris);
      assert.equal(shape.differs !== undefined, differs, differs ? "a difference needs its reason" : "a reason without a difference");
    });
  }

  it("figures (docs/workloads.md): 18 shapes, 36 comparisons, 22 agree, 14 differ by design", () => {
    let agree = 0;
    let differ = 0;
    for (const s of SHAPES) {
      for (const tool of [s.kubeLinter, s.polaris]) {
        if (same(s.ours, tool)) agree++;
        else differ++;
      }
    }
    assert.deepEqual({ shapes: SHAPES.length, comparisons: agree + differ, agree, differ }, { shapes: 18, comparisons: 36, agree: 22, differ: 14 });
  });
});

import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { ResourceInput } from "../../policypack/src/access/resource";
import { T } from "../../policypack/src/access/tokens";
import { secretLookingName, secretShape } from "../../policypack/src/lib/secrets";
import { iniPoolMode, pgbouncerTransactionPooling } from "../../policypack/src/gates/pgbouncer-transaction-pooling/gate";
import { workloadAutoscaling } from "../../policypack/src/gates/workload-autoscaling/gate";
import { workloadHealthProbes } from "../../policypack/src/gates/workload-health-probes/gate";
import { imageProblems, workloadImageProvenance } from "../../policypack/src/gates/workload-image-provenance/gate";
import { ormSyncProblem, workloadNoOrmSynchronize } from "../../policypack/src/gates/workload-no-orm-synchronize/gate";
import { workloadResourceLimits } from "../../policypack/src/gates/workload-resource-limits/gate";
import { workloadSecretsNotInEnv } from "../../policypack/src/gates/workload-secrets-not-in-env/gate";
import { workloadTelemetry } from "../../policypack/src/gates/workload-telemetry/gate";
import {
  childOf,
  cloudRunJob,
  cloudRunService,
  cronJob,
  daemonSet,
  database,
  deployment,
  helmChart,
  hpa,
  job,
  PEM,
  pgbouncer,
  pgbouncerIni,
  pgbouncerWithIni,
  rollout,
  statefulSet,
} from "../fixtures/k8s";
import { sqlReplica } from "../fixtures/gcp";
import { expectClean, expectNoLeak, expectOne, mutate, res, run, UNKNOWN } from "../support/fixtures";

function packConfig(env: "production" | "staging", policy: string): Record<string, unknown> {
  const all = JSON.parse(readFileSync(resolve(__dirname, `../../../policypack/config/${env}.json`), "utf8")) as Record<string, unknown>;
  assert.ok(policy in all, `${env}.json configures ${policy}`);
  return { [policy]: all[policy] };
}

const C0 = "spec.template.spec.containers.0";
const ENV = `${C0}.env`;
const RUN0 = "template.containers.0";

/** Appends env vars to the first container of a Kubernetes workload. */
function withEnv(w: ResourceInput, ...vars: Record<string, unknown>[]): ResourceInput {
  const c = (((w.props["spec"] as Record<string, unknown>)["template"] as Record<string, unknown>)["spec"] as Record<string, unknown>)["containers"] as Record<string, unknown>[];
  return mutate(w, ENV, [...((c[0]?.["env"] as unknown[]) ?? []), ...vars]);
}

/** Every kind in its compliant form, a Helm v4 chart child among them. */
function allKinds(): ResourceInput[] {
  const chart = helmChart();
  return [
    deployment(),
    statefulSet(),
    daemonSet(),
    job(),
    cronJob(),
    rollout("registration", "registration-rollout"),
    cloudRunService(),
    cloudRunJob(),
    chart,
    childOf(chart, deployment("registration", "chart-api")),
  ];
}

// ------------------------------------------------------------------------------ health probes

describe("workload-health-probes", () => {
  const P = "workload-health-probes";

  it("passes every compliant kind (Helm child and Cloud Run included); Jobs and workers without ports are exempt", () => {
    const worker = mutate(deployment("registration", "registration-worker"), `${C0}.ports`, undefined);
    const noProbesWorker = mutate(mutate(worker, `${C0}.livenessProbe`, undefined), `${C0}.readinessProbe`, undefined);
    expectClean(run(workloadHealthProbes, [...allKinds(), noProbesWorker]));
  });

  it("fails a serving container without a liveness probe", () => {
    const f = run(workloadHealthProbes, [mutate(deployment(), `${C0}.livenessProbe`, undefined)]);
    expectOne(f, { policy: P, name: "registration-api" }, "container 'app' has no livenessProbe", "/health/live", "spec.template.spec.containers[0].livenessProbe not set");
  });

  it("fails a readiness probe on another path (a Helm chart child)", () => {
    const chart = helmChart();
    const child = childOf(chart, mutate(deployment(), `${C0}.readinessProbe.httpGet.path`, "/healthz"));
    const f = run(workloadHealthProbes, [chart, child]);
    const hit = expectOne(f, { policy: P, name: child.name }, "readinessProbe does not check /health/ready", '"/healthz"');
    assert.equal(hit.service, "registration");
  });

  it("fails a probe that is not an HTTP check, or has no handler or path", () => {
    expectOne(run(workloadHealthProbes, [mutate(statefulSet(), `${C0}.livenessProbe`, { tcpSocket: { port: 8080 } })]), { policy: P }, "is not an HTTP check on /health/live", "uses tcpSocket");
    expectOne(run(workloadHealthProbes, [mutate(rollout(), `${C0}.readinessProbe`, { periodSeconds: 5 })]), { policy: P }, "has no handler");
    expectOne(run(workloadHealthProbes, [mutate(deployment(), `${C0}.livenessProbe.httpGet.path`, undefined)]), { policy: P }, "does not check /health/live", "not set");
  });

  it("accepts a query string on the configured path", () => {
    expectClean(run(workloadHealthProbes, [mutate(deployment(), `${C0}.livenessProbe.httpGet.path`, "/health/live?full=1")]));
  });

  it("exempts a sidecar without ports, but not a second serving container", () => {
    const sidecar = mutate(deployment(), "spec.template.spec.containers.1", { name: "log-shipper", image: "x" });
    expectClean(run(workloadHealthProbes, [sidecar]));
    const second = mutate(deployment(), "spec.template.spec.containers.1", { name: "admin", image: "x", ports: [{ containerPort: 9000 }] });
    const f = run(workloadHealthProbes, [second]);
    assert.equal(f.filter((x) => x.message.includes("container 'admin'")).length, 2);
  });

  it("accepts any probe handler on a non-HTTP image (PgBouncer), but still requires the probes", () => {
    const probed = pgbouncer(); // tcpSocket probes
    expectOne(run(workloadHealthProbes, [mutate(probed, `${C0}.livenessProbe`, undefined)]), { policy: "workload-health-probes", name: "registration-pgbouncer" }, "has no livenessProbe", "tcpSocket on the container's port");
    expectClean(run(workloadHealthProbes, [probed]));
    const strict = run(workloadHealthProbes, [probed], { "workload-health-probes": { nonHttpImages: ["cloud-sql-proxy"] } });
    assert.deepEqual(
      strict.map((f) => f.message.includes("is not an HTTP check") && f.message.includes("uses tcpSocket")),
      [true, true],
    );
  });

  it("honours configured paths", () => {
    const f = run(workloadHealthProbes, [deployment()], { [P]: { livenessPath: "/livez" } });
    expectOne(f, { policy: P }, "does not check /livez", '"/health/live"');
    expectOne(run(workloadHealthProbes, [deployment()], { [P]: { livenessPath: "health" } }), { policy: P, kind: "config" }, "livenessPath");
  });

  it("Cloud Run: needs a liveness probe and a startup probe on a configured path", () => {
    expectOne(run(workloadHealthProbes, [mutate(cloudRunService(), `${RUN0}.startupProbe`, undefined)]), { policy: P, name: "registration-web" }, "has no startupProbe");
    expectOne(run(workloadHealthProbes, [mutate(cloudRunService(), `${RUN0}.livenessProbe.httpGet.path`, "/")]), { policy: P }, "livenessProbe does not check /health/live");
    expectOne(run(workloadHealthProbes, [mutate(cloudRunService(), `${RUN0}.startupProbe`, { tcpSocket: { port: 8080 } })]), { policy: P }, "startupProbe is not an HTTP check on /health/ready or /health/live");
    expectClean(run(workloadHealthProbes, [mutate(cloudRunService(), `${RUN0}.startupProbe.httpGet.path`, "/health/live")]));
  });

  it("skips a Rollout that delegates to a Deployment (workloadRef)", () => {
    const r = mutate(mutate(rollout(), "spec.template", undefined), "spec.workloadRef", { kind: "Deployment", name: "registration-api" });
    expectClean(run(workloadHealthProbes, [r]));
  });

  it("reports unknown containers and probes as undecided", () => {
    expectOne(run(workloadHealthProbes, [mutate(deployment(), "spec.template.spec.containers", UNKNOWN)]), { policy: P, kind: "undecided" }, "spec.template.spec.containers");
    expectOne(run(workloadHealthProbes, [mutate(deployment(), `${C0}.livenessProbe`, UNKNOWN)]), { policy: P, kind: "undecided" }, "livenessProbe");
    expectOne(run(workloadHealthProbes, [mutate(deployment(), `${C0}.livenessProbe.httpGet.path`, UNKNOWN)]), { policy: P, kind: "undecided" }, "httpGet.path");
  });
});

// ----------------------------------------------------------------------------- resource limits

describe("workload-resource-limits", () => {
  const P = "workload-resource-limits";

  it("passes every compliant kind", () => {
    expectClean(run(workloadResourceLimits, [...allKinds(), pgbouncer()]));
  });

  it("fails an init container without a memory limit", () => {
    const f = run(workloadResourceLimits, [mutate(deployment(), "spec.template.spec.initContainers.0.resources.limits.memory", undefined)]);
    expectOne(f, { policy: P, name: "registration-api" }, "init container 'wait-for-db' has no resources.limits.memory", "initContainers[0].resources");
  });

  it("lists every missing request and limit of a container (CronJob)", () => {
    const f = run(workloadResourceLimits, [mutate(cronJob(), "spec.jobTemplate.spec.template.spec.containers.0.resources", undefined)]);
    expectOne(f, { policy: P }, "container 'migrate' has no resources.requests.cpu, resources.limits.cpu, resources.requests.memory, resources.limits.memory", "not set");
  });

  it("parses quantities: 1.5 cores equals 1500m, 8Gi is the maximum, one byte more is not", () => {
    let d = mutate(deployment(), `${C0}.resources`, { requests: { cpu: "1500m", memory: "1e3" }, limits: { cpu: "1.5", memory: "8Gi" } });
    expectClean(run(workloadResourceLimits, [d]));
    d = mutate(d, `${C0}.resources.limits.memory`, String(8 * 2 ** 30 + 1));
    expectOne(run(workloadResourceLimits, [d]), { policy: P }, "memory limit is above the pack's maximum \"8Gi\"", "8589934593", "8 GiB");
  });

  it("fails a cpu limit above the maximum and a request above its limit", () => {
    expectOne(run(workloadResourceLimits, [mutate(deployment(), `${C0}.resources.limits.cpu`, "4001m")]), { policy: P }, "cpu limit is above the pack's maximum \"4\"", '"4001m" (4.001 cores)');
    expectOne(run(workloadResourceLimits, [mutate(deployment(), `${C0}.resources.requests.cpu`, "2")]), { policy: P }, "cpu request is above its limit", 'requests.cpu "2" > limits.cpu "1"');
  });

  it("fails a quantity that is not one", () => {
    expectOne(run(workloadResourceLimits, [mutate(deployment(), `${C0}.resources.limits.memory`, "1 Gi")]), { policy: P }, "not a valid positive Kubernetes quantity", 'resources.limits.memory "1 Gi"');
    expectOne(run(workloadResourceLimits, [mutate(deployment(), `${C0}.resources.requests.cpu`, "0")]), { policy: P }, 'resources.requests.cpu "0"');
  });

  it("Cloud Run: limits set and within bounds; no requests needed", () => {
    expectOne(run(workloadResourceLimits, [mutate(cloudRunService(), `${RUN0}.resources`, undefined)]), { policy: P, name: "registration-web" }, "has no resources.limits.cpu, resources.limits.memory", "resources.limits.cpu and resources.limits.memory");
    expectOne(run(workloadResourceLimits, [mutate(cloudRunJob(), "template.template.containers.0.resources.limits.memory", "16Gi")]), { policy: P }, "memory limit is above", "16 GiB");
  });

  it("honours configured bounds, and rejects a bad one", () => {
    expectOne(run(workloadResourceLimits, [deployment()], { [P]: { maxCpuLimit: "500m" } }), { policy: P }, 'above the pack\'s maximum "500m"');
    expectOne(run(workloadResourceLimits, [deployment()], { [P]: { maxMemoryLimit: "lots" } }), { policy: P, kind: "config" }, "maxMemoryLimit");
  });

  it("reports unknown values as undecided", () => {
    expectOne(run(workloadResourceLimits, [mutate(deployment(), `${C0}.resources.limits.cpu`, UNKNOWN)]), { policy: P, kind: "undecided" }, "resources.limits.cpu");
    expectOne(run(workloadResourceLimits, [mutate(deployment(), "spec.template", UNKNOWN)]), { policy: P, kind: "undecided" }, "spec.template.spec");
  });
});

// -------------------------------------------------------------------------------- autoscaling

describe("workload-autoscaling", () => {
  const P = "workload-autoscaling";
  const d = deployment();

  it("passes a service Deployment with a compliant HPA, and a Cloud Run service with min/max instances", () => {
    expectClean(run(workloadAutoscaling, [d, hpa(d), cloudRunService()]));
  });

  it("ignores workloads that belong to no service, Jobs and DaemonSets", () => {
    const anon = deployment("registration", "tooling", { service: undefined });
    const anonRun = mutate(cloudRunService(), "labels", {});
    expectClean(run(workloadAutoscaling, [anon, anonRun, job(), daemonSet()]));
  });

  it("fails a service Deployment no HPA targets, naming the service", () => {
    const f = expectOne(run(workloadAutoscaling, [d]), { policy: P, name: "registration-api" }, "service 'registration'", "is not targeted by any HorizontalPodAutoscaler", "no HPA", 'scaleTargetRef {kind: "Deployment", name: "registration-api"}');
    assert.equal(f.service, "registration");
  });

  it("does not count an HPA in another namespace", () => {
    const f = run(workloadAutoscaling, [d, hpa(d, "other")]);
    expectOne(f, { policy: P, name: "registration-api" }, 'in namespace "other"', "an HPA scales workloads of its own namespace only");
  });

  it("finds the Deployment of a Helm chart child by its inherited service", () => {
    const chart = helmChart();
    const child = childOf(chart, deployment("registration", "chart-api"));
    const f = run(workloadAutoscaling, [chart, child]);
    assert.equal(expectOne(f, { policy: P, name: child.name }, "service 'registration'").service, "registration");
    expectClean(run(workloadAutoscaling, [chart, child, hpa(child)]));
  });

  it("finds the Deployment of a yaml/v2 ConfigGroup child by its inherited service", () => {
    const group = res(T.configGroupV2, "registration-manifests", { yaml: "kind: Deployment", metadata: { labels: { "app.kubernetes.io/part-of": "registration" } } });
    const child = childOf(group, deployment("registration", "yaml-api"));
    assert.equal(expectOne(run(workloadAutoscaling, [group, child]), { policy: P, name: child.name }, "service 'registration'").service, "registration");
    expectClean(run(workloadAutoscaling, [group, child, hpa(child)]));
  });

  it("fails minReplicas below 2 in production, and passes it with the staging config", () => {
    const one = mutate(hpa(d), "spec.minReplicas", 1);
    expectOne(run(workloadAutoscaling, [d, one], packConfig("production", P)), { policy: P }, "minReplicas 1 is below 2");
    expectClean(run(workloadAutoscaling, [d, one], packConfig("staging", P)));
    expectOne(run(workloadAutoscaling, [d, mutate(hpa(d), "spec.minReplicas", undefined)]), { policy: P }, '"1 (default)" is below 2');
  });

  it("fails maxReplicas not above minReplicas, or missing", () => {
    expectOne(run(workloadAutoscaling, [d, mutate(hpa(d), "spec.maxReplicas", 2)]), { policy: P }, "maxReplicas 2 is not above minReplicas 2");
    expectOne(run(workloadAutoscaling, [d, mutate(hpa(d), "spec.maxReplicas", undefined)]), { policy: P }, "maxReplicas not set is not a number");
  });

  it("checks the CPU target: out of bounds, missing, or the Kubernetes default", () => {
    const m = "spec.metrics.0.resource.target.averageUtilization";
    expectOne(run(workloadAutoscaling, [d, mutate(hpa(d), m, 90)]), { policy: P }, "cpu averageUtilization 90", "not within 50–80 %");
    const mem = mutate(hpa(d), "spec.metrics", [{ type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 70 } } }]);
    expectOne(run(workloadAutoscaling, [d, mem]), { policy: P }, "no cpu Resource metric");
    expectClean(run(workloadAutoscaling, [d, mutate(hpa(d), "spec.metrics", undefined)]));
    expectOne(run(workloadAutoscaling, [d, mutate(hpa(d), m, 60)], { [P]: { minCpuUtilization: 65 } }), { policy: P }, "not within 65–80 %");
    expectOne(run(workloadAutoscaling, [d], { [P]: { minCpuUtilization: 90 } }), { policy: P, kind: "config" });
  });

  it("accepts any one compliant HPA of several, and autoscaling/v1 HPAs", () => {
    expectClean(run(workloadAutoscaling, [d, mutate(hpa(d, undefined, "bad"), "spec.minReplicas", 1), hpa(d)]));
    const v1 = res(T.hpaV1, "v1", {
      metadata: { name: "v1", namespace: "registration" },
      spec: { scaleTargetRef: { kind: "Deployment", name: "registration-api" }, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 60 },
    });
    expectClean(run(workloadAutoscaling, [d, v1]));
    expectClean(run(workloadAutoscaling, [d, mutate(v1, "spec.targetCPUUtilizationPercentage", undefined)]));
    expectOne(run(workloadAutoscaling, [d, mutate(v1, "spec.targetCPUUtilizationPercentage", 95)]), { policy: P }, "95 %");
  });

  it("is undecided for a workload whose name is unknown at preview and that no HPA names", () => {
    expectOne(run(workloadAutoscaling, [mutate(d, "metadata.name", UNKNOWN)]), { policy: P, kind: "undecided" }, "its name or namespace");
  });

  it("matches Rollouts and StatefulSets by kind", () => {
    const r = rollout();
    expectClean(run(workloadAutoscaling, [r, hpa(r)]));
    const s = statefulSet();
    expectOne(run(workloadAutoscaling, [s, hpa(d)]), { policy: P, name: "registration-worker" }, "StatefulSet");
  });

  it("settles an HPA target unknown at preview through its dependency, else reports undecided", () => {
    const unknownTarget = mutate(hpa(d), "spec.scaleTargetRef.name", UNKNOWN);
    expectClean(run(workloadAutoscaling, [d, { ...unknownTarget, dependencies: [d.urn], propertyDependencies: { spec: [d.urn] } }]));
    expectOne(run(workloadAutoscaling, [d, unknownTarget]), { policy: P, kind: "undecided" }, "scaleTargetRef");
    expectOne(run(workloadAutoscaling, [d, mutate(hpa(d), "metadata.namespace", UNKNOWN)]), { policy: P, kind: "undecided" });
    expectOne(run(workloadAutoscaling, [d, mutate(hpa(d), "spec.minReplicas", UNKNOWN)]), { policy: P, kind: "undecided" }, "spec.minReplicas");
  });

  it("Cloud Run: min and max instances set, min ≥ configured, max above min, not manual", () => {
    const s = cloudRunService();
    expectOne(run(workloadAutoscaling, [mutate(s, "template.scaling.minInstanceCount", undefined)]), { policy: P, name: "registration-web" }, "service 'registration'", "not set (Cloud Run default 0)");
    expectOne(run(workloadAutoscaling, [mutate(s, "template.scaling.maxInstanceCount", undefined)]), { policy: P }, "maxInstanceCount) is not set");
    expectOne(run(workloadAutoscaling, [mutate(s, "template.scaling.maxInstanceCount", 2)]), { policy: P }, "max instances 2 is not above min instances 2");
    expectOne(run(workloadAutoscaling, [mutate(s, "scaling", { scalingMode: "MANUAL", manualInstanceCount: 3 })]), { policy: P }, '"MANUAL"');
    const serviceLevel = mutate(mutate(s, "template.scaling", { maxInstanceCount: 10 }), "scaling", { minInstanceCount: 2 });
    expectClean(run(workloadAutoscaling, [serviceLevel]));
    expectOne(run(workloadAutoscaling, [mutate(s, "template.scaling.minInstanceCount", 1)]), { policy: P }, "template.scaling.minInstanceCount 1 is below 2");
    expectClean(run(workloadAutoscaling, [mutate(s, "template.scaling.minInstanceCount", 1)], packConfig("staging", P)));
    expectOne(run(workloadAutoscaling, [mutate(s, "template.scaling", UNKNOWN)]), { policy: P, kind: "undecided" });
    expectOne(run(workloadAutoscaling, [mutate(s, "template.scaling.minInstanceCount", UNKNOWN)]), { policy: P, kind: "undecided" }, "minInstanceCount");
  });
});

// --------------------------------------------------------------------------- secrets not in env

describe("workload-secrets-not-in-env", () => {
  const P = "workload-secrets-not-in-env";

  it("passes every compliant kind (secrets mounted by the CSI driver / Cloud Run secret volumes)", () => {
    expectClean(run(workloadSecretsNotInEnv, allKinds()));
  });

  it("catches a PEM key under an innocent name without echoing it", () => {
    const f = run(workloadSecretsNotInEnv, [withEnv(deployment(), { name: "GREETING", value: PEM })]);
    expectOne(f, { policy: P, name: "registration-api" }, "env GREETING holds a literal value shaped like a PEM private key", "a literal value (not shown)");
    expectNoLeak(f, PEM);
    for (const line of PEM.split("\n")) if (!line.startsWith("-----")) expectNoLeak(f, line);
  });

  it("catches a literal value under a secret-looking name, never echoing it", () => {
    const f = run(workloadSecretsNotInEnv, [withEnv(deployment(), { name: "DB_PASSWORD", value: "correct horse battery" })]);
    expectOne(f, { policy: P }, "env DB_PASSWORD has a secret-looking name and holds a literal value");
    expectNoLeak(f, "correct horse battery");
  });

  it("leaves references and settings with secret-looking names alone", () => {
    const refs = withEnv(
      deployment(),
      { name: "JWT_SECRET_PATH", value: "/var/secrets/jwt" },
      { name: "TOKEN_TTL", value: "3600" },
      { name: "SECRET_NAME", value: "projects/acme/secrets/db" },
      { name: "API_KEY", value: "projects/acme/secrets/api-key/versions/latest" },
      { name: "DB_PASSWORD", value: "$(DB_PASSWORD_FROM_FILE)" },
      { name: "PWD", value: "/app" },
      { name: "AUTH_TOKEN", value: "" },
      { name: "DATABASE_URL", value: "postgres://app:$(DB_PASSWORD)@127.0.0.1:6432/app" },
    );
    expectClean(run(workloadSecretsNotInEnv, [refs]));
  });

  it("catches connection strings with a password and other shapes, in init containers too", () => {
    const d = mutate(deployment(), "spec.template.spec.initContainers.0.env", [{ name: "DATABASE_URL", value: "postgres://app:s3cr3t-pass@10.0.0.5:5432/app" }]);
    const f = run(workloadSecretsNotInEnv, [d]);
    expectOne(f, { policy: P }, "init container 'wait-for-db': env DATABASE_URL holds a literal value shaped like a connection string with an embedded password");
    expectNoLeak(f, "s3cr3t-pass");
  });

  it("strict mode (production): no Secret through env; staging allows secretKeyRef", () => {
    const d = withEnv(deployment(), { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } });
    expectOne(run(workloadSecretsNotInEnv, [d]), { policy: P }, "env DB_PASSWORD delivers a secret through the environment (strict mode)", 'Kubernetes Secret "db" key "password"', "secrets-store.csi.k8s.io");
    expectClean(run(workloadSecretsNotInEnv, [d], packConfig("staging", P)));
    expectOne(run(workloadSecretsNotInEnv, [d], packConfig("production", P)), { policy: P }, "strict mode");
  });

  it("strict mode: no envFrom secretRef, no Kubernetes Secret volumes", () => {
    const from = mutate(deployment(), `${C0}.envFrom`, [{ configMapRef: { name: "cfg" } }, { secretRef: { name: "all-secrets" } }]);
    expectOne(run(workloadSecretsNotInEnv, [from]), { policy: P }, "envFrom loads a whole Kubernetes Secret", '"all-secrets"');
    expectClean(run(workloadSecretsNotInEnv, [from], { [P]: { strict: false } }));
    const vol = mutate(deployment(), "spec.template.spec.volumes.1", { name: "tls", secret: { secretName: "api-tls" } });
    expectOne(run(workloadSecretsNotInEnv, [vol]), { policy: P }, 'volume "tls" mounts a Kubernetes Secret', 'secret.secretName "api-tls"');
    const projected = mutate(deployment(), "spec.template.spec.volumes.1", { name: "p", projected: { sources: [{ secret: { name: "x" } }, { serviceAccountToken: { path: "t" } }] } });
    expectOne(run(workloadSecretsNotInEnv, [projected]), { policy: P }, "a projected secret source");
    const token = mutate(deployment(), "spec.template.spec.volumes.1", { name: "t", projected: { sources: [{ serviceAccountToken: { path: "t" } }] } });
    expectClean(run(workloadSecretsNotInEnv, [token]));
  });

  it("Cloud Run: strict mode forbids valueSource.secretKeyRef; secret volumes are fine", () => {
    const s = mutate(cloudRunService(), `${RUN0}.envs.2`, { name: "DB_PASSWORD", valueSource: { secretKeyRef: { secret: "db-password", version: "latest" } } });
    expectOne(run(workloadSecretsNotInEnv, [s]), { policy: P, name: "registration-web" }, 'Secret Manager secret "db-password" version "latest"', "template.volumes[]");
    expectClean(run(workloadSecretsNotInEnv, [s], packConfig("staging", P)));
    const lit = mutate(cloudRunJob(), "template.template.containers.0.envs.1", { name: "STRIPE_KEY", value: `sk_live_${"a1B2c3D4".repeat(4)}` });
    expectOne(run(workloadSecretsNotInEnv, [lit]), { policy: P }, "env STRIPE_KEY holds a literal value shaped like an access token");
  });

  it("a value computed at apply: secret-looking name → violation; settled by dependencies; else undecided", () => {
    const byName = withEnv(deployment(), { name: "DB_PASSWORD", value: UNKNOWN });
    expectOne(run(workloadSecretsNotInEnv, [byName]), { policy: P }, "env DB_PASSWORD is set to a literal value computed at apply", "secret-looking name");
    const host = withEnv(deployment(), { name: "DB_HOST", value: UNKNOWN });
    expectOne(run(workloadSecretsNotInEnv, [host]), { policy: P, kind: "undecided" }, "the value of env DB_HOST");
    const sql = res(T.sqlInstance, "db", {});
    expectClean(run(workloadSecretsNotInEnv, [{ ...host, dependencies: [sql.urn], propertyDependencies: { spec: [sql.urn] } }]));
    const pw = "urn:pulumi:prod::readiness::random:index/randomPassword:RandomPassword::db-pw";
    const f = run(workloadSecretsNotInEnv, [{ ...host, dependencies: [pw], propertyDependencies: { spec: [pw] } }]);
    expectOne(f, { policy: P }, "env DB_HOST is set to a literal value computed at apply from a random:index/randomPassword:RandomPassword output");
  });

  it("allowNames exempts a name from name matching, never from value shapes", () => {
    const d = withEnv(deployment(), { name: "SESSION_TOKEN", value: "not-really-secret" }, { name: "PUBLIC_TOKEN", value: PEM });
    const f = run(workloadSecretsNotInEnv, [d], { [P]: { allowNames: ["session_token", "PUBLIC_TOKEN"] } });
    expectOne(f, { policy: P }, "env PUBLIC_TOKEN holds a literal value shaped like a PEM private key");
  });

  it("reports unknown env lists, envFrom and volumes as undecided", () => {
    expectOne(run(workloadSecretsNotInEnv, [mutate(deployment(), ENV, UNKNOWN)]), { policy: P, kind: "undecided" }, "containers[0].env");
    expectOne(run(workloadSecretsNotInEnv, [mutate(deployment(), `${C0}.envFrom`, UNKNOWN)]), { policy: P, kind: "undecided" }, "envFrom");
    expectOne(run(workloadSecretsNotInEnv, [mutate(deployment(), `${C0}.envFrom`, [{ secretRef: UNKNOWN }])]), { policy: P, kind: "undecided" }, "envFrom[0]");
    expectOne(run(workloadSecretsNotInEnv, [mutate(deployment(), "spec.template.spec.volumes", UNKNOWN)]), { policy: P, kind: "undecided" }, "volumes");
    expectOne(run(workloadSecretsNotInEnv, [mutate(deployment(), "spec.template.spec.volumes.0.csi.driver", UNKNOWN)]), { policy: P, kind: "undecided" }, "volumes[0]");
  });

  it("recognises secret-looking names", () => {
    for (const n of ["DB_PASSWORD", "SMTP_PASS", "JWT_SECRET", "GITHUB_TOKEN", "STRIPE_API_KEY", "APIKEY", "GCP_CREDENTIALS", "PRIVATE_KEY", "aws_secret_access_key", "client-secret", "ENCRYPTION_KEY"]) {
      assert.ok(secretLookingName(n), n);
    }
    for (const n of ["PWD", "OLDPWD", "BYPASS_CACHE", "TOKEN_URL", "DB_PASSWORD_FILE", "SECRET_NAME", "ACCESS_KEY_ID", "CACHE_KEY", "GREETING", "KEYCLOAK_URL", "NODE_ENV"]) {
      assert.ok(!secretLookingName(n), n);
    }
  });

  it("recognises secret-shaped values (and not ordinary ones)", () => {
    const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${"dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk"}`;
    const cases: [string, string | undefined][] = [
      [PEM, "a PEM private key"],
      ["-----BEGIN RSA PRIVATE KEY-----\nabc", "a PEM private key"],
      ['{"type": "service_account", "project_id": "p"}', "a Google service-account key"],
      ['{"private_key": "x", "client_email": "a@b"}', "a Google service-account key"],
      [jwt, "a JSON Web Token"],
      ["AKIAIOSFODNN7EXAMPLE", "an AWS access key"],
      [`AIza${"Sy".repeat(17)}A`, "a Google API key"],
      [`ghp_${"a".repeat(36)}`, "an access token"],
      ["xoxb-1234567890-abcdef", "an access token"],
      ["mysql://root:pw@db:3306/x", "a connection string with an embedded password"],
      ["host=db user=app password=hunter2 dbname=x", "a connection string with an embedded password"],
      ["jdbc:postgresql://db/x?user=app&password=hunter2", "a connection string with an embedded password"],
      ["postgres://app:${DB_PASSWORD}@db/x", undefined],
      ["postgres://app:****@db/x", undefined],
      ["host=db password=$(DB_PASSWORD)", undefined],
      ["PO/F2PUfA6hsBhVdltwSIrb3Fds3oz6eq1iqsfQ+M74=", "a long high-entropy string (a likely key or token)"],
      ["ThisIsALongCamelCaseIdentifierName123", undefined],
      ["eu-west1_PROD_2024_release_candidate_A1B2", undefined],
      ["Zq3k9LmP2xV8nR5tY7wB1cD4fG6hJ0sA", "a long high-entropy string (a likely key or token)"],
      ["0123456789abcdef0123456789abcdef01234567", undefined],
      ["6f1c2a8e-4b7d-4e2a-9c3f-1d2e3f4a5b6c", undefined],
      ["https://otel-collector.observability:4317", undefined],
      ["MyServiceAccountNameForProduction2024", undefined],
      ["production", undefined],
    ];
    for (const [v, want] of cases) assert.equal(secretShape(v), want, v.slice(0, 30));
  });
});

// ------------------------------------------------------------------------- no ORM synchronize

describe("workload-no-orm-synchronize", () => {
  const P = "workload-no-orm-synchronize";

  it("passes every compliant kind (TYPEORM_SYNCHRONIZE=false)", () => {
    expectClean(run(workloadNoOrmSynchronize, allKinds()));
  });

  it("fails TYPEORM_SYNCHRONIZE=true", () => {
    const f = run(workloadNoOrmSynchronize, [mutate(deployment(), `${ENV}.3.value`, "true")]);
    expectOne(f, { policy: P, name: "registration-api" }, "env TYPEORM_SYNCHRONIZE turns ORM schema synchronisation on", 'TYPEORM_SYNCHRONIZE="true"', "migrations");
  });

  it("fails other ORMs' switches, in Jobs and Cloud Run too", () => {
    expectOne(run(workloadNoOrmSynchronize, [mutate(job(), ENV, [{ name: "SEQUELIZE_SYNC", value: "yes" }])]), { policy: P }, "SEQUELIZE_SYNC");
    expectOne(run(workloadNoOrmSynchronize, [withEnv(deployment(), { name: "SPRING_JPA_HIBERNATE_DDL_AUTO", value: "update" })]), { policy: P }, "lets Hibernate change the schema");
    expectOne(run(workloadNoOrmSynchronize, [mutate(cloudRunService(), `${RUN0}.envs.2`, { name: "DB_SYNCHRONIZE", value: "1" })]), { policy: P, name: "registration-web" }, "DB_SYNCHRONIZE");
  });

  it("reports a switch whose value it cannot read as undecided", () => {
    expectOne(run(workloadNoOrmSynchronize, [mutate(deployment(), `${ENV}.3.value`, UNKNOWN)]), { policy: P, kind: "undecided" }, "TYPEORM_SYNCHRONIZE");
    const cm = mutate(mutate(deployment(), `${ENV}.3.value`, undefined), `${ENV}.3.valueFrom`, { configMapKeyRef: { name: "orm", key: "sync" } });
    expectOne(run(workloadNoOrmSynchronize, [cm]), { policy: P, kind: "undecided" }, 'ConfigMap "orm" key "sync"');
    const sec = mutate(mutate(deployment(), `${ENV}.3.value`, undefined), `${ENV}.3.valueFrom`, { secretKeyRef: { name: "orm", key: "sync" } });
    expectOne(run(workloadNoOrmSynchronize, [sec]), { policy: P, kind: "undecided" }, 'Secret "orm"');
    expectOne(run(workloadNoOrmSynchronize, [mutate(deployment(), ENV, UNKNOWN)]), { policy: P, kind: "undecided" });
    expectClean(run(workloadNoOrmSynchronize, [withEnv(deployment(), { name: "DB_SYNC", valueFrom: { fieldRef: { fieldPath: "x" } } })]));
  });

  it("knows which names and values turn synchronisation on", () => {
    assert.equal(ormSyncProblem("typeorm_synchronize", "TRUE"), "turns ORM schema synchronisation on");
    assert.equal(ormSyncProblem("SYNCHRONIZE", "on"), "turns ORM schema synchronisation on");
    assert.equal(ormSyncProblem("APP_DATABASE_SYNC", "y"), "turns ORM schema synchronisation on");
    assert.equal(ormSyncProblem("HBM2DDL_AUTO", "create-drop"), "lets Hibernate change the schema at start-up");
    assert.equal(ormSyncProblem("HIBERNATE_DDL_AUTO", "validate"), undefined);
    assert.equal(ormSyncProblem("DB_SYNCHRONIZE", "false"), undefined);
    assert.equal(ormSyncProblem("DATA_SYNC", "true"), undefined);
    assert.equal(ormSyncProblem("DB_SYNC_INTERVAL", "1"), undefined);
  });
});

// --------------------------------------------------------------------------- image provenance

describe("workload-image-provenance", () => {
  const P = "workload-image-provenance";

  it("passes every compliant kind", () => {
    expectClean(run(workloadImageProvenance, allKinds()));
  });

  it("fails a Docker Hub image by tag", () => {
    const f = run(workloadImageProvenance, [mutate(deployment(), `${C0}.image`, "postgres:15")]);
    expectOne(f, { policy: P, name: "registration-api" }, "does not come from Artifact Registry", "docker.io (implicit)", "not pinned by digest", '"postgres:15"');
  });

  it("fails an Artifact Registry image by tag, and an init container's image from gcr.io", () => {
    expectOne(run(workloadImageProvenance, [mutate(deployment(), `${C0}.image`, "europe-west1-docker.pkg.dev/acme-prod/services/api:1.2.3")]), { policy: P }, "not pinned by digest");
    const gcr = mutate(deployment(), "spec.template.spec.initContainers.0.image", `gcr.io/acme/tools@sha256:${"a".repeat(64)}`);
    const f = expectOne(run(workloadImageProvenance, [gcr]), { policy: P }, "init container 'wait-for-db'", 'registry "gcr.io"');
    assert.ok(!f.message.includes("not pinned"));
  });

  it("fails a repository outside the approved prefixes", () => {
    expectOne(run(workloadImageProvenance, [mutate(cloudRunService(), `${RUN0}.image`, `us-docker.pkg.dev/acme-prod/services/web@sha256:${"b".repeat(64)}`)]), { policy: P, name: "registration-web" }, "not an approved one");
    const cfg = { [P]: { approvedRegistries: ["europe-west1-docker.pkg.dev/acme-prod/services/"] } };
    expectClean(run(workloadImageProvenance, [deployment()], cfg));
    const other = mutate(deployment(), `${C0}.image`, `europe-west1-docker.pkg.dev/acme-prod-evil/services/api@sha256:${"c".repeat(64)}`);
    expectOne(run(workloadImageProvenance, [other], cfg), { policy: P }, '"europe-west1-docker.pkg.dev/acme-prod/services/"');
    expectOne(run(workloadImageProvenance, [deployment()], { [P]: { approvedRegistries: ["docker.io/"] } }), { policy: P, kind: "config" }, "approvedRegistries");
  });

  it("reports an image unknown at preview as undecided, and a missing one as a violation", () => {
    expectOne(run(workloadImageProvenance, [mutate(deployment(), `${C0}.image`, UNKNOWN)]), { policy: P, kind: "undecided" }, "the image of container 'app'");
    expectOne(run(workloadImageProvenance, [mutate(deployment(), `${C0}.image`, undefined)]), { policy: P }, "names no image");
  });

  it("explains each problem of an image reference", () => {
    assert.deepEqual(imageProblems(`europe-west1-docker.pkg.dev/p/r/i@sha256:${"d".repeat(64)}`, ["europe-west1-docker.pkg.dev/"]), []);
    assert.equal(imageProblems(`europe-west1-docker.pkg.dev/p/r/i:v1@sha256:${"d".repeat(64)}`, ["europe-west1-docker.pkg.dev/"]).length, 0);
    assert.equal(imageProblems("nginx", ["europe-west1-docker.pkg.dev/"]).length, 2);
    assert.match(imageProblems("localhost:5000/x@sha256:abc", ["europe-west1-docker.pkg.dev/"])[0] as string, /"localhost:5000"/);
  });
});

// ---------------------------------------------------------------------------------- telemetry

describe("workload-telemetry", () => {
  const P = "workload-telemetry";

  it("passes every compliant kind; Jobs, sidecars without ports and PgBouncer are exempt", () => {
    const sidecar = mutate(deployment(), "spec.template.spec.containers.1", { name: "log-shipper", image: "x" });
    const noOtelJob = mutate(job(), ENV, []);
    expectClean(run(workloadTelemetry, [...allKinds(), sidecar, noOtelJob, pgbouncer()]));
  });

  it("fails a serving container without a service name", () => {
    const f = run(workloadTelemetry, [mutate(deployment(), `${ENV}.0`, { name: "LOG_LEVEL", value: "info" })]);
    expectOne(f, { policy: P, name: "registration-api" }, "container 'app' is not instrumented with OpenTelemetry", "no service name (OTEL_SERVICE_NAME");
  });

  it("accepts service.name in OTEL_RESOURCE_ATTRIBUTES, and a service name from the downward API", () => {
    expectClean(run(workloadTelemetry, [mutate(deployment(), `${ENV}.0`, { name: "OTEL_RESOURCE_ATTRIBUTES", value: "deployment.environment=prod,service.name=registration" })]));
    expectOne(run(workloadTelemetry, [mutate(deployment(), `${ENV}.0`, { name: "OTEL_RESOURCE_ATTRIBUTES", value: "deployment.environment=prod" })]), { policy: P }, "no service name");
    expectClean(run(workloadTelemetry, [mutate(deployment(), `${ENV}.0`, { name: "OTEL_SERVICE_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } })]));
    expectClean(run(workloadTelemetry, [mutate(deployment(), `${ENV}.0`, { name: "OTEL_RESOURCE_ATTRIBUTES", valueFrom: { configMapKeyRef: { name: "otel", key: "attrs" } } })]));
  });

  it("fails a missing exporter endpoint, a disabled SDK and a none exporter", () => {
    expectOne(run(workloadTelemetry, [mutate(deployment(), `${ENV}.1.value`, " ")]), { policy: P }, "no exporter endpoint");
    expectClean(run(workloadTelemetry, [mutate(deployment(), `${ENV}.1.name`, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")]));
    expectOne(run(workloadTelemetry, [withEnv(deployment(), { name: "OTEL_SDK_DISABLED", value: "true" })]), { policy: P }, "OTEL_SDK_DISABLED=true");
    expectOne(run(workloadTelemetry, [withEnv(deployment(), { name: "OTEL_TRACES_EXPORTER", value: "none" })]), { policy: P }, 'OTEL_TRACES_EXPORTER="none"');
  });

  it("Cloud Run services are checked; settings exempt images", () => {
    const s = mutate(cloudRunService(), `${RUN0}.envs`, []);
    expectOne(run(workloadTelemetry, [s]), { policy: P, name: "registration-web" }, "no service name", "no exporter endpoint");
    expectClean(run(workloadTelemetry, [s], { [P]: { exemptImages: ["registration-web"] } }));
  });

  it("is undecided when env is unknown or may come from a ConfigMap", () => {
    expectOne(run(workloadTelemetry, [mutate(deployment(), ENV, UNKNOWN)]), { policy: P, kind: "undecided" });
    const from = mutate(mutate(deployment(), ENV, []), `${C0}.envFrom`, [{ configMapRef: { name: "otel-env" } }]);
    expectOne(run(workloadTelemetry, [from]), { policy: P, kind: "undecided" }, 'configMap "otel-env"');
    const fromDisabled = mutate(withEnv(deployment(), { name: "OTEL_SDK_DISABLED", value: "true" }), `${C0}.envFrom`, [{ configMapRef: { name: "otel-env" } }]);
    expectOne(run(workloadTelemetry, [fromDisabled]), { policy: P }, "OTEL_SDK_DISABLED=true");
  });
});

// ------------------------------------------------------------------ pgbouncer transaction pooling

describe("pgbouncer-transaction-pooling", () => {
  const P = "pgbouncer-transaction-pooling";
  const db = database();

  it("passes a service database fronted by PgBouncer in transaction mode (env, or a mounted pgbouncer.ini)", () => {
    expectClean(run(pgbouncerTransactionPooling, [db, pgbouncer()]));
    expectClean(run(pgbouncerTransactionPooling, [db, pgbouncerIni(), pgbouncerWithIni()]));
    expectClean(run(pgbouncerTransactionPooling, [db, mutate(pgbouncer(), `${ENV}.0.name`, "PGBOUNCER_POOL_MODE")]));
  });

  it("passes a PgBouncer that is a Helm chart child of the service", () => {
    const chart = helmChart();
    expectClean(run(pgbouncerTransactionPooling, [db, chart, childOf(chart, pgbouncer())]));
  });

  it("fails a service database with no PgBouncer, naming the service", () => {
    const f = expectOne(run(pgbouncerTransactionPooling, [db, deployment()]), { policy: P, name: "registration-db" }, "Postgres instance of service 'registration' is not fronted by a PgBouncer workload", "no workload of service 'registration' runs a pgbouncer image");
    assert.equal(f.service, "registration");
  });

  it("does not count another service's PgBouncer", () => {
    expectOne(run(pgbouncerTransactionPooling, [db, pgbouncer("maintenance")]), { policy: P, name: "registration-db" }, "not fronted");
  });

  it("fails session pooling (env and pgbouncer.ini), and a per-database override", () => {
    expectOne(run(pgbouncerTransactionPooling, [db, mutate(pgbouncer(), `${ENV}.0.value`, "session")]), { policy: P }, "does not pool in transaction mode", 'env POOL_MODE="session"');
    expectOne(run(pgbouncerTransactionPooling, [db, pgbouncerIni("registration", "session"), pgbouncerWithIni()]), { policy: P }, "pgbouncer.ini pool_mode=session");
    const ini = mutate(pgbouncerIni(), "data", { "pgbouncer.ini": "[databases]\napp = host=db pool_mode=session\n[pgbouncer]\npool_mode = transaction\n" });
    expectOne(run(pgbouncerTransactionPooling, [db, ini, pgbouncerWithIni()]), { policy: P }, "overrides pool_mode=session");
    expectOne(run(pgbouncerTransactionPooling, [db, mutate(pgbouncerIni(), "data", { "other.ini": "x" }), pgbouncerWithIni()]), { policy: P }, "without pgbouncer.ini");
    expectOne(run(pgbouncerTransactionPooling, [db, pgbouncerWithIni()]), { policy: P }, "(not in the stack)");
    expectOne(run(pgbouncerTransactionPooling, [db, mutate(pgbouncer(), ENV, [])]), { policy: P }, "PgBouncer defaults to session");
  });

  it("reads ConfigMaps through projected volumes", () => {
    const d = mutate(pgbouncerWithIni(), "spec.template.spec.volumes.0", { name: "config", projected: { sources: [{ configMap: { name: "registration-pgbouncer-ini" } }] } });
    expectClean(run(pgbouncerTransactionPooling, [db, pgbouncerIni(), d]));
  });

  it("ignores replicas and non-Postgres instances; a database without a service accepts any PgBouncer of the stack", () => {
    expectClean(run(pgbouncerTransactionPooling, [db, sqlReplica(db), pgbouncer()]));
    expectClean(run(pgbouncerTransactionPooling, [mutate(database(), "databaseVersion", "MYSQL_8_0")]));
    const anon = mutate(database(), "settings.userLabels", {});
    expectClean(run(pgbouncerTransactionPooling, [anon, pgbouncer("maintenance")]));
    expectOne(run(pgbouncerTransactionPooling, [anon]), { policy: P }, "Postgres instance of the stack is not fronted");
  });

  it("reports pool modes it cannot read as undecided", () => {
    expectOne(run(pgbouncerTransactionPooling, [db, mutate(pgbouncer(), `${ENV}.0.value`, UNKNOWN)]), { policy: P, kind: "undecided" }, "the value of env POOL_MODE");
    expectOne(run(pgbouncerTransactionPooling, [db, mutate(pgbouncer(), ENV, UNKNOWN)]), { policy: P, kind: "undecided" });
    const ref = mutate(pgbouncer(), `${ENV}.0`, { name: "POOL_MODE", valueFrom: { configMapKeyRef: { name: "pgb", key: "mode" } } });
    expectOne(run(pgbouncerTransactionPooling, [db, ref]), { policy: P, kind: "undecided" }, "configMap reference");
    expectOne(run(pgbouncerTransactionPooling, [db, mutate(pgbouncerIni(), "data", UNKNOWN), pgbouncerWithIni()]), { policy: P, kind: "undecided" }, "pgbouncer.ini");
    expectOne(run(pgbouncerTransactionPooling, [db, mutate(pgbouncerWithIni(), "spec.template.spec.volumes", UNKNOWN)]), { policy: P, kind: "undecided" });
  });

  it("parses pgbouncer.ini", () => {
    assert.deepEqual(iniPoolMode("[pgbouncer]\n  pool_mode=Transaction\n"), { global: "transaction", overrides: [] });
    assert.deepEqual(iniPoolMode("pool_mode = transaction\n[pgbouncer]\n# pool_mode = transaction\n"), { global: undefined, overrides: [] });
    assert.deepEqual(iniPoolMode("[users]\nbob = pool_mode=statement\r\n[pgbouncer]\npool_mode = session\npool_mode = transaction"), { global: "transaction", overrides: ["statement"] });
  });
});

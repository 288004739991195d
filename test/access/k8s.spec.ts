import * as assert from "node:assert/strict";
import { displayPath, formatQuantity, parseQuantity, Workload } from "../../policypack/src/access/k8s";
import { ResourceView } from "../../policypack/src/access/resource";
import { T } from "../../policypack/src/access/tokens";
import { mutate, res, UNKNOWN } from "../support/fixtures";
import { cloudRunJob, cloudRunService, cronJob, daemonSet, deployment, job, rollout, statefulSet } from "../fixtures/k8s";
import type { ResourceInput } from "../../policypack/src/access/resource";
import { cloudRunV1Service, functionV1, functionV2 } from "../fixtures/gcp-workloads";

function w(input: ResourceInput): Workload {
  const x = Workload.of(new ResourceView(input));
  assert.ok(x, `${input.type} is a workload`);
  return x;
}

describe("access/k8s: parseQuantity", () => {
  const cases: [unknown, number | undefined][] = [
    ["500m", 0.5],
    ["1.5", 1.5],
    ["2", 2],
    ["512Mi", 512 * 2 ** 20],
    ["1G", 1e9],
    ["1Gi", 2 ** 30],
    ["1e3", 1000],
    ["1E3", 1000],
    ["1E", 1e18],
    ["2k", 2000],
    [".5", 0.5],
    ["5.", 5],
    ["+1", 1],
    ["-1", -1],
    ["100u", 1e-4],
    [3, 3],
    ["", undefined],
    ["abc", undefined],
    ["1.2.3", undefined],
    ["Mi", undefined],
    ["1 Gi", undefined],
    [" 1", undefined],
    ["1ki", undefined],
    ["1K", undefined],
    ["1KB", undefined],
    ["1e", undefined],
    ["1e309", undefined],
    [Infinity, undefined],
    [NaN, undefined],
    [null, undefined],
    [undefined, undefined],
    [{}, undefined],
    [UNKNOWN, undefined],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input) ?? String(input)} → ${want}`, () => {
      const got = parseQuantity(input);
      if (want === undefined) assert.equal(got, undefined);
      else assert.ok(got !== undefined && Math.abs(got - want) < 1e-12 * Math.max(1, Math.abs(want)), `got ${got}`);
    });
  }
  it("formats cpu and memory for messages", () => {
    assert.equal(formatQuantity(0.5, "cpu"), "0.5 cores");
    assert.equal(formatQuantity(2 ** 31, "memory"), "2 GiB");
    assert.equal(formatQuantity(512 * 2 ** 20, "memory"), "512 MiB");
  });
  it("renders display paths", () => {
    assert.equal(displayPath(["spec", "template", "spec", "containers", 0, "env", 2]), "spec.template.spec.containers[0].env[2]");
    assert.equal(displayPath([0]), "[0]");
  });
});

describe("access/k8s: Workload", () => {
  it("is undefined for a non-workload type", () => {
    assert.equal(Workload.of(new ResourceView(res(T.configMap, "cm", {}))), undefined);
  });

  const kinds: [string, ResourceInput, string, boolean][] = [
    ["Deployment", deployment(), "spec.template.spec", true],
    ["StatefulSet", statefulSet(), "spec.template.spec", true],
    ["DaemonSet", daemonSet(), "spec.template.spec", false],
    ["Job", job(), "spec.template.spec", false],
    ["CronJob", cronJob(), "spec.jobTemplate.spec.template.spec", false],
    ["Rollout", rollout(), "spec.template.spec", true],
    ["CloudRunService", cloudRunService(), "template", true],
    ["CloudRunJob", cloudRunJob(), "template.template", false],
  ];
  for (const [kind, input, path, serving] of kinds) {
    it(`finds the pod template of a ${kind} at ${path}`, () => {
      const x = w(input);
      assert.equal(x.kind, kind);
      assert.equal(x.podSpecPath, path);
      assert.equal(x.serving, serving);
      assert.equal(x.podSpec().kind, "known");
      const cs = x.containers();
      assert.equal(cs.unknown, undefined);
      assert.ok(cs.list.length >= 1);
      assert.ok(cs.list[0]?.path.startsWith(`${path}.containers[0]`));
      assert.ok(x.env(cs.list[0]!).list.length >= 1);
    });
  }

  it("lists init containers and native sidecars apart, and only serving containers as serving", () => {
    const d = mutate(deployment(), "spec.template.spec.initContainers.1", { name: "proxy", image: "x", restartPolicy: "Always" });
    const cs = w(d).containers().list;
    assert.deepEqual(
      cs.map((c) => [c.label, c.init, c.sidecar, c.serving]),
      [
        ["container 'app'", false, false, true],
        ["init container 'wait-for-db'", true, false, false],
        ["sidecar container 'proxy'", true, true, false],
      ],
    );
    assert.equal(w(d).containers({ init: false }).list.length, 1);
  });

  it("treats the single Cloud Run container as the ingress container even without ports", () => {
    const s = mutate(cloudRunService(), "template.containers.0.ports", undefined);
    assert.equal(w(s).containers().list[0]?.serving, true);
    const two = mutate(s, "template.containers.1", { name: "sidecar", image: "x" });
    assert.deepEqual(
      w(two).containers().list.map((c) => c.serving),
      [false, false],
    );
  });

  it("reports unknown pod specs, container lists and containers", () => {
    assert.equal(w(mutate(deployment(), "spec.template", UNKNOWN)).containers().unknown, "spec.template.spec");
    assert.equal(w(mutate(deployment(), "spec.template.spec.containers", UNKNOWN)).containers().unknown, "spec.template.spec.containers");
    const one = w(mutate(deployment(), "spec.template.spec.containers.0", UNKNOWN)).containers();
    assert.equal(one.unknown, "spec.template.spec.containers[0]");
    assert.equal(one.list.length, 1); // the init container
    assert.equal(w(mutate(deployment(), "spec.template", UNKNOWN)).volumes().unknown, "spec.template.spec");
    assert.equal(w(mutate(deployment(), "spec.template.spec.volumes", UNKNOWN)).volumes().unknown, "spec.template.spec.volumes");
  });

  it("reads env sources: literal, secret, configMap, field, unknown, none", () => {
    const d = mutate(deployment(), "spec.template.spec.containers.0.env", [
      { name: "A", value: "x" },
      { name: "B", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
      { name: "C", valueFrom: { configMapKeyRef: { name: "cm", key: "ck" } } },
      { name: "D", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
      { name: "E", value: UNKNOWN },
      { name: "F" },
      { name: "G", value: 3 },
      { name: "H", valueFrom: { secretKeyRef: UNKNOWN } },
      { name: "I", valueFrom: { configMapKeyRef: UNKNOWN } },
      { name: "J", value: { nested: true } },
      UNKNOWN,
    ]);
    const x = w(d);
    const env = x.env(x.containers().list[0]!);
    assert.equal(env.unknown, "spec.template.spec.containers[0].env[10]");
    assert.deepEqual(
      env.list.map((e) => [e.name, e.source, e.value, e.ref]),
      [
        ["A", "literal", "x", undefined],
        ["B", "secret", undefined, { name: "s", key: "k" }],
        ["C", "configMap", undefined, { name: "cm", key: "ck" }],
        ["D", "field", undefined, undefined],
        ["E", "unknown", undefined, undefined],
        ["F", "none", undefined, undefined],
        ["G", "literal", "3", undefined],
        ["H", "unknown", undefined, undefined],
        ["I", "unknown", undefined, undefined],
        ["J", "none", undefined, undefined],
      ],
    );
  });

  it("reads Cloud Run envs and valueSource.secretKeyRef", () => {
    const s = mutate(cloudRunService(), "template.containers.0.envs", [{ name: "DB", valueSource: { secretKeyRef: { secret: "db-pass", version: "3" } } }]);
    const x = w(s);
    assert.deepEqual(x.env(x.containers().list[0]!).list[0], { source: "secret", ref: { name: "db-pass", key: "3" }, name: "DB", path: "template.containers[0].envs[0]" });
    assert.deepEqual(x.envFrom(x.containers().list[0]!), { list: [] });
  });

  it("reads envFrom sources", () => {
    const d = mutate(deployment(), "spec.template.spec.containers.0.envFrom", [{ secretRef: { name: "s" } }, { configMapRef: { name: "c" } }, { secretRef: UNKNOWN }, {}]);
    const x = w(d);
    assert.deepEqual(
      x.envFrom(x.containers().list[0]!).list.map((f) => [f.kind, f.name]),
      [
        ["secret", "s"],
        ["configMap", "c"],
        ["unknown", undefined],
      ],
    );
    const u = w(mutate(deployment(), "spec.template.spec.containers.0.envFrom", UNKNOWN));
    assert.equal(u.envFrom(u.containers().list[0]!).unknown, "spec.template.spec.containers[0].envFrom");
  });

  it("reads the service account (Kubernetes, legacy field, Cloud Run)", () => {
    assert.equal(w(deployment()).serviceAccount().lookup.kind, "known");
    const legacy = mutate(mutate(deployment(), "spec.template.spec.serviceAccountName", undefined), "spec.template.spec.serviceAccount", "legacy");
    assert.equal(w(legacy).serviceAccount().path, "spec.template.spec.serviceAccount");
    const none = mutate(deployment(), "spec.template.spec.serviceAccountName", undefined);
    assert.deepEqual(w(none).serviceAccount(), { lookup: { kind: "absent" }, path: "spec.template.spec.serviceAccountName" });
    assert.equal(w(cloudRunJob()).serviceAccount().path, "template.template.serviceAccount");
    assert.equal(w(cloudRunJob()).dependencyProp, "template");
    assert.equal(w(deployment()).dependencyProp, "spec");
  });

  it("reads pod labels of Kubernetes and Cloud Run templates", () => {
    assert.deepEqual(w(deployment()).podLabels(), { app: "registration-api" });
    assert.deepEqual(w(mutate(cloudRunService(), "template.labels", { tier: "web", bad: 1 })).podLabels(), { tier: "web" });
  });

  it("knows a Rollout with a workloadRef delegates to its Deployment", () => {
    const r = mutate(mutate(rollout(), "spec.template", undefined), "spec.workloadRef", { apiVersion: "apps/v1", kind: "Deployment", name: "x" });
    assert.equal(w(r).delegates(), true);
    assert.equal(w(rollout()).delegates(), false);
    assert.equal(w(deployment()).platform, "kubernetes");
    assert.equal(w(cloudRunService()).platform, "cloudrun");
  });

  it("never throws on odd shapes", () => {
    for (const props of [{}, { spec: null }, { spec: { template: { spec: { containers: "x", initContainers: [null, 3] } } } }, { spec: UNKNOWN }]) {
      const x = w(res(T.deployment, "odd", props as Record<string, unknown>));
      const cs = x.containers();
      for (const c of cs.list) {
        x.env(c);
        x.envFrom(c);
      }
      x.volumes();
      x.serviceAccount();
      x.podLabels();
    }
  });
});

describe("access/k8s: Cloud Run v1 services and Cloud Functions as workloads", () => {
  it("reads a Cloud Run v1 service's containers, env (valueFrom.secretKeyRef {name, key}) and serviceAccountName", () => {
    const v1 = mutate(cloudRunV1Service(), "template.spec.containers.0.envs.2", { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "3" } } });
    const x = w(v1);
    assert.equal(x.kind, "CloudRunV1Service");
    assert.equal(x.platform, "cloudrun");
    const [c] = x.containers().list;
    assert.ok(c?.serving, "the only container serves");
    assert.equal(c.path, "template.spec.containers[0]");
    assert.deepEqual(x.env(c).list[2], { source: "secret", ref: { name: "db", key: "3" }, name: "DB_PASSWORD", path: "template.spec.containers[0].envs[2]" });
    assert.equal(x.serviceAccount().path, "template.spec.serviceAccountName");
    assert.equal(x.serviceAccountDependencyProp, "template");
  });

  it("reads a function as its runtime (serving when HTTP-triggered) and its build environment", () => {
    const v1 = mutate(mutate(functionV1(), "buildEnvironmentVariables", { GOFLAGS: "-mod=vendor" }), "secretEnvironmentVariables", [{ key: "API_KEY", secret: "api", version: "latest" }]);
    const x = w(v1);
    assert.equal(x.platform, "functions");
    const all = x.containers().list;
    assert.deepEqual(all.map((c) => [c.label, c.path, c.init, c.serving]), [
      ["function runtime", "", false, true],
      ["function build environment", "", true, false],
    ]);
    assert.deepEqual(x.containers({ init: false }).list.length, 1);
    assert.deepEqual(
      x.env(all[0]!).list.map((e) => [e.name, e.source, e.path]),
      [
        ["OTEL_SERVICE_NAME", "literal", "environmentVariables.OTEL_SERVICE_NAME"],
        ["OTEL_EXPORTER_OTLP_ENDPOINT", "literal", "environmentVariables.OTEL_EXPORTER_OTLP_ENDPOINT"],
        ["API_KEY", "secret", "secretEnvironmentVariables[0]"],
      ],
    );
    assert.deepEqual(x.env(all[1]!).list, [{ source: "literal", value: "-mod=vendor", name: "GOFLAGS", path: "buildEnvironmentVariables.GOFLAGS" }]);
    assert.equal(x.serviceAccount().path, "serviceAccountEmail");
    assert.equal(x.serviceAccountDependencyProp, "serviceAccountEmail");

    const v2 = w(mutate(functionV2(), "eventTrigger", { eventType: "google.cloud.pubsub.topic.v1.messagePublished" }));
    const [rt] = v2.containers().list;
    assert.equal(rt?.serving, false, "an event-driven function is a worker");
    assert.equal(v2.env(rt).list[0]?.path, "serviceConfig.environmentVariables.OTEL_SERVICE_NAME");
    assert.equal(v2.serviceAccount().path, "serviceConfig.serviceAccountEmail");
    assert.equal(w(mutate(functionV2(), "serviceConfig", UNKNOWN)).containers().unknown, "serviceConfig");
    const unknownEnv = w(mutate(functionV2(), "serviceConfig.environmentVariables", UNKNOWN));
    assert.equal(unknownEnv.env(unknownEnv.containers().list[0]!).unknown, "serviceConfig.environmentVariables");
  });
});

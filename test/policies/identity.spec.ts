import * as assert from "node:assert/strict";
import type { ResourceInput } from "../../policypack/src/access/resource";
import { T } from "../../policypack/src/access/tokens";
import { looksLikeServiceAccountKey, noStaticServiceAccountKeys } from "../../policypack/src/gates/no-static-service-account-keys/gate";
import { workloadIdentity } from "../../policypack/src/gates/workload-identity/gate";
import {
  childOf,
  cloudRunJob,
  cloudRunService,
  cronJob,
  deployment,
  gkeCluster,
  helmChart,
  job,
  nodePool,
  PEM,
  rollout,
  serviceAccount,
  statefulSet,
  WI,
} from "../fixtures/k8s";
import { expectClean, expectNoLeak, expectOne, mutate, res, run, UNKNOWN, urnOf } from "../support/fixtures";

// --------------------------------------------------------------- no-static-service-account-keys

describe("no-static-service-account-keys", () => {
  const P = "no-static-service-account-keys";
  const keyJson = JSON.stringify({
    type: "service_account",
    project_id: "acme-prod",
    private_key_id: "0123abcd",
    private_key: PEM,
    client_email: "registration@acme-prod.iam.gserviceaccount.com",
  });
  const secret = (data: Record<string, unknown>, field = "data"): ResourceInput =>
    res(T.k8sSecret, "registration-gcp", { apiVersion: "v1", kind: "Secret", metadata: { name: "registration-gcp", namespace: "registration" }, type: "Opaque", [field]: data });

  it("passes ordinary Secrets", () => {
    expectClean(run(noStaticServiceAccountKeys, [secret({ "tls.crt": Buffer.from("-----BEGIN CERTIFICATE-----").toString("base64"), note: "plain" })]));
    expectClean(run(noStaticServiceAccountKeys, [secret({ "config.json": '{"feature": true}' }, "stringData")]));
    expectClean(run(noStaticServiceAccountKeys, [secret({ weird: 3, nested: { a: 1 } })]));
  });

  it("fails any gcp:serviceaccount/key:Key", () => {
    const key = res(T.serviceAccountKey, "registration-key", { serviceAccountId: "registration@acme-prod.iam.gserviceaccount.com" });
    expectOne(run(noStaticServiceAccountKeys, [key]), { policy: P, name: "registration-key" }, "creates a static service-account key", '"registration@acme-prod.iam.gserviceaccount.com"', "Workload Identity");
    expectOne(run(noStaticServiceAccountKeys, [mutate(key, "serviceAccountId", UNKNOWN)]), { policy: P }, "<unknown until apply>");
    expectOne(run(noStaticServiceAccountKeys, [mutate(key, "serviceAccountId", undefined)]), { policy: P }, "not set");
  });

  it("fails a Secret holding a key file (base64 data), never echoing it", () => {
    const f = run(noStaticServiceAccountKeys, [secret({ "key.json": Buffer.from(keyJson).toString("base64") })]);
    expectOne(f, { policy: P, name: "registration-gcp" }, "holds a Google service-account key in data.key.json", "(not shown)");
    expectNoLeak(f, PEM.split("\n")[1] as string);
    expectNoLeak(f, Buffer.from(keyJson).toString("base64").slice(0, 40));
  });

  it("fails a Secret holding a key file in stringData, or a .json key with a private_key", () => {
    expectOne(run(noStaticServiceAccountKeys, [secret({ credentials: keyJson }, "stringData")]), { policy: P }, "stringData.credentials");
    const partial = JSON.stringify({ private_key: "x" });
    expectOne(run(noStaticServiceAccountKeys, [secret({ "sa.json": partial }, "stringData")]), { policy: P }, "stringData.sa.json");
    expectClean(run(noStaticServiceAccountKeys, [secret({ "sa.txt": partial }, "stringData")]));
  });

  it("settles unknown data by its dependencies: filled from a Key of the stack → violation", () => {
    const key = res(T.serviceAccountKey, "k", {});
    const s = { ...secret({ "key.json": UNKNOWN }), dependencies: [key.urn], propertyDependencies: { data: [key.urn] } };
    expectOne(run(noStaticServiceAccountKeys, [s]), { policy: P, name: "registration-gcp" }, "filled from a static service-account key");
    const pw = urnOf("random:index/randomPassword:RandomPassword", "pw");
    expectClean(run(noStaticServiceAccountKeys, [{ ...secret(UNKNOWN as unknown as Record<string, unknown>), dependencies: [pw] }]));
    // Without dependency information (per-resource Analyze), the Key resource itself is what fails.
    expectClean(run(noStaticServiceAccountKeys, [secret({ "key.json": UNKNOWN })]));
  });

  it("recognises key files", () => {
    assert.ok(looksLikeServiceAccountKey(keyJson));
    assert.ok(!looksLikeServiceAccountKey('{"type": "external_account"}'));
  });
});

// ------------------------------------------------------------------------- workload-identity

describe("workload-identity", () => {
  const P = "workload-identity";
  const base = (): ResourceInput[] => [gkeCluster(), nodePool(), deployment(), serviceAccount()];

  it("passes a WI cluster, GKE_METADATA node pool, and service pods on an annotated ServiceAccount (every kind)", () => {
    const chart = helmChart();
    expectClean(
      run(workloadIdentity, [
        ...base(),
        statefulSet(),
        rollout("registration", "registration-rollout"),
        job(),
        cronJob(),
        cloudRunService(),
        cloudRunJob(),
        chart,
        childOf(chart, deployment("registration", "chart-api")),
        childOf(chart, serviceAccount("registration", "chart-sa")),
      ]),
    );
  });

  it("fails a cluster without Workload Identity; Autopilot always has it", () => {
    const c = mutate(gkeCluster(), "workloadIdentityConfig", undefined);
    expectOne(run(workloadIdentity, [c]), { policy: P, name: "platform-gke" }, "does not have Workload Identity enabled", "workloadPool not set", ".svc.id.goog");
    expectOne(run(workloadIdentity, [mutate(gkeCluster(), "workloadIdentityConfig.workloadPool", "")]), { policy: P }, 'workloadPool ""');
    expectClean(run(workloadIdentity, [mutate(c, "enableAutopilot", true)]));
  });

  it("fails a default node pool or inline node pool not on the GKE metadata server", () => {
    const keep = mutate(gkeCluster(), "removeDefaultNodePool", undefined);
    expectOne(run(workloadIdentity, [keep]), { policy: P }, "default node pool: nodeConfig.workloadMetadataConfig.mode not set");
    expectClean(run(workloadIdentity, [mutate(keep, "nodeConfig", { workloadMetadataConfig: { mode: "GKE_METADATA" } })]));
    const inline = mutate(gkeCluster(), "nodePools", [{ name: "p1", nodeConfig: { workloadMetadataConfig: { mode: "GCE_METADATA" } } }, { nodeConfig: { workloadMetadataConfig: { mode: "GKE_METADATA" } } }]);
    expectOne(run(workloadIdentity, [inline]), { policy: P }, 'node pool "p1": nodePools[0].nodeConfig.workloadMetadataConfig.mode "GCE_METADATA"');
  });

  it("fails a NodePool without GKE_METADATA", () => {
    expectOne(run(workloadIdentity, [mutate(nodePool(), "nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA")]), { policy: P, name: "platform-pool" }, '"GCE_METADATA"', "GKE_METADATA");
    expectOne(run(workloadIdentity, [mutate(nodePool(), "nodeConfig", undefined)]), { policy: P }, "mode not set");
  });

  it("fails service pods on the default ServiceAccount, naming the service", () => {
    const d = mutate(deployment(), "spec.template.spec.serviceAccountName", undefined);
    const f = expectOne(run(workloadIdentity, [...base().slice(0, 2), d]), { policy: P, name: "registration-api" }, "service 'registration' pods run as the namespace's default ServiceAccount", "runs as 'default'");
    assert.equal(f.service, "registration");
    expectOne(run(workloadIdentity, [mutate(deployment(), "spec.template.spec.serviceAccountName", "default")]), { policy: P }, '"default"');
  });

  it("fails a ServiceAccount missing from the stack or from another namespace", () => {
    expectOne(run(workloadIdentity, [deployment()]), { policy: P }, 'ServiceAccount "registration-app", which is not in the stack');
    expectOne(run(workloadIdentity, [deployment(), mutate(serviceAccount(), "metadata.namespace", "other")]), { policy: P }, "not in the stack");
  });

  it("fails a ServiceAccount without the Workload Identity annotation (Helm child too)", () => {
    const sa = mutate(serviceAccount(), "metadata.annotations", {});
    expectOne(run(workloadIdentity, [deployment(), sa]), { policy: P }, "is not bound to a dedicated Google service account", `annotation ${WI} not set`);
    const compute = mutate(serviceAccount(), `metadata.annotations`, { [WI]: "123-compute@developer.gserviceaccount.com" });
    expectOne(run(workloadIdentity, [deployment(), compute]), { policy: P }, "123-compute@developer.gserviceaccount.com");
    const chart = helmChart();
    const child = childOf(chart, deployment());
    const f = run(workloadIdentity, [chart, child, sa]);
    assert.equal(expectOne(f, { policy: P, name: child.name }, "not bound").service, "registration");
  });

  it("ignores pods of no service", () => {
    expectClean(run(workloadIdentity, [deployment("registration", "tool", { service: undefined })]));
  });

  it("settles unknowns: service account name through the dependency, annotation value computed at apply", () => {
    const sa = serviceAccount();
    const d = { ...mutate(deployment(), "spec.template.spec.serviceAccountName", UNKNOWN), dependencies: [sa.urn], propertyDependencies: { spec: [sa.urn] } };
    expectClean(run(workloadIdentity, [d, sa]));
    expectOne(run(workloadIdentity, [mutate(deployment(), "spec.template.spec.serviceAccountName", UNKNOWN), sa]), { policy: P, kind: "undecided" }, "serviceAccountName");
    expectClean(run(workloadIdentity, [deployment(), mutate(sa, `metadata.annotations`, { [WI]: UNKNOWN })]));
    expectOne(run(workloadIdentity, [deployment(), mutate(sa, "metadata.annotations", UNKNOWN)]), { policy: P, kind: "undecided" }, "annotations");
    expectOne(run(workloadIdentity, [mutate(deployment(), "spec.template", UNKNOWN)]), { policy: P, kind: "undecided" }, "spec.template.spec");
  });

  it("reports unknown cluster and node pool settings as undecided", () => {
    expectOne(run(workloadIdentity, [mutate(gkeCluster(), "workloadIdentityConfig", UNKNOWN)]), { policy: P, kind: "undecided" }, "workloadPool");
    expectOne(run(workloadIdentity, [mutate(gkeCluster(), "enableAutopilot", UNKNOWN)]), { policy: P, kind: "undecided" }, "enableAutopilot");
    expectOne(run(workloadIdentity, [mutate(gkeCluster(), "removeDefaultNodePool", UNKNOWN)]), { policy: P, kind: "undecided" }, "removeDefaultNodePool");
    const keep = mutate(gkeCluster(), "removeDefaultNodePool", false);
    expectOne(run(workloadIdentity, [mutate(keep, "nodeConfig.workloadMetadataConfig", UNKNOWN)]), { policy: P, kind: "undecided" }, "nodeConfig.workloadMetadataConfig.mode");
    expectOne(run(workloadIdentity, [mutate(gkeCluster(), "nodePools", UNKNOWN)]), { policy: P, kind: "undecided" }, "'nodePools'");
    expectOne(run(workloadIdentity, [mutate(gkeCluster(), "nodePools", [{ nodeConfig: UNKNOWN }])]), { policy: P, kind: "undecided" }, "nodePools[0]");
    expectOne(run(workloadIdentity, [mutate(nodePool(), "nodeConfig", UNKNOWN)]), { policy: P, kind: "undecided", name: "platform-pool" });
  });

  it("Cloud Run: runs as its own service account, not the default compute one", () => {
    const s = mutate(cloudRunService(), "template.serviceAccount", undefined);
    const f = expectOne(run(workloadIdentity, [s]), { policy: P, name: "registration-web" }, "Cloud Run service runs as the default compute service account", "not set");
    assert.equal(f.service, "registration");
    expectOne(run(workloadIdentity, [mutate(cloudRunJob(), "template.template.serviceAccount", "42-compute@developer.gserviceaccount.com")]), { policy: P }, "Cloud Run job", "42-compute@developer.gserviceaccount.com");
    expectOne(run(workloadIdentity, [mutate(cloudRunService(), "template.serviceAccount", "acme-prod@appspot.gserviceaccount.com")]), { policy: P }, "appspot");
    expectClean(run(workloadIdentity, [mutate(s, "labels", {})]));
  });

  it("Cloud Run: an account unknown at preview is settled by a service account of the stack, else undecided", () => {
    const acct = res(T.gcpServiceAccount, "registration-run", { accountId: "registration-run" });
    const s = mutate(cloudRunService(), "template.serviceAccount", UNKNOWN);
    expectClean(run(workloadIdentity, [acct, { ...s, dependencies: [acct.urn], propertyDependencies: { template: [acct.urn] } }]));
    expectOne(run(workloadIdentity, [s]), { policy: P, kind: "undecided" }, "template.serviceAccount");
  });

  it("skips a Rollout that delegates to a Deployment", () => {
    const r = mutate(mutate(rollout(), "spec.template", undefined), "spec.workloadRef", { kind: "Deployment", name: "registration-api" });
    expectClean(run(workloadIdentity, [r]));
  });
});

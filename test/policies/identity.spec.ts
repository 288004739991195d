/**
 * What the identity gates' examples (policypack/src/gates/<gate>/examples.ts) cannot say: the
 * service a workload-identity finding carries, and the key-file recogniser's unit cases.
 */
import * as assert from "node:assert/strict";
import { looksLikeServiceAccountKey } from "../../policypack/src/gates/no-static-service-account-keys/gate";
import { workloadIdentity } from "../../policypack/src/gates/workload-identity/gate";
import { SA_KEY_JSON } from "../fixtures/identity";
import { childOf, cloudRunService, deployment, gkeCluster, helmChart, nodePool, serviceAccount } from "../fixtures/k8s";
import { expectOne, mutate, run } from "../support/fixtures";

// --------------------------------------------------------------- no-static-service-account-keys

describe("no-static-service-account-keys", () => {
  it("recognises key files", () => {
    assert.ok(looksLikeServiceAccountKey(SA_KEY_JSON));
    assert.ok(!looksLikeServiceAccountKey('{"type": "external_account"}'));
  });
});

// ------------------------------------------------------------------------- workload-identity

describe("workload-identity", () => {
  const P = "workload-identity";

  it("a finding about service pods on the default ServiceAccount carries the service", () => {
    const d = mutate(deployment(), "spec.template.spec.serviceAccountName", undefined);
    const f = expectOne(run(workloadIdentity, [gkeCluster(), nodePool(), d]), { policy: P, name: "registration-api" }, "service 'registration' pods run as the namespace's default ServiceAccount", "runs as 'default'");
    assert.equal(f.service, "registration");
  });

  it("a finding about a Helm chart child carries the chart's service", () => {
    const sa = mutate(serviceAccount(), "metadata.annotations", {});
    const chart = helmChart();
    const child = childOf(chart, deployment());
    const f = run(workloadIdentity, [chart, child, sa]);
    assert.equal(expectOne(f, { policy: P, name: child.name }, "not bound").service, "registration");
  });

  it("a finding about a Cloud Run service carries the service", () => {
    const s = mutate(cloudRunService(), "template.serviceAccount", undefined);
    const f = expectOne(run(workloadIdentity, [s]), { policy: P, name: "registration-web" }, "Cloud Run service runs as the default compute service account", "not set");
    assert.equal(f.service, "registration");
  });
});

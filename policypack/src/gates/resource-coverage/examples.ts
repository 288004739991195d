/** Examples of `resource-coverage`, run by test/gates/examples.spec.ts. */
import type { ResourceInput } from "../../access/resource";
import { T } from "../../access/tokens";
import { childOf, deployment, helmChart, k8sService, statefulSet } from "../../../../test/fixtures/k8s";
import { twoServices } from "../../../../test/fixtures/stack";
import { examples, plus, type StackOf } from "../../../../test/support/examples";
import { res } from "../../../../test/support/fixtures";

/** A Helm v3 Release: one resource, whatever the chart holds. */
const release = (): ResourceInput =>
  res(T.helmReleaseV3, "ingress", { chart: "ingress-nginx", version: "4.11.2", namespace: "ingress", repositoryOpts: { repo: "https://kubernetes.github.io/ingress-nginx" } });
/** A yaml/v2 ConfigGroup with its manifests as a string (its children are registered by the provider). */
const configGroup = (name = "registration-manifests"): ResourceInput =>
  res(T.configGroupV2, name, { yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n" });
const pvc = (name = "registration-uploads"): ResourceInput =>
  res(T.pvc, name, { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name, namespace: "registration" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } } });
const spanner = (): ResourceInput => res("gcp:spanner/instance:Instance", "ledger", { name: "ledger", config: "regional-europe-west1", numNodes: 1 });
const configMapChild = (group: ResourceInput): ResourceInput =>
  childOf(group, res(T.configMap, "settings", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings", namespace: "default" } }));

/** The baseline's chart without its children. */
const chartOnly: StackOf = (b) => b.filter((r) => r.parent === undefined);
const WHY = "reviewed with the platform team: the rendered manifests pass the pack (OPS-1234)";

export default examples({
  // A Helm v4 chart with its Deployment and Service as children (as a real preview shows them).
  baseline: () => {
    const chart = helmChart();
    return [chart, childOf(chart, deployment()), childOf(chart, k8sService())];
  },
  compliant: [
    { title: "a ConfigGroup with a child", stack: (b) => { const g = configGroup(); return [...b, g, configMapChild(g)]; } },
    { title: "the two-service stack (nothing opaque)", stack: () => twoServices() },
    { title: "a PersistentVolumeClaim whose type is accepted with a reason", stack: plus(() => pvc()), config: { acceptOpaque: [{ type: T.pvc, reason: WHY }] } },
    { title: "a Helm v3 Release accepted by name with a reason", stack: plus(() => release()), config: { acceptOpaque: [{ name: "ingress", reason: WHY }] } },
    { title: "a chart without children accepted by name", stack: chartOnly, config: { acceptOpaque: [{ name: "registration-chart", reason: WHY }] } },
    { title: "a Spanner instance: a data-bearing GCP type in the provider-derived scope of data-residency and cmek-required (lib/gcp-scope.ts)", stack: plus(() => spanner()) },
    { title: "a StatefulSet (its volumeClaimTemplates are known through it) and a StorageClass (no data)", stack: plus(() => statefulSet(), () => res("kubernetes:storage.k8s.io/v1:StorageClass", "fast", { provisioner: "pd.csi.storage.gke.io" })) },
  ],
  violating: [
    { title: "a Helm v3 Release", stack: plus(() => release()), expect: [{ name: "ingress", message: "'ingress' (kubernetes:helm.sh/v3:Release): is a Helm v3 Release: Helm creates the chart's objects inside the Kubernetes provider, so they are never resources of the stack, not even in `pulumi preview`, and no gate checks them. Fix: deploy the chart with kubernetes.helm.v4.Chart, whose objects are resources the gates check; or check its objects offline with `readiness check --rendered ingress=<file>` (its `helm template` output) and then accept the Release in resource-coverage's acceptOpaque ({\"name\": \"ingress\", \"reason\": <why>}), or waive it with a justification (README \"Waivers\")." }] },
    { title: "a Helm v4 chart with no children", stack: chartOnly, expect: [{ name: "registration-chart", message: "'registration-chart' (kubernetes:helm.sh/v4:Chart): is a Helm v4 chart with no children in the stack, so no gate sees the objects it deploys (found 0 child resources). Fix: in `pulumi preview` its children are resources when the chart can be fetched and rendered (its repository, version and values); offline, pass its `helm template` output with `readiness check --rendered registration-chart=<file|dir>`; or accept it in resource-coverage's acceptOpaque ({\"name\": \"registration-chart\", \"reason\": <why>}), or waive it with a justification (README \"Waivers\")." }] },
    { title: "a ConfigGroup with no children", stack: plus(() => configGroup()), expect: [{ name: "registration-manifests", message: "'registration-manifests' (kubernetes:yaml/v2:ConfigGroup): is a yaml/v2 ConfigGroup with no children in the stack, so no gate sees the objects it deploys (found 0 child resources). Fix: in `pulumi preview` its children are resources when its files exist and its manifests are known at preview; offline, pass its manifests with `readiness check --rendered registration-manifests=<file|dir>`; or accept it in resource-coverage's acceptOpaque ({\"name\": \"registration-manifests\", \"reason\": <why>}), or waive it with a justification (README \"Waivers\")." }] },
    { title: "a Helm v3 Chart (a component of the SDK) with no children", stack: plus(() => res(T.helmChartV3, "cache", { chart: "redis" })), expect: [{ name: "cache", message: "'cache' (kubernetes:helm.sh/v3:Chart): is a Helm v3 chart with no children in the stack, so no gate sees the objects it deploys (found 0 child resources). Fix: in `pulumi preview` its children are resources when the chart can be fetched and rendered (its repository, version and values); offline, pass its `helm template` output with `readiness check --rendered cache=<file|dir>`; or accept it in resource-coverage's acceptOpaque ({\"name\": \"cache\", \"reason\": <why>}), or waive it with a justification (README \"Waivers\")." }] },
    { title: "a PersistentVolumeClaim no gate knows", stack: plus(() => pvc()), expect: [{ name: "registration-uploads", message: "'registration-uploads' (kubernetes:core/v1:PersistentVolumeClaim): holds data, but no gate of the pack knows its type, so nothing checks its location, encryption or retention. Fix: accept the type in resource-coverage's acceptOpaque with the reason it is safe ({\"type\": \"kubernetes:core/v1:PersistentVolumeClaim\", \"reason\": <why>}), or waive this resource with a justification (README \"Waivers\")." }] },
    { title: "a VolumeSnapshot no gate knows", stack: plus(() => res(T.volumeSnapshot, "registration-uploads-snap", { metadata: { name: "uploads-snap", namespace: "registration" }, spec: { source: { persistentVolumeClaimName: "uploads" } } })), expect: [{ name: "registration-uploads-snap", message: "'registration-uploads-snap' (kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshot): holds data, but no gate of the pack knows its type, so nothing checks its location, encryption or retention. Fix: accept the type in resource-coverage's acceptOpaque with the reason it is safe ({\"type\": \"kubernetes:snapshot.storage.k8s.io/v1:VolumeSnapshot\", \"reason\": <why>}), or waive this resource with a justification (README \"Waivers\")." }] },
    {
      title: "an acceptance names another resource: the Release is still reported",
      stack: plus(() => release()),
      config: { acceptOpaque: [{ name: "ingress-old", reason: WHY }, { type: T.pvc, reason: WHY }] },
      expect: [{ name: "ingress", message: "'ingress' (kubernetes:helm.sh/v3:Release): is a Helm v3 Release: Helm creates the chart's objects inside the Kubernetes provider, so they are never resources of the stack, not even in `pulumi preview`, and no gate checks them. Fix: deploy the chart with kubernetes.helm.v4.Chart, whose objects are resources the gates check; or check its objects offline with `readiness check --rendered ingress=<file>` (its `helm template` output) and then accept the Release in resource-coverage's acceptOpaque ({\"name\": \"ingress\", \"reason\": <why>}), or waive it with a justification (README \"Waivers\")." }],
    },
    { title: "an acceptance naming both a type and a resource is a config error", stack: plus(() => pvc()), config: { acceptOpaque: [{ type: T.pvc, name: "registration-uploads", reason: WHY }] }, expect: [{ kind: "config", message: "invalid pack config at resource-coverage.acceptOpaque[0]: give exactly one of \"type\" or \"name\". Fix: one entry per type or per resource" }] },
    { title: "an acceptance without a reason is a config error", stack: plus(() => pvc()), config: { acceptOpaque: [{ type: T.pvc, reason: "" }] }, expect: [{ kind: "config", message: "invalid pack config at resource-coverage.acceptOpaque[0].reason: must say why (at least 10 characters)" }] },
  ],
});

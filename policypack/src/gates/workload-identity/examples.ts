/** Examples of `workload-identity`, run by test/gates/examples.spec.ts. */
import { T } from "../../access/tokens";
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
  rollout,
  serviceAccount,
  statefulSet,
  WI,
} from "../../../../test/fixtures/k8s";
import { cloudRunV1Service, computeInstance, functionV1, functionV2, instanceTemplate } from "../../../../test/fixtures/gcp-workloads";
import { at, examples, plus, without } from "../../../../test/support/examples";
import { mutate, res, UNKNOWN } from "../../../../test/support/fixtures";

const SA_NAME = "spec.template.spec.serviceAccountName";
/** The cluster keeping its default node pool. */
const keepDefaultPool = at(0, "removeDefaultNodePool", undefined);
/** The Cloud Run service registration-web without a service account of its own. */
const runDefault = () => mutate(cloudRunService(), "template.serviceAccount", undefined);
/** The Google service account registration-run, made in the stack. */
const runAccount = () => res(T.gcpServiceAccount, "registration-run", { accountId: "registration-run" });

const fromTemplate = () => res(T.instanceFromTemplate, "registration-vm-2", { name: "registration-vm-2", zone: "europe-west1-b", sourceInstanceTemplate: "projects/acme-prod/global/instanceTemplates/registration-template" });

export default examples({
  // A Workload Identity cluster (default node pool removed), a NodePool on GKE_METADATA, the
  // service's Deployment running as ServiceAccount registration-app, annotated with a Google account.
  baseline: () => [gkeCluster(), nodePool(), deployment(), serviceAccount()],
  compliant: [
    {
      title: "service pods of every kind, Cloud Run service and job on their own account, a Helm chart's children",
      stack: (b) => {
        const chart = helmChart();
        return [
          ...b,
          statefulSet(),
          rollout("registration", "registration-rollout"),
          job(),
          cronJob(),
          cloudRunService(),
          cloudRunJob(),
          chart,
          childOf(chart, deployment("registration", "chart-api")),
          childOf(chart, serviceAccount("registration", "chart-sa")),
        ];
      },
    },
    {
      title: "Cloud Run v1, Cloud Functions v1 and v2, a Compute instance and templates on their own accounts; an instance from a template (its account)",
      stack: plus(() => cloudRunV1Service(), () => functionV1(), () => functionV2(), () => computeInstance(), () => instanceTemplate(), () => instanceTemplate("registration", "registration-region-template", T.regionInstanceTemplate), fromTemplate),
    },
    {
      title: "a Cloud Function and a Compute instance whose account is unknown at preview, settled by a service account of the stack",
      stack: plus(
        runAccount,
        () => ({ ...mutate(functionV2(), "serviceConfig.serviceAccountEmail", UNKNOWN), dependencies: [runAccount().urn], propertyDependencies: { serviceConfig: [runAccount().urn] } }),
        () => ({ ...mutate(computeInstance(), "serviceAccount.email", UNKNOWN), dependencies: [runAccount().urn], propertyDependencies: { serviceAccount: [runAccount().urn] } }),
      ),
    },
    { title: "an Autopilot cluster without workloadIdentityConfig (Autopilot always has it)", stack: (b) => at(0, "enableAutopilot", true)(at(0, "workloadIdentityConfig", undefined)(b)) },
    { title: "the default node pool kept, on GKE_METADATA", stack: (b) => at(0, "nodeConfig", { workloadMetadataConfig: { mode: "GKE_METADATA" } })(keepDefaultPool(b)) },
    // A pool that sets no metadata mode inherits GKE_METADATA from a Workload Identity (or Autopilot) cluster.
    { title: "the default node pool kept, without metadata mode, in a Workload Identity cluster", stack: keepDefaultPool },
    { title: "an inline node pool without metadata mode in a Workload Identity cluster", stack: at(0, "nodePools", [{ name: "p1", nodeConfig: { machineType: "e2-standard-4" } }]) },
    { title: "a NodePool without node config in a Workload Identity cluster", stack: at(1, "nodeConfig", undefined) },
    { title: "a NodePool without metadata mode naming its cluster by id", stack: (b) => at(1, "cluster", "projects/acme-prod/locations/europe-west1/clusters/platform-gke")(at(1, "nodeConfig.workloadMetadataConfig", undefined)(b)) },
    { title: "a NodePool without metadata mode, its cluster reference unknown, settled by its dependency", stack: (b) => at(1, "cluster", UNKNOWN)(at(1, "nodeConfig.workloadMetadataConfig", undefined)(b)) },
    { title: "a NodePool without metadata mode in an Autopilot cluster", stack: (b) => at(0, "enableAutopilot", true)(at(0, "workloadIdentityConfig", undefined)(at(1, "nodeConfig", undefined)(b))) },
    // Another service's workload makes the stack a labelled one: "tool" belongs to no service (a stack that labels none is one service: violating below).
    {
      title: "pods of no service in a stack with a labelled service (on no ServiceAccount of the stack)",
      stack: () => [deployment("registration", "tool", { service: undefined }), deployment("maintenance"), serviceAccount("maintenance")],
    },
    {
      title: "a service account name unknown at preview, settled by the ServiceAccount it depends on",
      stack: (b) => {
        const sa = b[3]!;
        return [b[0]!, b[1]!, { ...mutate(b[2]!, SA_NAME, UNKNOWN), dependencies: [sa.urn], propertyDependencies: { spec: [sa.urn] } }, sa];
      },
    },
    { title: "the annotation's value computed at apply (a Google service account's email)", stack: at(3, "metadata.annotations", { [WI]: UNKNOWN }) },
    { title: "a Cloud Run service of no service", stack: plus(() => mutate(runDefault(), "labels", {})) },
    {
      title: "a Cloud Run account unknown at preview, settled by a service account of the stack",
      stack: plus(runAccount, () => {
        const acct = runAccount();
        return { ...mutate(cloudRunService(), "template.serviceAccount", UNKNOWN), dependencies: [acct.urn], propertyDependencies: { template: [acct.urn] } };
      }),
    },
    {
      title: "a Rollout that delegates to a Deployment (its pods are the Deployment's)",
      stack: plus(() => mutate(mutate(rollout(), "spec.template", undefined), "spec.workloadRef", { kind: "Deployment", name: "registration-api" })),
    },
  ],
  violating: [
    { title: "pods in a stack that labels no service: the service named after the project", stack: () => [deployment("registration", "tool", { service: undefined })], expect: [{ name: "tool", message: "'tool' (kubernetes:apps/v1:Deployment): service 'readiness' pods run as ServiceAccount \"registration-app\", which is not in the stack (namespace \"registration\"), so its Workload Identity binding cannot be proved (found no kubernetes:core/v1:ServiceAccount registration/registration-app). Fix: create a ServiceAccount in namespace \"registration\" annotated iam.gke.io/gcp-service-account: <name>@<project>.iam.gserviceaccount.com (with a roles/iam.workloadIdentityUser binding) and set spec.template.spec.serviceAccountName to it." }] },
    { title: "a cluster without Workload Identity", stack: at(0, "workloadIdentityConfig", undefined), expect: [{ name: "platform-gke", message: "'platform-gke' (gcp:container/cluster:Cluster): GKE cluster does not have Workload Identity enabled (found workloadIdentityConfig.workloadPool not set). Fix: set workloadIdentityConfig.workloadPool: \"<project>.svc.id.goog\"." }] },
    { title: "an empty workload pool", stack: at(0, "workloadIdentityConfig.workloadPool", ""), expect: [{ name: "platform-gke", message: "'platform-gke' (gcp:container/cluster:Cluster): GKE cluster does not have Workload Identity enabled (found workloadIdentityConfig.workloadPool \"\"). Fix: set workloadIdentityConfig.workloadPool: \"<project>.svc.id.goog\"." }] },
    {
      title: "an inline node pool on GCE_METADATA",
      stack: at(0, "nodePools", [{ name: "p1", nodeConfig: { workloadMetadataConfig: { mode: "GCE_METADATA" } } }, { nodeConfig: { workloadMetadataConfig: { mode: "GKE_METADATA" } } }]),
      expect: [{ name: "platform-gke", message: "'platform-gke' (gcp:container/cluster:Cluster): GKE node pools do not use the GKE metadata server, so pods can read the node's credentials (found node pool \"p1\": nodePools[0].nodeConfig.workloadMetadataConfig.mode \"GCE_METADATA\"). Fix: set nodeConfig.workloadMetadataConfig.mode: \"GKE_METADATA\" on every node pool (or removeDefaultNodePool: true and separate NodePools)." }],
    },
    { title: "a NodePool on GCE_METADATA", stack: at(1, "nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA"), expect: [{ name: "platform-pool", message: "'platform-pool' (gcp:container/nodePool:NodePool): GKE node pool does not use the GKE metadata server, so pods can read the node's credentials (found nodeConfig.workloadMetadataConfig.mode \"GCE_METADATA\"). Fix: set nodeConfig.workloadMetadataConfig.mode: \"GKE_METADATA\"." }] },
    { title: "the default node pool kept, without metadata mode, in a cluster without Workload Identity", stack: (b) => keepDefaultPool(at(0, "workloadIdentityConfig", undefined)(b)), expect: [{ name: "platform-gke", message: "'platform-gke' (gcp:container/cluster:Cluster): GKE cluster does not have Workload Identity enabled (found workloadIdentityConfig.workloadPool not set). Fix: set workloadIdentityConfig.workloadPool: \"<project>.svc.id.goog\"." }, { name: "platform-gke", message: "'platform-gke' (gcp:container/cluster:Cluster): GKE node pools do not use the GKE metadata server, so pods can read the node's credentials (found default node pool: nodeConfig.workloadMetadataConfig.mode not set (the cluster has no Workload Identity to inherit GKE_METADATA from)). Fix: set nodeConfig.workloadMetadataConfig.mode: \"GKE_METADATA\" on every node pool (or removeDefaultNodePool: true and separate NodePools)." }] },
    { title: "a NodePool without metadata mode in a cluster without Workload Identity", stack: (b) => at(1, "nodeConfig", undefined)(at(0, "workloadIdentityConfig", undefined)(b)), expect: [{ name: "platform-gke", message: "'platform-gke' (gcp:container/cluster:Cluster): GKE cluster does not have Workload Identity enabled (found workloadIdentityConfig.workloadPool not set). Fix: set workloadIdentityConfig.workloadPool: \"<project>.svc.id.goog\"." }, { name: "platform-pool", message: "'platform-pool' (gcp:container/nodePool:NodePool): GKE node pool does not use the GKE metadata server, so pods can read the node's credentials (found nodeConfig.workloadMetadataConfig.mode not set and its cluster 'platform-gke' has no Workload Identity to inherit GKE_METADATA from). Fix: set nodeConfig.workloadMetadataConfig.mode: \"GKE_METADATA\"." }] },
    { title: "a NodePool without metadata mode whose cluster is not in the stack", stack: (b) => at(1, "cluster", "legacy-gke")(at(1, "nodeConfig", undefined)(b)), expect: [{ name: "platform-pool", message: "'platform-pool' (gcp:container/nodePool:NodePool): GKE node pool does not use the GKE metadata server, so pods can read the node's credentials (found nodeConfig.workloadMetadataConfig.mode not set and its cluster \"legacy-gke\" is not in the stack, so inheriting GKE_METADATA cannot be proved). Fix: set nodeConfig.workloadMetadataConfig.mode: \"GKE_METADATA\"." }] },
    { title: "a NodePool without metadata mode naming a cluster of that name in another location", stack: (b) => at(1, "location", "europe-west4")(at(1, "nodeConfig", undefined)(b)), expect: [{ name: "platform-pool", message: "'platform-pool' (gcp:container/nodePool:NodePool): GKE node pool does not use the GKE metadata server, so pods can read the node's credentials (found nodeConfig.workloadMetadataConfig.mode not set and its cluster \"platform-gke\" is not in the stack, so inheriting GKE_METADATA cannot be proved). Fix: set nodeConfig.workloadMetadataConfig.mode: \"GKE_METADATA\"." }] },
    { title: "a NodePool without metadata mode, its cluster reference unknown and no dependency", stack: (b) => [b[0]!, { ...mutate(mutate(b[1]!, "nodeConfig", undefined), "cluster", UNKNOWN), dependencies: [], propertyDependencies: {} }, b[2]!, b[3]!], expect: [{ name: "platform-pool", kind: "undecided", message: "'platform-pool' (gcp:container/nodePool:NodePool): 'cluster' (the cluster whose metadata server the pool inherits) is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a NodePool without metadata mode, its cluster's workload pool unknown", stack: (b) => at(1, "nodeConfig", undefined)(at(0, "workloadIdentityConfig", UNKNOWN)(b)), expect: [{ name: "platform-gke", kind: "undecided", message: "'platform-gke' (gcp:container/cluster:Cluster): 'workloadIdentityConfig.workloadPool' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }, { name: "platform-pool", kind: "undecided", message: "'platform-pool' (gcp:container/nodePool:NodePool): whether its cluster 'platform-gke' (gcp:container/cluster:Cluster) has Workload Identity is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "service pods on the namespace's default ServiceAccount (none named)", stack: at(2, SA_NAME, undefined), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): service 'registration' pods run as the namespace's default ServiceAccount, not one bound to a Google service account (found spec.template.spec.serviceAccountName not set (runs as 'default')). Fix: create a ServiceAccount in namespace \"registration\" annotated iam.gke.io/gcp-service-account: <name>@<project>.iam.gserviceaccount.com (with a roles/iam.workloadIdentityUser binding) and set spec.template.spec.serviceAccountName to it." }] },
    { title: "service pods on the ServiceAccount named default", stack: at(2, SA_NAME, "default"), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): service 'registration' pods run as the namespace's default ServiceAccount, not one bound to a Google service account (found spec.template.spec.serviceAccountName \"default\"). Fix: create a ServiceAccount in namespace \"registration\" annotated iam.gke.io/gcp-service-account: <name>@<project>.iam.gserviceaccount.com (with a roles/iam.workloadIdentityUser binding) and set spec.template.spec.serviceAccountName to it." }] },
    { title: "a ServiceAccount missing from the stack", stack: without(3), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): service 'registration' pods run as ServiceAccount \"registration-app\", which is not in the stack (namespace \"registration\"), so its Workload Identity binding cannot be proved (found no kubernetes:core/v1:ServiceAccount registration/registration-app). Fix: create a ServiceAccount in namespace \"registration\" annotated iam.gke.io/gcp-service-account: <name>@<project>.iam.gserviceaccount.com (with a roles/iam.workloadIdentityUser binding) and set spec.template.spec.serviceAccountName to it." }] },
    { title: "the ServiceAccount in another namespace", stack: at(3, "metadata.namespace", "other"), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): service 'registration' pods run as ServiceAccount \"registration-app\", which is not in the stack (namespace \"registration\"), so its Workload Identity binding cannot be proved (found no kubernetes:core/v1:ServiceAccount registration/registration-app). Fix: create a ServiceAccount in namespace \"registration\" annotated iam.gke.io/gcp-service-account: <name>@<project>.iam.gserviceaccount.com (with a roles/iam.workloadIdentityUser binding) and set spec.template.spec.serviceAccountName to it." }] },
    { title: "a ServiceAccount without the Workload Identity annotation", stack: at(3, "metadata.annotations", {}), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): service 'registration' pods run as ServiceAccount \"registration-app\", which is not bound to a dedicated Google service account (found 'registration-app' (kubernetes:core/v1:ServiceAccount) annotation iam.gke.io/gcp-service-account not set). Fix: annotate 'registration-app' (kubernetes:core/v1:ServiceAccount) with iam.gke.io/gcp-service-account: <name>@<project>.iam.gserviceaccount.com (not a default service account)." }] },
    { title: "a ServiceAccount bound to the default compute service account", stack: at(3, "metadata.annotations", { [WI]: "123-compute@developer.gserviceaccount.com" }), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): service 'registration' pods run as ServiceAccount \"registration-app\", which is not bound to a dedicated Google service account (found 'registration-app' (kubernetes:core/v1:ServiceAccount) annotation iam.gke.io/gcp-service-account \"123-compute@developer.gserviceaccount.com\"). Fix: annotate 'registration-app' (kubernetes:core/v1:ServiceAccount) with iam.gke.io/gcp-service-account: <name>@<project>.iam.gserviceaccount.com (not a default service account)." }] },
    {
      title: "a Helm chart child's pods on a ServiceAccount without annotation",
      stack: (b) => {
        const chart = helmChart();
        return [chart, childOf(chart, b[2]!), mutate(b[3]!, "metadata.annotations", {})];
      },
      expect: [{ name: "registration-chart-registration-api", message: "'registration-chart-registration-api' (kubernetes:apps/v1:Deployment): service 'registration' pods run as ServiceAccount \"registration-app\", which is not bound to a dedicated Google service account (found 'registration-app' (kubernetes:core/v1:ServiceAccount) annotation iam.gke.io/gcp-service-account not set). Fix: annotate 'registration-app' (kubernetes:core/v1:ServiceAccount) with iam.gke.io/gcp-service-account: <name>@<project>.iam.gserviceaccount.com (not a default service account)." }],
    },
    { title: "a service account name unknown at preview, without dependency", stack: at(2, SA_NAME, UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): 'spec.template.spec.serviceAccountName' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "the ServiceAccount's annotations unknown at preview", stack: at(3, "metadata.annotations", UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): the annotations of 'registration-app' (kubernetes:core/v1:ServiceAccount) is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "the pod template unknown at preview", stack: at(2, "spec.template", UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): 'spec.template.spec' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "workloadIdentityConfig unknown", stack: at(0, "workloadIdentityConfig", UNKNOWN), expect: [{ name: "platform-gke", kind: "undecided", message: "'platform-gke' (gcp:container/cluster:Cluster): 'workloadIdentityConfig.workloadPool' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "enableAutopilot unknown", stack: at(0, "enableAutopilot", UNKNOWN), expect: [{ name: "platform-gke", kind: "undecided", message: "'platform-gke' (gcp:container/cluster:Cluster): 'enableAutopilot' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "removeDefaultNodePool unknown", stack: at(0, "removeDefaultNodePool", UNKNOWN), expect: [{ name: "platform-gke", kind: "undecided", message: "'platform-gke' (gcp:container/cluster:Cluster): 'removeDefaultNodePool' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "the default node pool kept, its metadata config unknown", stack: (b) => at(0, "nodeConfig.workloadMetadataConfig", UNKNOWN)(at(0, "removeDefaultNodePool", false)(b)), expect: [{ name: "platform-gke", kind: "undecided", message: "'platform-gke' (gcp:container/cluster:Cluster): 'nodeConfig.workloadMetadataConfig.mode' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "the inline node pools unknown", stack: at(0, "nodePools", UNKNOWN), expect: [{ name: "platform-gke", kind: "undecided", message: "'platform-gke' (gcp:container/cluster:Cluster): 'nodePools' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "an inline node pool's config unknown", stack: at(0, "nodePools", [{ nodeConfig: UNKNOWN }]), expect: [{ name: "platform-gke", kind: "undecided", message: "'platform-gke' (gcp:container/cluster:Cluster): 'nodePools[0].nodeConfig.workloadMetadataConfig.mode' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a NodePool's config unknown", stack: at(1, "nodeConfig", UNKNOWN), expect: [{ name: "platform-pool", kind: "undecided", message: "'platform-pool' (gcp:container/nodePool:NodePool): 'nodeConfig.workloadMetadataConfig.mode' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a Cloud Run service on the default compute account (none set)", stack: plus(runDefault), expect: [{ name: "registration-web", message: "'registration-web' (gcp:cloudrunv2/service:Service): service 'registration' Cloud Run service runs as the default compute service account (found template.serviceAccount not set (the default compute service account)). Fix: create a gcp.serviceaccount.Account for the service and set template.serviceAccount to its email." }] },
    { title: "a Cloud Run job on the default compute account", stack: plus(() => mutate(cloudRunJob(), "template.template.serviceAccount", "42-compute@developer.gserviceaccount.com")), expect: [{ name: "registration-export", message: "'registration-export' (gcp:cloudrunv2/job:Job): service 'registration' Cloud Run job runs as the default compute service account (found template.template.serviceAccount \"42-compute@developer.gserviceaccount.com\"). Fix: create a gcp.serviceaccount.Account for the service and set template.template.serviceAccount to its email." }] },
    { title: "a Cloud Run service on the App Engine default account", stack: plus(() => mutate(cloudRunService(), "template.serviceAccount", "acme-prod@appspot.gserviceaccount.com")), expect: [{ name: "registration-web", message: "'registration-web' (gcp:cloudrunv2/service:Service): service 'registration' Cloud Run service runs as the default compute service account (found template.serviceAccount \"acme-prod@appspot.gserviceaccount.com\"). Fix: create a gcp.serviceaccount.Account for the service and set template.serviceAccount to its email." }] },
    { title: "Cloud Run v1: no serviceAccountName", stack: plus(() => mutate(cloudRunV1Service(), "template.spec.serviceAccountName", undefined)), expect: [{ name: "registration-v1-web", message: "'registration-v1-web' (gcp:cloudrun/service:Service): service 'registration' Cloud Run service runs as the default compute service account (found template.spec.serviceAccountName not set (the default compute service account)). Fix: create a gcp.serviceaccount.Account for the service and set template.spec.serviceAccountName to its email." }] },
    { title: "Cloud Function v1: no serviceAccountEmail (the App Engine default)", stack: plus(() => mutate(functionV1(), "serviceAccountEmail", undefined)), expect: [{ name: "registration-hook", message: "'registration-hook' (gcp:cloudfunctions/function:Function): service 'registration' Cloud Function runs as the App Engine default service account (found serviceAccountEmail not set (the App Engine default service account)). Fix: create a gcp.serviceaccount.Account for the service and set serviceAccountEmail to its email." }] },
    { title: "Cloud Function v2: the default compute service account", stack: plus(() => mutate(functionV2(), "serviceConfig.serviceAccountEmail", "123456789-compute@developer.gserviceaccount.com")), expect: [{ name: "registration-fn", message: "'registration-fn' (gcp:cloudfunctionsv2/function:Function): service 'registration' Cloud Function runs as a default service account (found serviceConfig.serviceAccountEmail \"123456789-compute@developer.gserviceaccount.com\"). Fix: create a gcp.serviceaccount.Account for the service and set serviceConfig.serviceAccountEmail to its email." }] },
    { title: "Cloud Function v1: account unknown at preview, without dependency", stack: plus(() => mutate(functionV1(), "serviceAccountEmail", UNKNOWN)), expect: [{ name: "registration-hook", kind: "undecided", message: "'registration-hook' (gcp:cloudfunctions/function:Function): 'serviceAccountEmail' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a Compute instance without a service account", stack: plus(() => mutate(computeInstance(), "serviceAccount", undefined)), expect: [{ name: "registration-vm", message: "'registration-vm' (gcp:compute/instance:Instance): service 'registration' Compute instance runs without a service account of its own (found serviceAccount not set). Fix: create a gcp.serviceaccount.Account for the workload (least-privilege roles) and set serviceAccount: {email: <its email>, scopes: [\"cloud-platform\"]}." }] },
    { title: "a Compute instance on the default compute account (scopes only)", stack: plus(() => mutate(computeInstance(), "serviceAccount", { scopes: ["cloud-platform"] })), expect: [{ name: "registration-vm", message: "'registration-vm' (gcp:compute/instance:Instance): service 'registration' Compute instance runs as the default compute service account (found serviceAccount.email not set (the default compute service account)). Fix: create a gcp.serviceaccount.Account for the workload (least-privilege roles) and set serviceAccount: {email: <its email>, scopes: [\"cloud-platform\"]}." }] },
    { title: "an instance template on the default compute account", stack: plus(() => mutate(instanceTemplate(), "serviceAccount.email", "123456789-compute@developer.gserviceaccount.com")), expect: [{ name: "registration-template", message: "'registration-template' (gcp:compute/instanceTemplate:InstanceTemplate): service 'registration' instance template runs as the default compute service account (found serviceAccount.email \"123456789-compute@developer.gserviceaccount.com\"). Fix: create a gcp.serviceaccount.Account for the workload (least-privilege roles) and set serviceAccount: {email: <its email>, scopes: [\"cloud-platform\"]}." }] },
    { title: "an unlabelled instance from a template with the default account", stack: plus(() => mutate(fromTemplate(), "serviceAccount", { email: "default", scopes: ["cloud-platform"] })), expect: [{ name: "registration-vm-2", message: "'registration-vm-2' (gcp:compute/instanceFromTemplate:InstanceFromTemplate): Compute instance runs as the default compute service account (found serviceAccount.email \"default\"). Fix: create a gcp.serviceaccount.Account for the workload (least-privilege roles) and set serviceAccount: {email: <its email>, scopes: [\"cloud-platform\"]}." }] },
    { title: "a Compute instance's account unknown at preview, without dependency", stack: plus(() => mutate(computeInstance(), "serviceAccount.email", UNKNOWN)), expect: [{ name: "registration-vm", kind: "undecided", message: "'registration-vm' (gcp:compute/instance:Instance): 'serviceAccount.email' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a Cloud Run account unknown at preview, without dependency", stack: plus(() => mutate(cloudRunService(), "template.serviceAccount", UNKNOWN)), expect: [{ name: "registration-web", kind: "undecided", message: "'registration-web' (gcp:cloudrunv2/service:Service): 'template.serviceAccount' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
  ],
});

/**
 * Pulumi type tokens of the resources the pack reads. Policies match on these strings only, so
 * the pack never loads @pulumi/gcp or @pulumi/kubernetes at run time.
 */
export const T = {
  // Google Cloud
  sqlInstance: "gcp:sql/databaseInstance:DatabaseInstance",
  bucket: "gcp:storage/bucket:Bucket",
  bqDataset: "gcp:bigquery/dataset:Dataset",
  bqTable: "gcp:bigquery/table:Table",
  pubsubTopic: "gcp:pubsub/topic:Topic",
  secret: "gcp:secretmanager/secret:Secret",
  artifactRepo: "gcp:artifactregistry/repository:Repository",
  gkeCluster: "gcp:container/cluster:Cluster",
  gkeNodePool: "gcp:container/nodePool:NodePool",
  redis: "gcp:redis/instance:Instance",
  disk: "gcp:compute/disk:Disk",
  regionDisk: "gcp:compute/regionDisk:RegionDisk",
  kmsKeyRing: "gcp:kms/keyRing:KeyRing",
  kmsCryptoKey: "gcp:kms/cryptoKey:CryptoKey",
  cloudRunService: "gcp:cloudrunv2/service:Service",
  cloudRunJob: "gcp:cloudrunv2/job:Job",
  serviceAccountKey: "gcp:serviceaccount/key:Key",
  alertPolicy: "gcp:monitoring/alertPolicy:AlertPolicy",
  slo: "gcp:monitoring/slo:Slo",
  dashboard: "gcp:monitoring/dashboard:Dashboard",
  uptimeCheck: "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig",
  logSink: "gcp:logging/projectSink:ProjectSink",
  deployPipeline: "gcp:clouddeploy/deliveryPipeline:DeliveryPipeline",
  deployAutomation: "gcp:clouddeploy/automation:Automation",
  gcpProvider: "pulumi:providers:gcp",
  // Kubernetes
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  job: "kubernetes:batch/v1:Job",
  cronJob: "kubernetes:batch/v1:CronJob",
  rollout: "kubernetes:argoproj.io/v1alpha1:Rollout",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  configMap: "kubernetes:core/v1:ConfigMap",
  k8sSecret: "kubernetes:core/v1:Secret",
  k8sService: "kubernetes:core/v1:Service",
  k8sServiceAccount: "kubernetes:core/v1:ServiceAccount",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  kongPlugin: "kubernetes:configuration.konghq.com/v1:KongPlugin",
  kongClusterPlugin: "kubernetes:configuration.konghq.com/v1:KongClusterPlugin",
  helmChartV4: "kubernetes:helm.sh/v4:Chart",
  configGroupV2: "kubernetes:yaml/v2:ConfigGroup",
  // workloads, identity and gateway (issue 3)
  hpaV1: "kubernetes:autoscaling/v1:HorizontalPodAutoscaler",
  httpRoute: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
  gcpServiceAccount: "gcp:serviceaccount/account:Account",
  // Google-run workloads and Compute Engine (issue 18)
  cloudRunV1Service: "gcp:cloudrun/service:Service",
  functionV1: "gcp:cloudfunctions/function:Function",
  functionV2: "gcp:cloudfunctionsv2/function:Function",
  computeInstance: "gcp:compute/instance:Instance",
  instanceTemplate: "gcp:compute/instanceTemplate:InstanceTemplate",
  regionInstanceTemplate: "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
  instanceFromTemplate: "gcp:compute/instanceFromTemplate:InstanceFromTemplate",
} as const;

export type TypeToken = (typeof T)[keyof typeof T];

/** The label keys by which a resource declares the service it belongs to (see docs/contract.md). */
export const SERVICE_LABELS = ["app.kubernetes.io/part-of", "service"] as const;

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
  // public endpoints (issue 18): invoker IAM of Cloud Run and Cloud Functions, and what it names
  runV1Service: "gcp:cloudrun/service:Service",
  runV1IamMember: "gcp:cloudrun/iamMember:IamMember",
  runV1IamBinding: "gcp:cloudrun/iamBinding:IamBinding",
  runV1IamPolicy: "gcp:cloudrun/iamPolicy:IamPolicy",
  runIamMember: "gcp:cloudrunv2/serviceIamMember:ServiceIamMember",
  runIamBinding: "gcp:cloudrunv2/serviceIamBinding:ServiceIamBinding",
  runIamPolicy: "gcp:cloudrunv2/serviceIamPolicy:ServiceIamPolicy",
  fnV1Function: "gcp:cloudfunctions/function:Function",
  fnV1IamMember: "gcp:cloudfunctions/functionIamMember:FunctionIamMember",
  fnV1IamBinding: "gcp:cloudfunctions/functionIamBinding:FunctionIamBinding",
  fnV1IamPolicy: "gcp:cloudfunctions/functionIamPolicy:FunctionIamPolicy",
  fnV2Function: "gcp:cloudfunctionsv2/function:Function",
  fnV2IamMember: "gcp:cloudfunctionsv2/functionIamMember:FunctionIamMember",
  fnV2IamBinding: "gcp:cloudfunctionsv2/functionIamBinding:FunctionIamBinding",
  fnV2IamPolicy: "gcp:cloudfunctionsv2/functionIamPolicy:FunctionIamPolicy",
} as const;

export type TypeToken = (typeof T)[keyof typeof T];

/** The label keys by which a resource declares the service it belongs to (see docs/contract.md). */
export const SERVICE_LABELS = ["app.kubernetes.io/part-of", "service"] as const;

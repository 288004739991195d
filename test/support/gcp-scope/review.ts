/**
 * The reviewed part of the GCP scope: which types with a location input are not data locations,
 * which types with a KMS key field store no data (or are checked another way), and which key fields
 * do not encrypt the resource's data at rest. Each entry has a one-line reason. The generator
 * (generate.ts) applies these to what it derives from the installed @pulumi/gcp and writes
 * policypack/src/lib/gcp-scope.ts and docs/gcp-scope.md; a provider upgrade that adds a type makes
 * test/policies/gcp-scope.spec.ts fail until someone regenerates and reviews the diff.
 */

/** A reviewed exclusion: a type token pattern (exact token or a RegExp on it) and why. */
export interface Exclusion {
  readonly id: string;
  readonly match: RegExp | readonly string[];
  readonly reason: string;
}

/** Types that have a location, region or zone input but whose location is not where data is stored or processed. */
export const RESIDENCY_EXCLUSIONS: readonly Exclusion[] = [
  {
    id: "iam-grant",
    match: /:\w*I[Aa][Mm](Binding|Member|Policy|AuditConfig)$/,
    reason: "an IAM grant: its location names the resource it grants on, which is checked itself",
  },
  {
    id: "network-config",
    match: /^gcp:(networksecurity|networkservices|networkconnectivity|networkmanagement|edgenetwork|vpcaccess|servicedirectory|certificatemanager|beyondcorp)\//,
    reason: "network, TLS or service-discovery configuration: routes, filters or names traffic, stores no data",
  },
  {
    id: "compute-network",
    match:
      /^gcp:compute\/\w+:(Address|Router\w*|Subnetwork|VPNGateway|VPNTunnel|HaVpnGateway|Interconnect\w*|NetworkAttachment|NetworkEdgeSecurityService|NetworkEndpoint\w*|RegionNetworkEndpoint\w*|PacketMirroring|PublicDelegatedPrefix|Region(BackendBucket|BackendService|CompositeHealthCheck|HealthAggregationPolicy|HealthCheck|HealthSource|NetworkFirewallPolicy\w*|NetworkPolicy\w*|SecurityPolicy\w*|SslCertificate|SslPolicy|TargetHttpProxy|TargetHttpsProxy|TargetTcpProxy|UrlMap)|ServiceAttachment|TargetInstance|TargetPool)$/,
    reason: "VPC or load-balancing plumbing: forwards traffic to backends that are checked themselves, stores no data",
  },
  {
    id: "compute-placement",
    match:
      /^gcp:compute\/\w+:(Autoscaler|RegionAutoscaler|BulkPerInstanceConfig|PerInstanceConfig|RegionPerInstanceConfig|InstanceGroup|InstanceGroupMembership|InstanceGroupNamedPort|InstanceSettings|ResourcePolicy|ResourcePolicyAttachment|DiskResourcePolicyAttachment|RegionDiskResourcePolicyAttachment|Reservation|FutureReservation|RegionCommitment|ResizeRequest|RegionResizeRequest|NodeTemplate|CaExternalAccountKey|ZoneVmExtensionPolicy|AttachedDisk|InstanceTemplate)$/,
    reason: "Compute capacity, scheduling, grouping or template configuration: the instances and disks it shapes are checked where they run",
  },
  {
    id: "settings-policy",
    match: /:\w*(Settings|Setting|SettingBinding|Policy|PolicyRule|PolicyRules|Rule|RuleDeployment|MuteConfig|NotificationConfig|CustomModule|Posture|PostureDeployment|Guardrail|Floorsetting|EncryptionSpec|CmekConfig|Kmsconfig)$/,
    reason: "organisation, security, access or service settings: configuration, stores no data",
  },
  {
    id: "link",
    match: /:\w*(Binding|Association|Attachment|Activation|Membership|Link|Mapping|Lock|Registration)$/,
    reason: "links or registers resources that are checked themselves; holds no data of its own",
  },
  {
    id: "config-namespace",
    match:
      /^gcp:(gkehub|apphub|cloudsecuritycompliance|securityposture|securitycenter|osconfig|privilegedaccessmanager|tags|licensemanager|iam|clouddeploy|saasruntime|datalineage|observability|clouddomains)\//,
    reason: "fleet, identity, compliance, release-orchestration or metadata configuration: stores no workload data",
  },
  {
    id: "kms-plumbing",
    match: ["gcp:kms/ekmConnection:EkmConnection", "gcp:kms/keyHandle:KeyHandle"],
    reason: "a connection to an external key manager or an Autokey request: the key ring holding the keys is checked",
  },
];

/**
 * Types that hold data but have no location, region or zone input: their location is read by
 * access/location.ts from a type-specific field.
 */
export const RESIDENCY_SPECIAL: readonly { readonly token: string; readonly reason: string }[] = [
  { token: "gcp:pubsub/topic:Topic", reason: "messages stored in messageStoragePolicy.allowedPersistenceRegions (none: any region)" },
  { token: "gcp:secretmanager/secret:Secret", reason: "payloads stored where replication.userManaged.replicas[].location says (automatic: any region)" },
];

/** Types with a KMS key field that store no data of their own (not data-bearing). */
export const CMEK_NO_DATA: readonly Exclusion[] = [
  {
    id: "key-setting",
    match: /:(EncryptionSpec|CmekConfig|Kmsconfig|FolderSettings|OrganizationSettings|ProjectSettings|Config|DocumentAiWarehouseLocation|GoogleChannelConfig)$/,
    reason: "a setting that names the key other resources use; it is the key setting, not a store",
  },
  {
    id: "workload",
    match: [
      "gcp:cloudfunctions/function:Function",
      "gcp:cloudfunctionsv2/function:Function",
      "gcp:cloudrunv2/job:Job",
      "gcp:cloudrunv2/service:Service",
      "gcp:cloudrunv2/workerPool:WorkerPool",
      "gcp:vertex/aiReasoningEngine:AiReasoningEngine",
    ],
    reason: "a serverless workload: the key encrypts its deployed source or image, not stored data (its Artifact Registry repository is checked)",
  },
  {
    id: "job-or-operation",
    match: [
      "gcp:backupdisasterrecovery/restoreWorkload:RestoreWorkload",
      "gcp:bigquery/job:Job",
      "gcp:colab/schedule:Schedule",
      "gcp:dataflow/pipeline:Pipeline",
      "gcp:dataplex/task:Task",
      "gcp:dataproc/batch:Batch",
      "gcp:dataproc/sessionTemplate:SessionTemplate",
      "gcp:dataproc/workflowTemplate:WorkflowTemplate",
      "gcp:storage/batchOperationsJob:BatchOperationsJob",
      "gcp:storage/transferJob:TransferJob",
      "gcp:vertex/aiSchedule:AiSchedule",
      "gcp:vertex/aiEvaluationMetric:AiEvaluationMetric",
    ],
    reason: "a job, schedule or one-off operation: the data it reads and writes lives in stores that are checked themselves",
  },
  {
    id: "credentials-or-keys",
    match: [
      "gcp:bigquery/connection:Connection",
      "gcp:bigquery/dataTransferConfig:DataTransferConfig",
      "gcp:certificateauthority/caPool:CaPool",
      "gcp:cloudbuild/trigger:Trigger",
      "gcp:integrationconnectors/connection:Connection",
      "gcp:kms/cryptoKeyVersion:CryptoKeyVersion",
      "gcp:kms/secretCiphertext:SecretCiphertext",
      "gcp:databasemigrationservice/connectionProfile:ConnectionProfile",
    ],
    reason: "the key protects credentials, certificates or a transfer's settings (or is the key itself), not stored data",
  },
  {
    id: "serving",
    match: [
      "gcp:discoveryengine/searchEngine:SearchEngine",
      "gcp:vertex/aiEndpoint:AiEndpoint",
      "gcp:vertex/aiIndexEndpoint:AiIndexEndpoint",
      "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
    ],
    reason: "serves or runs what other resources store (data stores, models, indexes, instance templates), which are checked themselves",
  },
];

/** Types that store data but are not checked by cmek-required: they are data-bearing all the same. */
export const CMEK_DATA_ELSEWHERE: readonly Exclusion[] = [
  {
    id: "inherits-key",
    match: ["gcp:bigquery/table:Table", "gcp:storage/bucketObject:BucketObject"],
    reason: "inherits the default key of its dataset or bucket, which is checked there",
  },
  {
    id: "from-source",
    match: ["gcp:compute/instanceFromMachineImage:InstanceFromMachineImage", "gcp:compute/instanceFromTemplate:InstanceFromTemplate"],
    reason: "its disks come from a machine image or an instance template, whose keys are checked there",
  },
  {
    id: "compute-disks",
    match: ["gcp:compute/instance:Instance", "gcp:compute/instanceTemplate:InstanceTemplate", "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate"],
    reason: "cmek-required checks every disk of these in policypack/src/lib/compute.ts (a CSEK key or a scratch disk fails; a disk attached from a Disk of the stack is checked as that Disk)",
  },
];

/**
 * Key fields that do not encrypt the resource's own data at rest. Patterns match a key path
 * ("diskEncryptionKey.kmsKeySelfLink", arrays as "disks[].x") of any in-scope type, or of one type
 * when written "<token> <path pattern>".
 */
export const KEY_PATH_EXCLUSIONS: readonly { readonly match: RegExp; readonly reason: string }[] = [
  { match: /(^|\.)source\w*EncryptionKey\./, reason: "decrypts the source image, snapshot, disk or machine image; the resource's own key is another field" },
  { match: /kerberosConfig\./, reason: "encrypts a Kerberos password, not data" },
  { match: /^gcp:apigee\/organization:Organization (apiConsumerDataEncryptionKeyName|controlPlaneEncryptionKeyName)$/, reason: "only for organisations with data residency; runtimeDatabaseEncryptionKeyName is the data key" },
  { match: /^gcp:container\/cluster:Cluster /, reason: "node boot disks are checked on the NodePool; the cluster's data key is databaseEncryption.keyName (reviewed override)" },
];

/**
 * Key fields the generator cannot find by name (reviewed overrides): they replace the derived
 * paths of the type.
 */
export const KEY_PATH_OVERRIDES: Readonly<Record<string, readonly string[]>> = {
  "gcp:container/cluster:Cluster": ["databaseEncryption.keyName"],
};

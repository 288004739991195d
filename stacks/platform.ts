/**
 * `readiness:stack:Platform`: what the three services share. A VPC with private services access
 * (Cloud SQL private IP), a regional private GKE cluster with Workload Identity and application-layer
 * secrets encryption, a node pool on the GKE metadata server, the Artifact Registry the images come
 * from, the on-call notification channel, and the log archive (a CMEK BigQuery dataset and its sink).
 * Platform resources carry no service label: they belong to no single service.
 */
import * as pulumi from "@pulumi/pulumi";
import { Repository } from "@pulumi/gcp/artifactregistry/repository";
import { Dataset } from "@pulumi/gcp/bigquery/dataset";
import { DatasetIamMember } from "@pulumi/gcp/bigquery/datasetIamMember";
import { GlobalAddress } from "@pulumi/gcp/compute/globalAddress";
import { Network } from "@pulumi/gcp/compute/network";
import { Subnetwork } from "@pulumi/gcp/compute/subnetwork";
import { Cluster } from "@pulumi/gcp/container/cluster";
import { NodePool } from "@pulumi/gcp/container/nodePool";
import { ProjectSink } from "@pulumi/gcp/logging/projectSink";
import { NotificationChannel } from "@pulumi/gcp/monitoring/notificationChannel";
import { IAMMember } from "@pulumi/gcp/projects/iammember";
import { Account } from "@pulumi/gcp/serviceaccount/account";
import { Connection } from "@pulumi/gcp/servicenetworking/connection";
import { Provider as K8sProvider } from "@pulumi/kubernetes/provider";
import type { StackConfig } from "./config";
import { gcpLabels } from "./labels";
import { createKeys, type Keys } from "./parts/kms";
import { serviceAgents } from "./parts/context";

export interface PlatformArgs {
  readonly config: StackConfig;
}

export class Platform extends pulumi.ComponentResource {
  readonly network: Network;
  readonly subnet: Subnetwork;
  /** Private services access: Cloud SQL instances with a private IP depend on it. */
  readonly privateServices: Connection;
  readonly cluster: Cluster;
  readonly clusterName: string;
  readonly nodePool: NodePool;
  readonly k8s: K8sProvider;
  readonly registry: Repository;
  /** Docker registry prefix: <region>-docker.pkg.dev/<project>/<repository>/ */
  readonly registryPrefix: string;
  readonly alertChannels: pulumi.Output<string>[];
  readonly keys?: Keys;
  readonly logDataset?: Dataset;
  readonly logSink?: ProjectSink;

  constructor(name: string, args: PlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("readiness:stack:Platform", name, {}, opts);
    const cfg = args.config;
    const p = cfg.platform;
    const env = cfg.environment;
    const region = p.region;
    const labels = (component: string) => gcpLabels(env, undefined, component);
    const agents = serviceAgents(cfg.projectNumber);

    // --------------------------------------------------------------------------- keys
    const keys = p.encryption.cmek
      ? createKeys(this, "platform", `platform-${env}`, region, p.encryption, labels("kms"), [
          { name: "gke-secrets", agents: [agents.gke] },
          { name: "gke-disks", agents: [agents.compute] },
          { name: "artifacts", agents: [agents.artifactRegistry] },
          { name: "logs", agents: [agents.bigquery] },
        ])
      : undefined;
    this.keys = keys;
    const keyId = (k: string) => keys?.keys[k]?.id;

    // --------------------------------------------------------------------------- network
    this.network = new Network("vpc", { name: `readiness-${env}`, autoCreateSubnetworks: false, routingMode: "REGIONAL" }, { parent: this });
    this.subnet = new Subnetwork(
      "subnet",
      {
        name: `readiness-${env}-${region}`,
        region,
        network: this.network.id,
        ipCidrRange: p.network.subnetCidr,
        privateIpGoogleAccess: true,
        secondaryIpRanges: [
          { rangeName: "pods", ipCidrRange: p.network.podsCidr },
          { rangeName: "services", ipCidrRange: p.network.servicesCidr },
        ],
        logConfig: { aggregationInterval: "INTERVAL_5_SEC", flowSampling: 0.5, metadata: "INCLUDE_ALL_METADATA" },
      },
      { parent: this },
    );
    const psaRange = new GlobalAddress(
      "private-services-range",
      { name: `readiness-${env}-psa`, purpose: "VPC_PEERING", addressType: "INTERNAL", prefixLength: p.network.privateServicesPrefixLength, network: this.network.id },
      { parent: this },
    );
    this.privateServices = new Connection(
      "private-services",
      { network: this.network.id, service: "servicenetworking.googleapis.com", reservedPeeringRanges: [psaRange.name] },
      { parent: this },
    );

    // --------------------------------------------------------------------------- registry
    this.registry = new Repository(
      "registry",
      {
        repositoryId: "services",
        location: region,
        format: "DOCKER",
        description: "Service images, referenced by digest",
        kmsKeyName: keyId("artifacts"),
        dockerConfig: { immutableTags: true },
        labels: labels("registry"),
      },
      { parent: this, dependsOn: [...(keys?.grants ?? [])] },
    );
    this.registryPrefix = `${region}-docker.pkg.dev/${cfg.project}/services/`;

    // --------------------------------------------------------------------------- GKE
    const nodeSa = new Account("gke-nodes", { accountId: `gke-nodes-${env}`, displayName: `GKE nodes (${env})` }, { parent: this });
    const nodeRoles = ["roles/logging.logWriter", "roles/monitoring.metricWriter", "roles/monitoring.viewer", "roles/artifactregistry.reader"];
    for (const role of nodeRoles) {
      new IAMMember(`gke-nodes-${role.split("/")[1]}`, { project: cfg.project, role, member: pulumi.interpolate`serviceAccount:${nodeSa.email}` }, { parent: this });
    }
    this.clusterName = `readiness-${env}`;
    this.cluster = new Cluster(
      "gke",
      {
        name: this.clusterName,
        location: region,
        network: this.network.id,
        subnetwork: this.subnet.id,
        removeDefaultNodePool: true,
        initialNodeCount: 1,
        deletionProtection: true,
        releaseChannel: { channel: p.gke.releaseChannel },
        workloadIdentityConfig: p.gke.workloadIdentity ? { workloadPool: `${cfg.project}.svc.id.goog` } : undefined,
        databaseEncryption: keys ? { state: "ENCRYPTED", keyName: keyId("gke-secrets") } : { state: "DECRYPTED" },
        ipAllocationPolicy: { clusterSecondaryRangeName: "pods", servicesSecondaryRangeName: "services" },
        privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false, masterIpv4CidrBlock: p.network.masterCidr },
        monitoringConfig: { enableComponents: ["SYSTEM_COMPONENTS"], managedPrometheus: { enabled: true } },
        loggingConfig: { enableComponents: ["SYSTEM_COMPONENTS", "WORKLOADS"] },
        resourceLabels: labels("gke"),
      },
      { parent: this, dependsOn: [...(keys?.grants ?? [])] },
    );
    this.nodePool = new NodePool(
      "gke-services",
      {
        name: "services",
        cluster: this.cluster.id,
        location: region,
        autoscaling: { minNodeCount: p.gke.minNodesPerZone, maxNodeCount: p.gke.maxNodesPerZone },
        management: { autoRepair: true, autoUpgrade: true },
        nodeConfig: {
          machineType: p.gke.machineType,
          diskType: "pd-balanced",
          bootDiskKmsKey: keyId("gke-disks"),
          serviceAccount: nodeSa.email,
          oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
          workloadMetadataConfig: { mode: p.gke.nodeMetadata },
          shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
          resourceLabels: labels("gke-node"),
        },
      },
      { parent: this },
    );
    const kubeconfig = pulumi.interpolate`apiVersion: v1
kind: Config
clusters:
- name: ${this.clusterName}
  cluster:
    certificate-authority-data: ${this.cluster.masterAuth.clusterCaCertificate}
    server: https://${this.cluster.endpoint}
contexts:
- name: ${this.clusterName}
  context: {cluster: ${this.clusterName}, user: ${this.clusterName}}
current-context: ${this.clusterName}
users:
- name: ${this.clusterName}
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: gke-gcloud-auth-plugin
      provideClusterInfo: true
`;
    this.k8s = new K8sProvider("gke", { kubeconfig: pulumi.secret(kubeconfig), enableServerSideApply: true }, { parent: this, dependsOn: [this.nodePool] });

    // --------------------------------------------------------------------------- on-call
    const email = new NotificationChannel(
      "oncall-email",
      { displayName: `On-call (${env})`, type: "email", labels: { email_address: cfg.alertEmail }, userLabels: labels("oncall") },
      { parent: this },
    );
    this.alertChannels = [email.name];

    // --------------------------------------------------------------------------- log archive
    if (p.logArchive.enabled) {
      const datasetId = `log_archive_${env}`;
      this.logDataset = new Dataset(
        "log-archive",
        {
          datasetId,
          location: region,
          description: "Archive of the services' logs (002 §7: BigQuery archive sink)",
          defaultEncryptionConfiguration: keys ? { kmsKeyName: keys.keys["logs"]?.id as pulumi.Output<string> } : undefined,
          defaultPartitionExpirationMs: p.logArchive.partitionExpirationDays * 86_400_000,
          deleteContentsOnDestroy: false,
          labels: labels("log-archive"),
        },
        { parent: this, dependsOn: [...(keys?.grants ?? [])] },
      );
      this.logSink = new ProjectSink(
        "log-archive",
        {
          name: `readiness-archive-${env}`,
          destination: `bigquery.googleapis.com/projects/${cfg.project}/datasets/${datasetId}`,
          filter: 'resource.type=("k8s_container" OR "cloud_run_revision" OR "cloudsql_database" OR "http_load_balancer")',
          uniqueWriterIdentity: true,
          bigqueryOptions: { usePartitionedTables: true },
        },
        { parent: this, dependsOn: [this.logDataset] },
      );
      new DatasetIamMember("log-archive-writer", { datasetId, role: "roles/bigquery.dataEditor", member: this.logSink.writerIdentity }, { parent: this, dependsOn: [this.logDataset] });
    }

    this.registerOutputs({ clusterName: this.clusterName, registryPrefix: this.registryPrefix });
  }
}

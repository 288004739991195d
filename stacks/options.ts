/**
 * The component's options: every setting a readiness gate checks is typed here and defaults to
 * the compliant value. A team may override any of them (stack config `readiness:services` /
 * `readiness:platform`); the policy pack then tells them which gate the override breaks.
 * docs/component.md lists each option with its default and its gate.
 */
import { z } from "zod";
import type { ServiceDefinition } from "./services";

export type Environment = "staging" | "production";

export interface Sizing {
  cpuRequest: string;
  memoryRequest: string;
  cpuLimit: string;
  memoryLimit: string;
  /** HPA minReplicas / Cloud Run min instances (workload-autoscaling). */
  minReplicas: number;
  maxReplicas: number;
  /** HPA CPU averageUtilization target, % (workload-autoscaling). */
  targetCpuUtilization: number;
}

export interface EncryptionOptions {
  /** Customer-managed keys on every data store (cmek-required). */
  cmek: boolean;
  /** CryptoKey rotation period in days (kms-key-hygiene: ≤ 90). */
  rotationDays: number;
  /** `protect: true` on keys (kms-key-hygiene). */
  protectKeys: boolean;
}

export interface ServiceOptions {
  /** Region of every data store and workload (data-residency). */
  region: string;
  /** Region of the read replica and its key (cloudsql-cross-region-replica). */
  drRegion: string;
  encryption: EncryptionOptions;
  database: {
    version: string;
    /** Machine tier (cloudsql-hardening minTier). */
    tier: string;
    /** cloudsql-hardening: REGIONAL in production. */
    availability: "REGIONAL" | "ZONAL";
    deletionProtection: boolean;
    /** A public IPv4 address (cloudsql-hardening: false). */
    publicIp: boolean;
    /** cloudsql-hardening: ENCRYPTED_ONLY (TLS only). */
    sslMode: "ENCRYPTED_ONLY" | "TRUSTED_CLIENT_CERTIFICATE_REQUIRED" | "ALLOW_UNENCRYPTED_AND_ENCRYPTED";
    /** The cloudsql.iam_authentication flag (cloudsql-hardening). */
    iamAuthentication: boolean;
    /** cloudsql-backups-pitr. */
    backups: boolean;
    backupStartTime: string;
    pointInTimeRecovery: boolean;
    pitrDays: number;
    retainedBackups: number;
    /** A read replica in drRegion (cloudsql-cross-region-replica). */
    drReplica: boolean;
  };
  pgbouncer: {
    /** pgbouncer-transaction-pooling: transaction. */
    poolMode: "transaction" | "session" | "statement";
    defaultPoolSize: number;
    maxClientConn: number;
  };
  workloads: { api: Sizing; workers: Sizing; pgbouncer: Sizing };
  /** CPU and memory limits on every container (workload-resource-limits). */
  resourceLimits: boolean;
  /** Liveness/readiness probe paths (workload-health-probes). */
  probes: { enabled: boolean; livenessPath: string; readinessPath: string };
  /** How secrets reach containers: mounted files from Secret Manager, or env (workload-secrets-not-in-env). */
  secretsDelivery: "volume" | "env";
  /** Extra plain env for the api and workers containers (workload-no-orm-synchronize reads it). */
  extraEnv: Record<string, string>;
  /** OpenTelemetry env on service containers (workload-telemetry). */
  telemetry: { enabled: boolean; endpoint: string; sampleRatio: number };
  /** Kubernetes ServiceAccounts bound to Google service accounts (workload-identity). */
  workloadIdentity: boolean;
  gateway: {
    /** Kong JWT plugin on the Ingress (gateway-jwt-auth). */
    jwt: boolean;
    /** Kong request-validator requiring the tenant header (gateway-jwt-auth). */
    tenantHeaderCheck: boolean;
    tenantHeader: string;
    /** Per-tenant requests per second (gateway-tenant-rate-limit: ≤ 50). */
    rateLimitPerSecond: number;
  };
  release: {
    /** Canary strategy in the Cloud Deploy pipeline (canary-release); false: standard. */
    canary: boolean;
    /** Traffic steps below 100 %, in order. */
    steps: number[];
    /** Automation wait after each step (Go duration: "30m"). */
    bake: string;
  };
  migrations: {
    /** Workloads depend on the migration Job (migration-job-before-deploy). */
    runBeforeDeploy: boolean;
    /** Directory of NNNN_name.up.sql/.down.sql files; default stacks/migrations/<service>. */
    dir?: string;
  };
  monitoring: {
    /** Base of the runbook links of alert policies (alert-runbooks: https). */
    runbookBaseUrl: string;
    /** Notification channels on alert policies (alert-runbooks). */
    notify: boolean;
    /** An SLO (service-slos). */
    slo: boolean;
    sloGoal: number;
    /** The checklist's dashboards (service-dashboards). */
    dashboards: boolean;
    /** uptime-checks. */
    uptimeCheck: boolean;
    uptimePeriod: string;
    uptimeRegions: string[];
    /** outbox-lag-alert. */
    outboxLagAlert: boolean;
    outboxLagThresholdSeconds: number;
  };
  /** The maintenance vendor-invoice bucket (regulated-data-retention). */
  invoiceBucket: {
    retentionYears: number;
    /** Lock the retention policy (irreversible). */
    lockRetention: boolean;
  };
}

export interface PlatformOptions {
  region: string;
  encryption: EncryptionOptions;
  network: { subnetCidr: string; podsCidr: string; servicesCidr: string; masterCidr: string; privateServicesPrefixLength: number };
  gke: {
    /** workloadIdentityConfig on the cluster (workload-identity). */
    workloadIdentity: boolean;
    /** Node pool metadata server (workload-identity: GKE_METADATA). */
    nodeMetadata: "GKE_METADATA" | "GCE_METADATA";
    machineType: string;
    minNodesPerZone: number;
    maxNodesPerZone: number;
    releaseChannel: "RAPID" | "REGULAR" | "STABLE";
  };
  /** Log sink to a BigQuery dataset (log-archive-sink). */
  logArchive: { enabled: boolean; partitionExpirationDays: number };
}

const ENV_DEFAULTS: Readonly<Record<Environment, { tier: string; sloGoal: number; machineType: string }>> = {
  production: { tier: "db-custom-4-16384", sloGoal: 0.999, machineType: "e2-standard-4" },
  staging: { tier: "db-custom-1-3840", sloGoal: 0.99, machineType: "e2-standard-2" },
};

function sizing(cpuRequest: string, memoryRequest: string, cpuLimit: string, memoryLimit: string, maxReplicas: number): Sizing {
  return { cpuRequest, memoryRequest, cpuLimit, memoryLimit, minReplicas: 2, maxReplicas, targetCpuUtilization: 70 };
}

/** The compliant defaults of a service in an environment. */
export function defaultServiceOptions(def: ServiceDefinition, env: Environment): ServiceOptions {
  const e = ENV_DEFAULTS[env];
  return {
    region: "europe-west1",
    drRegion: "europe-west4",
    encryption: { cmek: true, rotationDays: 90, protectKeys: true },
    database: {
      version: "POSTGRES_16",
      tier: e.tier,
      availability: "REGIONAL",
      deletionProtection: true,
      publicIp: false,
      sslMode: "ENCRYPTED_ONLY",
      iamAuthentication: true,
      backups: true,
      backupStartTime: "02:00",
      pointInTimeRecovery: true,
      pitrDays: 7,
      retainedBackups: 14,
      drReplica: true,
    },
    pgbouncer: { poolMode: "transaction", defaultPoolSize: 20, maxClientConn: 1000 },
    workloads: {
      api: sizing("250m", "512Mi", "1", "1Gi", 10),
      workers: sizing("250m", "512Mi", "1", "1Gi", 6),
      pgbouncer: sizing("100m", "128Mi", "500m", "256Mi", 4),
    },
    resourceLimits: true,
    probes: { enabled: true, livenessPath: "/health/live", readinessPath: "/health/ready" },
    secretsDelivery: "volume",
    extraEnv: {},
    telemetry: {
      enabled: true,
      endpoint: def.runtime === "cloudrun" ? "https://telemetry.googleapis.com" : "http://otel-collector.observability.svc.cluster.local:4317",
      sampleRatio: env === "production" ? 0.1 : 1,
    },
    workloadIdentity: true,
    gateway: { jwt: true, tenantHeaderCheck: true, tenantHeader: "X-Tenant-Id", rateLimitPerSecond: 50 },
    release: { canary: true, steps: [...def.canary.steps], bake: def.canary.bake },
    migrations: { runBeforeDeploy: true },
    monitoring: {
      runbookBaseUrl: "https://runbooks.example.com",
      notify: true,
      slo: true,
      sloGoal: e.sloGoal,
      dashboards: true,
      uptimeCheck: true,
      uptimePeriod: "60s",
      uptimeRegions: ["EUROPE", "USA", "ASIA_PACIFIC"],
      outboxLagAlert: def.outbox,
      outboxLagThresholdSeconds: 60,
    },
    invoiceBucket: { retentionYears: 7, lockRetention: true },
  };
}

export function defaultPlatformOptions(env: Environment): PlatformOptions {
  return {
    region: "europe-west1",
    encryption: { cmek: true, rotationDays: 90, protectKeys: true },
    network: { subnetCidr: "10.10.0.0/20", podsCidr: "10.16.0.0/14", servicesCidr: "10.20.0.0/20", masterCidr: "172.16.0.0/28", privateServicesPrefixLength: 16 },
    gke: {
      workloadIdentity: true,
      nodeMetadata: "GKE_METADATA",
      machineType: ENV_DEFAULTS[env].machineType,
      minNodesPerZone: 1,
      maxNodesPerZone: env === "production" ? 5 : 2,
      releaseChannel: "REGULAR",
    },
    logArchive: { enabled: true, partitionExpirationDays: 400 },
  };
}

// ------------------------------------------------------------------ override schemas (stack config)

const region = z.string().regex(/^[a-z]+-[a-z]+\d+$/, { message: 'must be a GCP region such as "europe-west1"' });
const quantity = z.string().regex(/^\d+(\.\d+)?(m|Ki|Mi|Gi)?$/, { message: 'must be a Kubernetes quantity such as "500m" or "1Gi"' });
const duration = z.string().regex(/^(\d+(\.\d+)?(s|m|h))+$/, { message: 'must be a duration such as "30m" or "1800s"' });
const path = z.string().regex(/^\/\S*$/, { message: 'must be an HTTP path such as "/health/live"' });

const encryptionSchema = z.strictObject({
  cmek: z.boolean(),
  rotationDays: z.number().int().min(1).max(3650),
  protectKeys: z.boolean(),
});

const sizingSchema = z.strictObject({
  cpuRequest: quantity,
  memoryRequest: quantity,
  cpuLimit: quantity,
  memoryLimit: quantity,
  minReplicas: z.number().int().min(0).max(1000),
  maxReplicas: z.number().int().min(1).max(1000),
  targetCpuUtilization: z.number().int().min(1).max(100),
});

/** What `readiness:services.<name>` may override: any option, partially. */
export const serviceOverrideSchema = z.strictObject({
  region,
  drRegion: region,
  encryption: encryptionSchema.partial(),
  database: z
    .strictObject({
      version: z.string().regex(/^POSTGRES_\d+$/, { message: 'must be a Cloud SQL Postgres version such as "POSTGRES_16"' }),
      tier: z.string().min(1),
      availability: z.enum(["REGIONAL", "ZONAL"]),
      deletionProtection: z.boolean(),
      publicIp: z.boolean(),
      sslMode: z.enum(["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED", "ALLOW_UNENCRYPTED_AND_ENCRYPTED"]),
      iamAuthentication: z.boolean(),
      backups: z.boolean(),
      backupStartTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be an HH:MM time such as "02:00"' }),
      pointInTimeRecovery: z.boolean(),
      pitrDays: z.number().int().min(1).max(35),
      retainedBackups: z.number().int().min(1).max(365),
      drReplica: z.boolean(),
    })
    .partial(),
  pgbouncer: z
    .strictObject({
      poolMode: z.enum(["transaction", "session", "statement"]),
      defaultPoolSize: z.number().int().min(1).max(10000),
      maxClientConn: z.number().int().min(1).max(100000),
    })
    .partial(),
  workloads: z.strictObject({ api: sizingSchema.partial(), workers: sizingSchema.partial(), pgbouncer: sizingSchema.partial() }).partial(),
  resourceLimits: z.boolean(),
  probes: z.strictObject({ enabled: z.boolean(), livenessPath: path, readinessPath: path }).partial(),
  secretsDelivery: z.enum(["volume", "env"]),
  extraEnv: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be an environment variable name" }), z.string()),
  telemetry: z.strictObject({ enabled: z.boolean(), endpoint: z.string().url(), sampleRatio: z.number().min(0).max(1) }).partial(),
  workloadIdentity: z.boolean(),
  gateway: z
    .strictObject({
      jwt: z.boolean(),
      tenantHeaderCheck: z.boolean(),
      tenantHeader: z.string().regex(/^[A-Za-z0-9-]+$/, { message: "must be an HTTP header name" }),
      rateLimitPerSecond: z.number().int().min(1),
    })
    .partial(),
  release: z
    .strictObject({
      canary: z.boolean(),
      steps: z.array(z.number().int().min(1).max(99)).min(1),
      bake: duration,
    })
    .partial(),
  migrations: z.strictObject({ runBeforeDeploy: z.boolean(), dir: z.string().min(1) }).partial(),
  monitoring: z
    .strictObject({
      runbookBaseUrl: z.string().url(),
      notify: z.boolean(),
      slo: z.boolean(),
      sloGoal: z.number().gt(0).lt(1),
      dashboards: z.boolean(),
      uptimeCheck: z.boolean(),
      uptimePeriod: z.enum(["60s", "300s", "600s", "900s"]),
      uptimeRegions: z.array(z.enum(["USA", "EUROPE", "SOUTH_AMERICA", "ASIA_PACIFIC", "USA_OREGON", "USA_IOWA", "USA_VIRGINIA"])).min(1),
      outboxLagAlert: z.boolean(),
      outboxLagThresholdSeconds: z.number().int().min(1),
    })
    .partial(),
  invoiceBucket: z.strictObject({ retentionYears: z.number().int().min(1).max(100), lockRetention: z.boolean() }).partial(),
}).partial();

export type ServiceOverride = z.infer<typeof serviceOverrideSchema>;

export const platformOverrideSchema = z
  .strictObject({
    region,
    encryption: encryptionSchema.partial(),
    network: z
      .strictObject({
        subnetCidr: z.string().min(1),
        podsCidr: z.string().min(1),
        servicesCidr: z.string().min(1),
        masterCidr: z.string().min(1),
        privateServicesPrefixLength: z.number().int().min(8).max(29),
      })
      .partial(),
    gke: z
      .strictObject({
        workloadIdentity: z.boolean(),
        nodeMetadata: z.enum(["GKE_METADATA", "GCE_METADATA"]),
        machineType: z.string().min(1),
        minNodesPerZone: z.number().int().min(0),
        maxNodesPerZone: z.number().int().min(1),
        releaseChannel: z.enum(["RAPID", "REGULAR", "STABLE"]),
      })
      .partial(),
    logArchive: z.strictObject({ enabled: z.boolean(), partitionExpirationDays: z.number().int().min(1) }).partial(),
  })
  .partial();

export type PlatformOverride = z.infer<typeof platformOverrideSchema>;

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep merge of an override over defaults: objects merge, arrays and scalars replace. */
export function merge<T>(base: T, override: unknown): T {
  if (!isPlain(base) || !isPlain(override)) return (override === undefined ? base : override) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    if (v === undefined) continue;
    out[k] = isPlain(out[k]) && isPlain(v) ? merge(out[k], v) : v;
  }
  return out as T;
}

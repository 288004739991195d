/**
 * The gate catalog: one typed record per automated gate of ../shared/GATES.md.
 *
 * The pack's policy metadata, the README table and the audit report are all derived from this
 * module. A gate name never changes once released (see policypack/CHANGELOG.md for the rule).
 */

export type Severity = "low" | "medium" | "high" | "critical";
export type Level = "advisory" | "mandatory";
export type SeedId = "000" | "001" | "002";

/** Which checklist (seed document) a gate comes from. */
export const SEEDS: Readonly<Record<SeedId, { service: string; title: string }>> = {
  "000": { service: "config", title: "Config Service — Service Readiness" },
  "001": { service: "registration", title: "Registration Service — Service Readiness" },
  "002": { service: "maintenance", title: "maintenance-service · SERVICE_READINESS" },
};

export interface SourceLine {
  seed: SeedId;
  /** Section heading in the seed document, e.g. "5. Storage & migrations". */
  section: string;
  /** The checklist line, as written in the seed document. */
  line: string;
}

export type Area =
  | "residency-encryption"
  | "database"
  | "migrations"
  | "workloads"
  | "identity-gateway"
  | "release"
  | "observability-retention"
  | "pack";

export interface Gate {
  name: string;
  title: string;
  area: Area;
  /** Resource policies see one resource (Analyze); stack policies see all of them (AnalyzeStack). */
  kind: "resource" | "stack";
  severity: Severity;
  level: Level;
  proves: string;
  remediation: string;
  sources: readonly SourceLine[];
}

const S5 = "5. Storage & migrations";
const S6 = "6. Security";
const S7 = "7. Observability";
const S8 = "8. Deployment";

function gate(g: Gate): Gate {
  return g;
}

export const GATES = [
  // ---------------------------------------------------------------- residency and encryption
  gate({
    name: "data-residency",
    title: "Data stays in the allowed regions",
    area: "residency-encryption",
    kind: "resource",
    severity: "critical",
    level: "mandatory",
    proves:
      "Every resource that stores or processes data sits in an allowed location (own field, else provider region/zone, else the stack's gcp:region). Multi-regions, global and automatic Secret Manager replication are violations; DR locations only for replicas and backups.",
    remediation:
      "Set the resource's location to an allowed region (default europe-west1); use a single region rather than a multi-region; give Secret Manager secrets user-managed replication in allowed regions; put Pub/Sub message storage policy on allowed regions.",
    sources: [{ seed: "002", section: "12. Compliance", line: "Data residency: confirmed all production storage in europe-west1" }],
  }),
  gate({
    name: "cmek-required",
    title: "Data encrypted with customer-managed keys",
    area: "residency-encryption",
    kind: "stack",
    severity: "high",
    level: "mandatory",
    proves:
      "Cloud SQL, buckets, BigQuery datasets, Pub/Sub topics, Secret Manager user-managed replicas, Artifact Registry, GKE application-layer secrets, Redis and disks name a Cloud KMS key. At preview a key that is unknown but depends on a CryptoKey of the stack counts as set.",
    remediation:
      "Create a gcp.kms.CryptoKey in the service's region and pass its id to the resource's encryption field (e.g. encryptionKeyName, encryption.defaultKmsKeyName, kmsKeyName).",
    sources: [
      { seed: "002", section: S6, line: "CMEK enabled on Cloud SQL and melmastoon-vendor-invoices/ bucket" },
      { seed: "001", section: "Security", line: "Portrait encryption key configured in secret manager" },
    ],
  }),
  gate({
    name: "kms-key-hygiene",
    title: "KMS keys rotate, are protected and are co-located",
    area: "residency-encryption",
    kind: "stack",
    severity: "high",
    level: "mandatory",
    proves:
      "CryptoKeys rotate at most every 90 days, are protected from destroy, and live in the same location as the resources they encrypt.",
    remediation:
      "Set rotationPeriod to at most 7776000s, create the key with the `protect: true` resource option, and create it in a key ring in the same region as the data it encrypts.",
    sources: [
      { seed: "002", section: S6, line: "CMEK enabled on Cloud SQL and melmastoon-vendor-invoices/ bucket" },
      { seed: "000", section: "Security", line: "Secret rotation procedure documented" },
    ],
  }),
  // ---------------------------------------------------------------- database
  gate({
    name: "cloudsql-backups-pitr",
    title: "Cloud SQL backups and point-in-time recovery",
    area: "database",
    kind: "resource",
    severity: "critical",
    level: "mandatory",
    proves:
      "Backups enabled with a daily start time, point-in-time recovery on, transaction logs kept for at least 7 days, at least 7 retained backups.",
    remediation:
      "Set settings.backupConfiguration = { enabled: true, startTime: \"03:00\", pointInTimeRecoveryEnabled: true, transactionLogRetentionDays: 7, backupRetentionSettings: { retainedBackups: 7 } }.",
    sources: [{ seed: "002", section: S5, line: "Backups: daily full + 7 d PITR; cross-region replica in europe-west4" }],
  }),
  gate({
    name: "cloudsql-cross-region-replica",
    title: "Cloud SQL primaries have a cross-region replica",
    area: "database",
    kind: "stack",
    severity: "high",
    level: "mandatory",
    proves: "Every production primary has a read replica (masterInstanceName) in the DR region (default europe-west4).",
    remediation:
      "Add a gcp.sql.DatabaseInstance with masterInstanceName set to the primary's name and region set to the DR region.",
    sources: [{ seed: "002", section: S5, line: "Backups: daily full + 7 d PITR; cross-region replica in europe-west4" }],
  }),
  gate({
    name: "cloudsql-hardening",
    title: "Cloud SQL hardening",
    area: "database",
    kind: "resource",
    severity: "high",
    level: "mandatory",
    proves:
      "Deletion protection, REGIONAL availability in production, no public IPv4, TLS-only connections, IAM authentication flag, tier at least the configured minimum.",
    remediation:
      "Set deletionProtection: true, settings.availabilityType: \"REGIONAL\", settings.ipConfiguration.ipv4Enabled: false with a privateNetwork, settings.ipConfiguration.sslMode: \"ENCRYPTED_ONLY\", the database flag cloudsql.iam_authentication=on, and a tier at least the configured minimum.",
    sources: [
      { seed: "002", section: S5, line: "PgBouncer in transaction mode in front of Cloud SQL" },
      { seed: "002", section: "13. Capacity & cost", line: "Cloud SQL sized for 2× expected peak" },
    ],
  }),
  gate({
    name: "pgbouncer-transaction-pooling",
    title: "PgBouncer in transaction mode",
    area: "database",
    kind: "stack",
    severity: "medium",
    level: "mandatory",
    proves: "Each Postgres instance is fronted by a PgBouncer workload whose pool mode is transaction.",
    remediation:
      "Deploy PgBouncer for the service with POOL_MODE=transaction (env) or pool_mode = transaction in a mounted pgbouncer.ini ConfigMap.",
    sources: [{ seed: "002", section: S5, line: "PgBouncer in transaction mode in front of Cloud SQL" }],
  }),
  gate({
    name: "postgres-required-extensions",
    title: "Required Postgres extensions are created",
    area: "database",
    kind: "stack",
    severity: "medium",
    level: "mandatory",
    proves: "The service's migrations create the extensions it declares it needs (pg_trgm for registration).",
    remediation: "Add CREATE EXTENSION IF NOT EXISTS <name>; to an early migration of the service.",
    sources: [{ seed: "001", section: "Infrastructure", line: "pg_trgm extension enabled in target DB" }],
  }),
  // ---------------------------------------------------------------- migrations
  gate({
    name: "migrations-tenant-rls",
    title: "Row-level security on every tenant table",
    area: "migrations",
    kind: "stack",
    severity: "critical",
    level: "mandatory",
    proves:
      "Every table with a tenant_id column has RLS ENABLED and FORCED and a policy whose USING and WITH CHECK tie tenant_id to the session's tenant setting; a table without tenant_id must be declared global.",
    remediation:
      "ALTER TABLE t ENABLE ROW LEVEL SECURITY; ALTER TABLE t FORCE ROW LEVEL SECURITY; CREATE POLICY tenant_isolation ON t USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid) WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);",
    sources: [
      { seed: "002", section: S5, line: "All tables have RLS enabled with tenant_id policy" },
      { seed: "000", section: "Security", line: "RLS policies verified in integration tests" },
      { seed: "001", section: "Infrastructure", line: "RLS policies verified in integration tests" },
    ],
  }),
  gate({
    name: "migrations-concurrent-index",
    title: "Indexes built concurrently",
    area: "migrations",
    kind: "stack",
    severity: "high",
    level: "mandatory",
    proves: "CREATE INDEX / DROP INDEX on existing tables use CONCURRENTLY.",
    remediation: "Use CREATE INDEX CONCURRENTLY (in a migration of its own, outside a transaction).",
    sources: [{ seed: "002", section: S5, line: "All CREATE INDEX statements use CONCURRENTLY in production migrations" }],
  }),
  gate({
    name: "migrations-expand-contract",
    title: "Expand-then-contract migrations",
    area: "migrations",
    kind: "stack",
    severity: "high",
    level: "mandatory",
    proves:
      "No destructive or locking step (drop/rename column or table, type change, SET NOT NULL on an existing column) outside a migration declared as a contract step.",
    remediation:
      "Split the change: expand (add the new column, backfill, dual-write), release, then contract in a migration declared as a contract step.",
    sources: [
      { seed: "002", section: S5, line: "Expand-then-contract migrations only; no destructive ops in single step" },
      { seed: "001", section: "Infrastructure", line: "DB migrations idempotent and reversible" },
    ],
  }),
  gate({
    name: "migrations-money-bigint",
    title: "Money as bigint micro-units",
    area: "migrations",
    kind: "stack",
    severity: "high",
    level: "mandatory",
    proves: "Money columns are bigint micro-units, never numeric/decimal/money/floating point.",
    remediation: "Store amounts as bigint micro-units (amount_micros bigint) with a currency column.",
    sources: [{ seed: "002", section: S5, line: "All money columns are bigint micro-units; never numeric decimal" }],
  }),
  gate({
    name: "migrations-reversible",
    title: "Every migration has a down migration",
    area: "migrations",
    kind: "stack",
    severity: "medium",
    level: "mandatory",
    proves: "Every up migration has a down migration.",
    remediation: "Add NNNN_name.down.sql beside NNNN_name.up.sql that undoes it.",
    sources: [
      { seed: "000", section: "Migrations", line: "Rollback migration tested" },
      { seed: "001", section: "Infrastructure", line: "DB migrations idempotent and reversible" },
    ],
  }),
  // ---------------------------------------------------------------- workloads
  gate({
    name: "workload-health-probes",
    title: "Health probes on the configured paths",
    area: "workloads",
    kind: "resource",
    severity: "high",
    level: "mandatory",
    proves:
      "Liveness and readiness probes on every serving container, on the configured paths (default /health/live, /health/ready); Cloud Run: liveness and startup probes.",
    remediation: "Add livenessProbe.httpGet.path: /health/live and readinessProbe.httpGet.path: /health/ready to each serving container.",
    sources: [
      { seed: "000", section: "Deployment", line: "Health check endpoints (/health/live, /health/ready) verified" },
      { seed: "001", section: "Infrastructure", line: "Readiness + liveness probes configured" },
      { seed: "002", section: S8, line: "Health and readiness probes configured" },
    ],
  }),
  gate({
    name: "workload-resource-limits",
    title: "CPU and memory requests and limits",
    area: "workloads",
    kind: "resource",
    severity: "high",
    level: "mandatory",
    proves: "CPU and memory requests and limits on every container (init containers too), within configured bounds; Cloud Run limits set.",
    remediation: "Set resources.requests and resources.limits for cpu and memory on every container, within the pack's bounds.",
    sources: [{ seed: "002", section: S8, line: "Resource limits set (CPU, mem) per DEPLOYMENT_TOPOLOGY.md §2" }],
  }),
  gate({
    name: "workload-autoscaling",
    title: "Autoscaling configured",
    area: "workloads",
    kind: "stack",
    severity: "medium",
    level: "mandatory",
    proves:
      "Each service Deployment is targeted by an HPA with minReplicas ≥ configured (2 in production), maxReplicas > min, CPU target within bounds (default 50–80 %); Cloud Run min and max instances set.",
    remediation: "Add a HorizontalPodAutoscaler (autoscaling/v2) in the same namespace whose scaleTargetRef names the Deployment.",
    sources: [
      { seed: "001", section: "Infrastructure", line: "HPA configured with correct thresholds" },
      { seed: "002", section: "13. Capacity & cost", line: "Cloud Run min/max instances set per environment" },
    ],
  }),
  gate({
    name: "workload-secrets-not-in-env",
    title: "No secrets in environment variables",
    area: "workloads",
    kind: "resource",
    severity: "critical",
    level: "mandatory",
    proves:
      "No literal secret-looking value in container env (by name and by value shape); in strict mode no secret delivered through env at all: secrets are mounted from Secret Manager.",
    remediation:
      "Remove the literal value; mount the secret from Secret Manager (Secrets Store CSI driver volume on GKE, secret volume on Cloud Run).",
    sources: [
      { seed: "000", section: "Code Quality", line: "No hardcoded secrets or credentials" },
      { seed: "002", section: S6, line: "Secrets in Secret Manager, never in env vars" },
    ],
  }),
  gate({
    name: "workload-no-orm-synchronize",
    title: "No ORM schema synchronisation",
    area: "workloads",
    kind: "resource",
    severity: "high",
    level: "mandatory",
    proves: "No container sets ORM schema synchronisation on (TYPEORM_SYNCHRONIZE, DB_SYNCHRONIZE, ... = true).",
    remediation: "Remove the variable or set it to false; schema changes go through migrations.",
    sources: [{ seed: "000", section: "Code Quality", line: "No synchronize: true in ORM config" }],
  }),
  gate({
    name: "workload-image-provenance",
    title: "Images from Artifact Registry, pinned by digest",
    area: "workloads",
    kind: "resource",
    severity: "high",
    level: "mandatory",
    proves: "Images come from the approved Artifact Registry and are pinned by digest.",
    remediation: "Use europe-west1-docker.pkg.dev/<project>/<repo>/<image>@sha256:<digest>.",
    sources: [{ seed: "000", section: "Deployment", line: "Docker image built and pushed to registry" }],
  }),
  gate({
    name: "workload-telemetry",
    title: "OpenTelemetry configured",
    area: "workloads",
    kind: "resource",
    severity: "medium",
    level: "mandatory",
    proves: "Service containers carry OpenTelemetry settings (service name, exporter endpoint).",
    remediation: "Set OTEL_SERVICE_NAME and OTEL_EXPORTER_OTLP_ENDPOINT on each service container.",
    sources: [
      { seed: "000", section: "Observability", line: "OpenTelemetry traces visible in Grafana/Tempo for staging" },
      { seed: "001", section: "Observability", line: "OpenTelemetry traces visible in staging Grafana" },
      { seed: "002", section: S7, line: "OTel tracing enabled with required attributes (per OBSERVABILITY.md §1)" },
    ],
  }),
  // ---------------------------------------------------------------- identity and gateway
  gate({
    name: "no-static-service-account-keys",
    title: "No static service-account keys",
    area: "identity-gateway",
    kind: "resource",
    severity: "critical",
    level: "mandatory",
    proves: "No gcp:serviceaccount/key:Key, no Kubernetes Secret holding a service-account key.",
    remediation: "Delete the key; use Workload Identity (a Kubernetes ServiceAccount annotated with iam.gke.io/gcp-service-account).",
    sources: [{ seed: "002", section: S6, line: "Workload Identity used for all GCP API calls; no static SA keys" }],
  }),
  gate({
    name: "workload-identity",
    title: "Workload Identity",
    area: "identity-gateway",
    kind: "stack",
    severity: "high",
    level: "mandatory",
    proves:
      "GKE clusters have Workload Identity, node pools use the GKE metadata server, every service pod runs as a Kubernetes ServiceAccount bound to a Google service account.",
    remediation:
      "Set workloadIdentityConfig.workloadPool on the cluster, nodeConfig.workloadMetadataConfig.mode: GKE_METADATA on node pools, and run pods as a ServiceAccount annotated iam.gke.io/gcp-service-account.",
    sources: [{ seed: "002", section: S6, line: "Workload Identity used for all GCP API calls; no static SA keys" }],
  }),
  gate({
    name: "gateway-jwt-auth",
    title: "JWT and tenant header at the gateway",
    area: "identity-gateway",
    kind: "stack",
    severity: "critical",
    level: "mandatory",
    proves: "Every Ingress/route of a service is behind a Kong JWT (or OIDC) plugin and a tenant-header check.",
    remediation: "Attach KongPlugins of type jwt and a tenant-header check via the konghq.com/plugins annotation.",
    sources: [{ seed: "002", section: S6, line: "All endpoints behind JWT + tenant header check at Kong" }],
  }),
  gate({
    name: "gateway-tenant-rate-limit",
    title: "Per-tenant rate limit at the gateway",
    area: "identity-gateway",
    kind: "stack",
    severity: "medium",
    level: "mandatory",
    proves: "A Kong rate-limiting plugin limits by tenant header at ≤ the configured rate (default 50 rps).",
    remediation: "Attach a rate-limiting KongPlugin with limit_by: header, header_name: X-Tenant-Id, second: 50.",
    sources: [{ seed: "002", section: "4. API & event hygiene", line: "Rate limits configured at Kong: 50 RPS per tenant for BFF" }],
  }),
  // ---------------------------------------------------------------- release
  gate({
    name: "canary-release",
    title: "Canary releases",
    area: "release",
    kind: "stack",
    severity: "high",
    level: "mandatory",
    proves:
      "Each service is released by a canary (Cloud Deploy canary strategy and automation waits, or Argo Rollout steps and pauses) with the configured progression.",
    remediation: "Add a Cloud Deploy delivery pipeline with a canary strategy and automation waits, or an Argo Rollout with setWeight/pause steps.",
    sources: [
      { seed: "000", section: "Deployment", line: "Canary deploy completed (5 % / 30 min) in staging" },
      { seed: "001", section: "Operations", line: "Canary deploy (5% / 30 min) completed in staging" },
      { seed: "002", section: S8, line: "Canary release: 10% → 50% → 100% traffic shift with bake intervals" },
    ],
  }),
  gate({
    name: "migration-job-before-deploy",
    title: "Migration job runs before deploy",
    area: "release",
    kind: "stack",
    severity: "high",
    level: "mandatory",
    proves: "A service with a database has a migration Job that runs before its workloads.",
    remediation: "Add a Job that runs the migrations and make the workloads depend on it (dependsOn).",
    sources: [{ seed: "002", section: S8, line: "Migration job runs pre-deploy; failure halts pipeline" }],
  }),
  // ---------------------------------------------------------------- observability and retention
  gate({
    name: "alert-runbooks",
    title: "Alerts have runbooks and channels",
    area: "observability-retention",
    kind: "resource",
    severity: "medium",
    level: "mandatory",
    proves: "Every alert policy has an https runbook link in its documentation and at least one notification channel.",
    remediation: "Set documentation.content with an https runbook link (or documentation.links) and notificationChannels.",
    sources: [
      { seed: "000", section: "Observability", line: "All SLO alerts configured with runbooks linked" },
      { seed: "001", section: "Observability", line: "All SLO alerts configured with runbooks" },
      { seed: "002", section: S7, line: "Alerts configured per OBSERVABILITY.md §6 with runbook links" },
    ],
  }),
  gate({
    name: "service-slos",
    title: "Every service has an SLO",
    area: "observability-retention",
    kind: "stack",
    severity: "medium",
    level: "mandatory",
    proves: "Every service has an SLO.",
    remediation: "Add a gcp.monitoring.Slo for the service (with the service label).",
    sources: [
      { seed: "000", section: "Observability", line: "All SLO alerts configured with runbooks linked" },
      { seed: "001", section: "Observability", line: "All SLO alerts configured with runbooks" },
      { seed: "002", section: S7, line: "SLOs published in error-budget tracking system" },
    ],
  }),
  gate({
    name: "service-dashboards",
    title: "Every service has a dashboard",
    area: "observability-retention",
    kind: "stack",
    severity: "low",
    level: "mandatory",
    proves: "Every service has a dashboard.",
    remediation: "Add a gcp.monitoring.Dashboard for the service, with \"labels\": {\"service\": \"<svc>\"} in its dashboardJson.",
    sources: [
      { seed: "000", section: "Observability", line: "Dashboard: Config Service Overview live in Grafana" },
      { seed: "002", section: S7, line: "Dashboards published: Service health, Operations, AI, Sync" },
    ],
  }),
  gate({
    name: "uptime-checks",
    title: "Uptime checks every 60 s from 3 regions",
    area: "observability-retention",
    kind: "stack",
    severity: "medium",
    level: "mandatory",
    proves: "Every public service has an uptime check every 60 s from ≥ 3 regions.",
    remediation: "Add a gcp.monitoring.UptimeCheckConfig with period \"60s\" and at least 3 selectedRegions.",
    sources: [{ seed: "002", section: S7, line: "Synthetic checks running every 60 s from 3 regions" }],
  }),
  gate({
    name: "log-archive-sink",
    title: "Logs archived to BigQuery",
    area: "observability-retention",
    kind: "stack",
    severity: "medium",
    level: "mandatory",
    proves: "A log sink archives to BigQuery.",
    remediation: "Add a gcp.logging.ProjectSink whose destination is bigquery.googleapis.com/projects/<p>/datasets/<d>.",
    sources: [{ seed: "002", section: S7, line: "BigQuery archive sink connected and ingesting" }],
  }),
  gate({
    name: "outbox-lag-alert",
    title: "Outbox lag alert",
    area: "observability-retention",
    kind: "stack",
    severity: "medium",
    level: "mandatory",
    proves: "A service with an outbox has an alert on outbox lag.",
    remediation: "Add an alert policy (userLabels service: <svc>) whose condition watches the service's outbox lag metric, e.g. outbox_lag_seconds.",
    sources: [{ seed: "001", section: "Observability", line: "Outbox lag alert firing + tested" }],
  }),
  gate({
    name: "regulated-data-retention",
    title: "Regulated data retained 7 years",
    area: "observability-retention",
    kind: "resource",
    severity: "high",
    level: "mandatory",
    proves: "Buckets holding regulated data keep objects ≥ 7 years under a locked retention policy.",
    remediation: "Set retentionPolicy = { retentionPeriod: 220752000 (7 years, in seconds), isLocked: true }.",
    sources: [{ seed: "002", section: "12. Compliance", line: "Vendor invoice files retained 7 years (regulated)" }],
  }),
] as const satisfies readonly Gate[];

export type GateName = (typeof GATES)[number]["name"];

const BY_NAME: ReadonlyMap<string, Gate> = new Map(GATES.map((g) => [g.name, g]));

export function gateByName(name: string): Gate | undefined {
  return BY_NAME.get(name);
}

/** The anchor of a gate in docs/gates.md, used as the policy's documentation URL. */
export function gateDocsUrl(name: string): string {
  return `https://github.com/readiness-guard/readiness-guard/blob/main/docs/gates.md#${name}`;
}

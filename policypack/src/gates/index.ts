/** Every gate of the pack, in catalog order (the order of ../shared/GATES.md). A spec checks this list against the folders. */
import type { Rule } from "../engine/rule";
import { dataResidency } from "./data-residency/gate";
import { cmekRequired } from "./cmek-required/gate";
import { kmsKeyHygiene } from "./kms-key-hygiene/gate";
import { cloudsqlBackupsPitr } from "./cloudsql-backups-pitr/gate";
import { cloudsqlCrossRegionReplica } from "./cloudsql-cross-region-replica/gate";
import { cloudsqlHardening } from "./cloudsql-hardening/gate";
import { pgbouncerTransactionPooling } from "./pgbouncer-transaction-pooling/gate";
import { postgresRequiredExtensions } from "./postgres-required-extensions/gate";
import { migrationsTenantRls } from "./migrations-tenant-rls/gate";
import { migrationsConcurrentIndex } from "./migrations-concurrent-index/gate";
import { migrationsExpandContract } from "./migrations-expand-contract/gate";
import { migrationsMoneyBigint } from "./migrations-money-bigint/gate";
import { migrationsReversible } from "./migrations-reversible/gate";
import { migrationsLockSafety } from "./migrations-lock-safety/gate";
import { workloadHealthProbes } from "./workload-health-probes/gate";
import { workloadResourceLimits } from "./workload-resource-limits/gate";
import { workloadAutoscaling } from "./workload-autoscaling/gate";
import { workloadSecretsNotInEnv } from "./workload-secrets-not-in-env/gate";
import { workloadNoOrmSynchronize } from "./workload-no-orm-synchronize/gate";
import { workloadImageProvenance } from "./workload-image-provenance/gate";
import { workloadTelemetry } from "./workload-telemetry/gate";
import { noStaticServiceAccountKeys } from "./no-static-service-account-keys/gate";
import { workloadIdentity } from "./workload-identity/gate";
import { gatewayJwtAuth } from "./gateway-jwt-auth/gate";
import { gatewayTenantRateLimit } from "./gateway-tenant-rate-limit/gate";
import { canaryRelease } from "./canary-release/gate";
import { migrationJobBeforeDeploy } from "./migration-job-before-deploy/gate";
import { alertRunbooks } from "./alert-runbooks/gate";
import { serviceSlos } from "./service-slos/gate";
import { serviceDashboards } from "./service-dashboards/gate";
import { uptimeChecks } from "./uptime-checks/gate";
import { logArchiveSink } from "./log-archive-sink/gate";
import { outboxLagAlert } from "./outbox-lag-alert/gate";
import { regulatedDataRetention } from "./regulated-data-retention/gate";
import { resourceCoverage } from "./resource-coverage/gate";

/** Every gate but resource-coverage, which is built over them (the types they know). */
const GATED: readonly Rule[] = [
  dataResidency,
  cmekRequired,
  kmsKeyHygiene,
  cloudsqlBackupsPitr,
  cloudsqlCrossRegionReplica,
  cloudsqlHardening,
  pgbouncerTransactionPooling,
  postgresRequiredExtensions,
  migrationsTenantRls,
  migrationsConcurrentIndex,
  migrationsExpandContract,
  migrationsMoneyBigint,
  migrationsReversible,
  migrationsLockSafety,
  workloadHealthProbes,
  workloadResourceLimits,
  workloadAutoscaling,
  workloadSecretsNotInEnv,
  workloadNoOrmSynchronize,
  workloadImageProvenance,
  workloadTelemetry,
  noStaticServiceAccountKeys,
  workloadIdentity,
  gatewayJwtAuth,
  gatewayTenantRateLimit,
  canaryRelease,
  migrationJobBeforeDeploy,
  alertRunbooks,
  serviceSlos,
  serviceDashboards,
  uptimeChecks,
  logArchiveSink,
  outboxLagAlert,
  regulatedDataRetention,
] as readonly Rule[];

export const RULES: readonly Rule[] = [...GATED, resourceCoverage(GATED) as Rule];

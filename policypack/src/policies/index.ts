/** Every rule of the pack, in catalog order. Adding a gate: the catalog, one rule here, its fixtures. */
import type { Rule } from "../engine/rule";
import { cloudsqlBackupsPitr, cloudsqlCrossRegionReplica, cloudsqlHardening } from "./database";
import { cmekRequired, kmsKeyHygiene } from "./encryption";
import { gatewayJwtAuth, gatewayTenantRateLimit } from "./gateway";
import { noStaticServiceAccountKeys, workloadIdentity } from "./identity";
import {
  alertRunbooks,
  logArchiveSink,
  outboxLagAlert,
  regulatedDataRetention,
  serviceDashboards,
  serviceSlos,
  uptimeChecks,
} from "./observability";
import {
  migrationsConcurrentIndex,
  migrationsExpandContract,
  migrationsMoneyBigint,
  migrationsReversible,
  migrationsTenantRls,
  postgresRequiredExtensions,
} from "./migrations";
import { canaryRelease, migrationJobBeforeDeploy } from "./release";
import { dataResidency } from "./residency";
import {
  pgbouncerTransactionPooling,
  workloadAutoscaling,
  workloadHealthProbes,
  workloadImageProvenance,
  workloadNoOrmSynchronize,
  workloadResourceLimits,
  workloadSecretsNotInEnv,
  workloadTelemetry,
} from "./workloads";

export const RULES: readonly Rule[] = [
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

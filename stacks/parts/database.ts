/**
 * Cloud SQL for Postgres: a CMEK primary with daily backups and 7-day point-in-time recovery,
 * regional availability, private IP only, TLS only, IAM database authentication and deletion
 * protection; a read replica in the DR region encrypted with a key of that region
 * (cloudsql-backups-pitr, cloudsql-hardening, cloudsql-cross-region-replica, cmek-required).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { CryptoKey } from "@pulumi/gcp/kms/cryptoKey";
import { Database } from "@pulumi/gcp/sql/database";
import { DatabaseInstance } from "@pulumi/gcp/sql/databaseInstance";
import { User } from "@pulumi/gcp/sql/user";
import type * as inputs from "@pulumi/gcp/types/input";
import { DR_ROLE } from "../labels";
import type { ServiceContext } from "./context";
import type { Identity } from "./identity";

export interface DatabaseParts {
  readonly primary: DatabaseInstance;
  readonly replica?: DatabaseInstance;
  readonly database: Database;
  /** "<project>:<region>:<instance>" for the Cloud SQL Auth Proxy (known at preview). */
  readonly connectionName: string;
  readonly instanceName: string;
  /** IAM database user names per identity role. */
  readonly iamUsers: Readonly<Record<string, string>>;
  readonly users: readonly User[];
}

export interface DatabaseInputs {
  readonly network: pulumi.Input<string>;
  readonly privateServices: pulumi.Resource;
  readonly key?: CryptoKey;
  readonly drKey?: CryptoKey;
  readonly keyGrants: readonly pulumi.Resource[];
  readonly identities: readonly Identity[];
}

/** The IAM database user of a service account: its email without ".gserviceaccount.com". */
export function iamUserName(email: string): string {
  return email.replace(/\.gserviceaccount\.com$/, "");
}

export function createDatabase(ctx: ServiceContext, input: DatabaseInputs): DatabaseParts {
  const { parent, svc, o, cfg } = ctx;
  const d = o.database;
  const instanceName = `${svc}-${ctx.env}`;
  const flags: inputs.sql.DatabaseInstanceSettingsDatabaseFlag[] = [
    ...(d.iamAuthentication ? [{ name: "cloudsql.iam_authentication", value: "on" }] : []),
    { name: "log_min_duration_statement", value: "1000" },
    { name: "log_lock_waits", value: "on" },
  ];
  const ipConfiguration: inputs.sql.DatabaseInstanceSettingsIpConfiguration = {
    ipv4Enabled: d.publicIp,
    privateNetwork: input.network,
    sslMode: d.sslMode,
    enablePrivatePathForGoogleCloudServices: true,
  };
  const primary = new DatabaseInstance(
    `${svc}-db`,
    {
      name: instanceName,
      region: o.region,
      databaseVersion: d.version,
      deletionProtection: d.deletionProtection,
      encryptionKeyName: input.key?.id,
      settings: {
        tier: d.tier,
        edition: "ENTERPRISE",
        availabilityType: d.availability,
        diskType: "PD_SSD",
        diskAutoresize: true,
        deletionProtectionEnabled: d.deletionProtection,
        userLabels: ctx.gcp("database"),
        backupConfiguration: d.backups
          ? {
              enabled: true,
              startTime: d.backupStartTime,
              location: o.region,
              pointInTimeRecoveryEnabled: d.pointInTimeRecovery,
              transactionLogRetentionDays: d.pitrDays,
              backupRetentionSettings: { retainedBackups: d.retainedBackups, retentionUnit: "COUNT" },
            }
          : { enabled: false },
        ipConfiguration,
        databaseFlags: flags,
        insightsConfig: { queryInsightsEnabled: true, recordApplicationTags: true },
        maintenanceWindow: { day: 7, hour: 3, updateTrack: "stable" },
      },
    },
    { parent, dependsOn: [input.privateServices, ...input.keyGrants] },
  );
  let replica: DatabaseInstance | undefined;
  if (d.drReplica) {
    replica = new DatabaseInstance(
      `${svc}-db-replica`,
      {
        name: `${instanceName}-dr`,
        region: o.drRegion,
        databaseVersion: d.version,
        masterInstanceName: primary.name,
        deletionProtection: d.deletionProtection,
        encryptionKeyName: input.drKey?.id,
        replicaConfiguration: { failoverTarget: false },
        settings: {
          tier: d.tier,
          edition: "ENTERPRISE",
          availabilityType: "ZONAL",
          diskType: "PD_SSD",
          diskAutoresize: true,
          deletionProtectionEnabled: d.deletionProtection,
          userLabels: ctx.gcp("database", { [DR_ROLE]: "replica" }),
          ipConfiguration,
          databaseFlags: flags,
        },
      },
      { parent, dependsOn: [...input.keyGrants] },
    );
  }
  const database = new Database(`${svc}-db-${svc}`, { name: svc, instance: primary.name, deletionPolicy: "ABANDON" }, { parent });
  const iamUsers: Record<string, string> = {};
  const users: User[] = [];
  for (const id of input.identities) {
    const name = iamUserName(id.email);
    iamUsers[id.role] = name;
    users.push(new User(`${svc}-db-user-${id.role}`, { instance: primary.name, name, type: "CLOUD_IAM_SERVICE_ACCOUNT" }, { parent, dependsOn: [id.account] }));
  }
  return { primary, replica, database, connectionName: `${cfg.project}:${o.region}:${instanceName}`, instanceName, iamUsers, users };
}

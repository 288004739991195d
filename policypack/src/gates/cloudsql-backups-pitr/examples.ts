/** Examples of `cloudsql-backups-pitr`, run by test/gates/examples.spec.ts. */
import { sqlPrimary, sqlReplica } from "../../../../test/fixtures/gcp";
import { at, examples, plus } from "../../../../test/support/examples";
import { UNKNOWN } from "../../../../test/support/fixtures";

const BC = "settings.backupConfiguration";

export default examples({
  baseline: () => [sqlPrimary()],
  compliant: [
    { title: "a replica, which holds no backups", stack: plus((b) => sqlReplica(b[0]!)) },
    { title: "retained backups left to the provider default (7)", stack: at(0, `${BC}.backupRetentionSettings`, undefined) },
    { title: "log retention left to the provider default (7 days)", stack: at(0, `${BC}.transactionLogRetentionDays`, undefined) },
    {
      title: "both left to the provider defaults",
      stack: (b) => at(0, `${BC}.transactionLogRetentionDays`, undefined)(at(0, `${BC}.backupRetentionSettings`, undefined)(b)),
    },
  ],
  violating: [
    { title: "backups off", stack: at(0, `${BC}.enabled`, false), expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): automated backups are not enabled (found settings.backupConfiguration.enabled false). Fix: set settings.backupConfiguration.enabled: true with a daily startTime such as \"03:00\"." }] },
    { title: "start time not HH:MM", stack: at(0, `${BC}.startTime`, "25:00"), expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): has no daily backup start time (found settings.backupConfiguration.startTime \"25:00\"). Fix: set settings.backupConfiguration.startTime to an HH:MM time, e.g. \"03:00\"." }] },
    { title: "PITR off (PostgreSQL)", stack: at(0, `${BC}.pointInTimeRecoveryEnabled`, false), expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): point-in-time recovery is off (found settings.backupConfiguration.pointInTimeRecoveryEnabled false). Fix: set settings.backupConfiguration.pointInTimeRecoveryEnabled: true." }] },
    {
      title: "binary logs off (MySQL)",
      stack: at(0, "databaseVersion", "MYSQL_8_0"),
      expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): point-in-time recovery is off (found settings.backupConfiguration.binaryLogEnabled not set). Fix: set settings.backupConfiguration.binaryLogEnabled: true." }],
    },
    { title: "3 days of transaction logs", stack: at(0, `${BC}.transactionLogRetentionDays`, 3), expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): keeps transaction logs for 3 days, fewer than the 7 days point-in-time recovery needs (found settings.backupConfiguration.transactionLogRetentionDays 3). Fix: set settings.backupConfiguration.transactionLogRetentionDays: 7." }] },
    { title: "3 retained backups", stack: at(0, `${BC}.backupRetentionSettings.retainedBackups`, 3), expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): retains 3 backups, fewer than 7 (found settings.backupConfiguration.backupRetentionSettings.retainedBackups 3). Fix: set settings.backupConfiguration.backupRetentionSettings.retainedBackups: 7." }] },
    { title: "a stricter config (30 retained backups)", stack: (b) => b, config: { minRetainedBackups: 30 }, expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): retains 14 backups, fewer than 30 (found settings.backupConfiguration.backupRetentionSettings.retainedBackups 14). Fix: set settings.backupConfiguration.backupRetentionSettings.retainedBackups: 30." }] },
    { title: "backup settings unknown at preview", stack: at(0, BC, UNKNOWN), expect: [{ name: "registration-db", kind: "undecided", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): 'settings.backupConfiguration.enabled' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "start time unknown", stack: at(0, `${BC}.startTime`, UNKNOWN), expect: [{ name: "registration-db", kind: "undecided", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): 'settings.backupConfiguration.startTime' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "PITR flag unknown", stack: at(0, `${BC}.pointInTimeRecoveryEnabled`, UNKNOWN), expect: [{ name: "registration-db", kind: "undecided", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): 'settings.backupConfiguration.pointInTimeRecoveryEnabled' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "log retention unknown", stack: at(0, `${BC}.transactionLogRetentionDays`, UNKNOWN), expect: [{ name: "registration-db", kind: "undecided", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): 'settings.backupConfiguration.transactionLogRetentionDays' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "retained backups unknown", stack: at(0, `${BC}.backupRetentionSettings.retainedBackups`, UNKNOWN), expect: [{ name: "registration-db", kind: "undecided", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): 'settings.backupConfiguration.backupRetentionSettings.retainedBackups' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
  ],
});

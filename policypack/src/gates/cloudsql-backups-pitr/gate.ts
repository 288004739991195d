/** The `cloudsql-backups-pitr` gate: its catalog record, settings and check. */
import { z } from "zod";
import { show, T } from "../../access";
import { defineMeta } from "../../engine/meta";
import { resourceGate, violation } from "../../engine/rule";
import { isPostgres, isReplica } from "../../lib/cloudsql";
import { undecidedField } from "../../lib/undecided";

export const meta = defineMeta({
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
  sources: [{ seed: "002", section: "5. Storage & migrations", line: "Backups: daily full + 7 d PITR; cross-region replica in europe-west4" }],
});

export const settings = z.strictObject({
  minPitrDays: z.number().int().min(1).max(35).default(7),
  minRetainedBackups: z.number().int().min(1).max(365).default(7),
});

/** Cloud SQL applies these when the field is not set (documented provider defaults). */
const GCP_DEFAULT_RETAINED_BACKUPS = 7;
const GCP_DEFAULT_TXLOG_DAYS = 7;

const BC = "settings.backupConfiguration";

export const cloudsqlBackupsPitr = resourceGate({
  meta,
  types: [T.sqlInstance],
  settings,
  check(r, s, report) {
    if (isReplica(r)) return; // replicas cannot hold backups; the primary's gate covers them
    const fail = (problem: string, found: string, fix: string) => report({ message: violation(r.display(), problem, found, fix) });
    if (undecidedField(r, `${BC}.enabled`, report)) return;
    if (r.bool(`${BC}.enabled`) !== true) {
      fail("automated backups are not enabled", `${BC}.enabled ${show(r.value(`${BC}.enabled`))}`, `set ${BC}.enabled: true with a daily startTime such as "03:00"`);
      return;
    }
    if (!undecidedField(r, `${BC}.startTime`, report)) {
      const start = r.str(`${BC}.startTime`);
      if (!start || !/^([01]\d|2[0-3]):[0-5]\d$/.test(start)) {
        fail("has no daily backup start time", `${BC}.startTime ${show(start)}`, `set ${BC}.startTime to an HH:MM time, e.g. "03:00"`);
      }
    }
    const pitrField = isPostgres(r) ? "pointInTimeRecoveryEnabled" : "binaryLogEnabled";
    if (!undecidedField(r, `${BC}.${pitrField}`, report) && r.bool(`${BC}.${pitrField}`) !== true) {
      fail("point-in-time recovery is off", `${BC}.${pitrField} ${show(r.value(`${BC}.${pitrField}`))}`, `set ${BC}.${pitrField}: true`);
    }
    if (!undecidedField(r, `${BC}.transactionLogRetentionDays`, report)) {
      const days = r.num(`${BC}.transactionLogRetentionDays`) ?? GCP_DEFAULT_TXLOG_DAYS;
      if (days < s.minPitrDays) {
        fail(
          `keeps transaction logs for ${days} days, fewer than the ${s.minPitrDays} days point-in-time recovery needs`,
          `${BC}.transactionLogRetentionDays ${days}`,
          `set ${BC}.transactionLogRetentionDays: ${s.minPitrDays}`,
        );
      }
    }
    const retainedPath = `${BC}.backupRetentionSettings.retainedBackups`;
    if (!undecidedField(r, retainedPath, report)) {
      const n = r.num(retainedPath) ?? GCP_DEFAULT_RETAINED_BACKUPS;
      if (n < s.minRetainedBackups) {
        fail(`retains ${n} backups, fewer than ${s.minRetainedBackups}`, `${retainedPath} ${n}`, `set ${retainedPath}: ${s.minRetainedBackups}`);
      }
    }
  },
});

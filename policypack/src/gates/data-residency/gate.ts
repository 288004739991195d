/** The `data-residency` gate: its catalog record, settings and check. */
import { z } from "zod";
import { describeSource, show, T, type ResourceView } from "../../access";
import { regionSchema } from "../../engine/config";
import { defineMeta } from "../../engine/meta";
import { resourceGate, undecidedMessage, violation } from "../../engine/rule";
import { isReplica } from "../../lib/cloudsql";
import { GCP_LOCATION_FIELDS } from "../../lib/gcp-scope";

export const meta = defineMeta({
  name: "data-residency",
  title: "Data stays in the allowed regions",
  area: "residency-encryption",
  kind: "resource",
  severity: "critical",
  level: "mandatory",
  proves:
    "Every resource that stores or processes data sits in an allowed location (own field, else provider region/zone, else the stack's gcp:region): every GCP type with a location, region or zone input except reviewed exclusions (docs/gcp-scope.md), plus Pub/Sub topics and Secret Manager secrets. Multi-regions, global and automatic Secret Manager replication are violations; DR locations only for replicas and backups.",
  remediation:
    "Set the resource's location to an allowed region (default europe-west1); use a single region rather than a multi-region; give Secret Manager secrets user-managed replication in allowed regions; put Pub/Sub message storage policy on allowed regions.",
  sources: [{ seed: "002", section: "12. Compliance", line: "Data residency: confirmed all production storage in europe-west1" }],
});

/** The types this gate covered before its scope was derived from the provider (issue #18). */
const REVIEWED_BEFORE: readonly string[] = [
  T.sqlInstance,
  T.bucket,
  T.bqDataset,
  T.pubsubTopic,
  T.secret,
  T.artifactRepo,
  T.gkeCluster,
  T.gkeNodePool,
  T.redis,
  T.disk,
  T.regionDisk,
  T.kmsKeyRing,
  T.cloudRunService,
  T.cloudRunJob,
];

/**
 * Resources that store or process data: every GCP type with a location, region or zone input that
 * is not a reviewed exclusion (lib/gcp-scope.ts, docs/gcp-scope.md), and Pub/Sub topics and Secret
 * Manager secrets (type-specific location rules).
 */
export const DATA_TYPES: readonly string[] = [...new Set([...REVIEWED_BEFORE, ...GCP_LOCATION_FIELDS.keys()])];

export const settings = z.strictObject({
  allowedRegions: z.array(regionSchema).min(1).default(["europe-west1"]),
  drRegions: z.array(regionSchema).default(["europe-west4"]),
  /** Label that marks a resource as a replica or backup (allowed in a DR region). */
  drRoleLabel: z.string().default("dr-role"),
});

/**
 * A replica or backup may live in a DR region. So may a KMS key ring: it holds the keys of the DR
 * data beside it (kms-key-hygiene requires keys in the region of the data), and has no labels.
 */
function isReplicaOrBackup(r: ResourceView, drRoleLabel: string): boolean {
  if (r.type === T.sqlInstance && isReplica(r)) return true;
  if (r.type === T.kmsKeyRing) return true;
  const role = r.label(drRoleLabel);
  return role === "replica" || role === "backup";
}

export const dataResidency = resourceGate({
  meta,
  types: DATA_TYPES,
  settings,
  check(r, s, report) {
    const loc = r.location();
    const allowed = s.allowedRegions.join(", ");
    if (loc.kind === "unknown") {
      report({ message: undecidedMessage(r.display(), `its location ('${loc.field}')`), undecided: true });
      return;
    }
    if (loc.kind === "absent") {
      report({
        message: violation(
          r.display(),
          "has no location: no own location field, no provider region and no stack 'gcp:region', so Google's default location (often US) applies",
          undefined,
          `set its location to ${allowed}, or set 'gcp:region' in the stack config`,
        ),
      });
      return;
    }
    const where = describeSource(loc);
    if (loc.invalid) {
      // A field of the wrong type is never a pass, and never silently replaced by the provider's region.
      report({
        message: violation(r.display(), `has a location of the wrong type in ${where}: expected ${loc.invalid.expected}`, loc.invalid.found, `set ${loc.field} to one of ${allowed}`),
      });
      return;
    }
    if (loc.multiRegion) {
      report({
        message: violation(
          r.display(),
          `is stored in a multi-region or global location, from ${where}; data may leave ${allowed}`,
          loc.raw.map((v) => show(v)).join(", "),
          r.type === T.secret
            ? `use user-managed replication with replicas in ${allowed}`
            : r.type === T.pubsubTopic
              ? `set messageStoragePolicy.allowedPersistenceRegions to [${s.allowedRegions.map((x) => `"${x}"`).join(", ")}]`
              : `use the single region ${s.allowedRegions[0]}`,
        ),
      });
      return;
    }
    const dr = isReplicaOrBackup(r, s.drRoleLabel);
    const bad = loc.regions.filter((g) => !s.allowedRegions.includes(g) && !(dr && s.drRegions.includes(g)));
    if (bad.length === 0) return;
    const inDr = bad.every((g) => s.drRegions.includes(g));
    report({
      message: violation(
        r.display(),
        inDr
          ? `is in the DR region ${bad.join(", ")} (from ${where}) but is not a replica or backup; DR regions hold only replicas and backups`
          : `is outside the allowed regions ${allowed} (from ${where})`,
        bad.map((v) => show(v)).join(", "),
        inDr
          ? `move it to ${allowed}, or label it ${s.drRoleLabel}=replica or ${s.drRoleLabel}=backup if it is one`
          : `set its location to ${allowed}`,
      ),
    });
  },
});

/** The `cloudsql-cross-region-replica` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { cloudsqlCrossRegionReplica as legacy } from "../../policies/database";

export const meta = defineMeta({
  name: "cloudsql-cross-region-replica",
  title: "Cloud SQL primaries have a cross-region replica",
  area: "database",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves: "Every production primary has a read replica (masterInstanceName) in the DR region (default europe-west4).",
  remediation:
    "Add a gcp.sql.DatabaseInstance with masterInstanceName set to the primary's name and region set to the DR region.",
  sources: [{ seed: "002", section: "5. Storage & migrations", line: "Backups: daily full + 7 d PITR; cross-region replica in europe-west4" }],
});

export const cloudsqlCrossRegionReplica = withMeta(meta, legacy);

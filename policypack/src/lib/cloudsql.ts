/** What the Cloud SQL gates read from an instance (gcp:sql/databaseInstance:DatabaseInstance). */
import type { ResourceView } from "../access";

/** A read replica names its primary in `masterInstanceName`. */
export function isReplica(r: ResourceView): boolean {
  return r.get("masterInstanceName").kind !== "absent";
}

/** PostgreSQL, or a version not known yet (treated as PostgreSQL, the topology's engine). */
export function isPostgres(r: ResourceView): boolean {
  const v = r.str("databaseVersion");
  return v === undefined || v.toUpperCase().startsWith("POSTGRES");
}

/** The `pgbouncer-transaction-pooling` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { pgbouncerTransactionPooling as legacy } from "../../policies/workloads";

export const meta = defineMeta({
  name: "pgbouncer-transaction-pooling",
  title: "PgBouncer in transaction mode",
  area: "database",
  kind: "stack",
  severity: "medium",
  level: "mandatory",
  proves: "Each Postgres instance is fronted by a PgBouncer workload whose pool mode is transaction.",
  remediation:
    "Deploy PgBouncer for the service with POOL_MODE=transaction (env) or pool_mode = transaction in a mounted pgbouncer.ini ConfigMap.",
  sources: [{ seed: "002", section: "5. Storage & migrations", line: "PgBouncer in transaction mode in front of Cloud SQL" }],
});

export const pgbouncerTransactionPooling = withMeta(meta, legacy);

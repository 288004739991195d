/** The `workload-no-orm-synchronize` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { workloadNoOrmSynchronize as legacy } from "../../policies/workloads";

export const meta = defineMeta({
  name: "workload-no-orm-synchronize",
  title: "No ORM schema synchronisation",
  area: "workloads",
  kind: "resource",
  severity: "high",
  level: "mandatory",
  proves: "No container sets ORM schema synchronisation on (TYPEORM_SYNCHRONIZE, DB_SYNCHRONIZE, ... = true).",
  remediation: "Remove the variable or set it to false; schema changes go through migrations.",
  sources: [{ seed: "000", section: "Code Quality", line: "No synchronize: true in ORM config" }],
});

export const workloadNoOrmSynchronize = withMeta(meta, legacy);

/** The `migration-job-before-deploy` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { migrationJobBeforeDeploy as legacy } from "../../policies/release";

export const meta = defineMeta({
  name: "migration-job-before-deploy",
  title: "Migration job runs before deploy",
  area: "release",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves: "A service with a database has a migration Job that runs before its workloads.",
  remediation: "Add a Job that runs the migrations and make the workloads depend on it (dependsOn).",
  sources: [{ seed: "002", section: "8. Deployment", line: "Migration job runs pre-deploy; failure halts pipeline" }],
});

export const migrationJobBeforeDeploy = withMeta(meta, legacy);

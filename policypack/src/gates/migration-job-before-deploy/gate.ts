/** The `migration-job-before-deploy` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asArray, asString, lookup, T, valueAt, type ResourceView } from "../../access";
import { defineMeta } from "../../engine/meta";
import { stackGate, undecidedMessage, violation } from "../../engine/rule";
import { names, stackServices } from "../../lib/services";

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

export const settings = z.strictObject({
  componentValues: z
    .array(z.string().min(1))
    .min(1)
    .default(["migrations", "migration"])
    .describe("Values of the label app.kubernetes.io/component that mark a Job as the service's migrations."),
});

export const COMPONENT_LABEL = "app.kubernetes.io/component";
const MIGRATION_TEXT = /migrat/i;

const PREDEPLOY_PATHS = [
  "strategy.standard.predeploy",
  "strategy.canary.canaryDeployment.predeploy",
  "strategy.canary.customCanaryDeployment.phaseConfigs.0.predeploy",
] as const;

/** Does a Cloud Deploy pipeline run migrations as a predeploy action or task in one of its stages? */
export function predeployMigration(p: ResourceView): "yes" | "no" | "unknown" {
  const stages = p.get("serialPipeline.stages");
  if (stages.kind === "unknown") return "unknown";
  let result: "no" | "unknown" = "no";
  for (const stage of asArray(stages.kind === "known" ? stages.value : undefined)) {
    for (const path of PREDEPLOY_PATHS) {
      const hook = lookup(stage, path);
      if (hook.kind === "unknown") result = "unknown";
      if (hook.kind !== "known") continue;
      if (asArray(valueAt(hook.value, "actions")).some((a) => MIGRATION_TEXT.test(asString(a) ?? ""))) return "yes";
      for (const t of asArray(valueAt(hook.value, "tasks"))) {
        const c = valueAt(t, "container");
        const text = [valueAt(c, "image"), ...asArray(valueAt(c, "command")), ...asArray(valueAt(c, "args"))].map((x) => asString(x) ?? "").join(" ");
        if (MIGRATION_TEXT.test(text)) return "yes";
      }
    }
  }
  return result;
}

/**
 * A connection pooler (PgBouncer) runs no application code against the schema, so it need not wait
 * for the migrations: component label "pgbouncer", or every container image is a pgbouncer image.
 */
export function isPooler(w: ResourceView): boolean {
  if ((w.label(COMPONENT_LABEL) ?? w.label("component")) === "pgbouncer") return true;
  const images = asArray(w.value("spec.template.spec.containers")).map((c) => asString(valueAt(c, "image")) ?? "");
  return images.length > 0 && images.every((i) => /pgbouncer/i.test(i));
}

export const migrationJobBeforeDeploy = stackGate({
  meta,
  settings,
  check(stack, s, report) {
    const services = stackServices(stack);
    // Services with a database: one pass over Cloud SQL instances.
    const databases = new Map<string, ResourceView[]>();
    for (const db of stack.ofType(T.sqlInstance)) {
      const svc = stack.serviceOf(db);
      if (!svc) continue;
      let list = databases.get(svc);
      if (!list) databases.set(svc, (list = []));
      list.push(db);
    }
    if (databases.size === 0) return;
    // Migration jobs per service, and every URN that is or contains one (its ancestors).
    const jobs = new Map<string, ResourceView[]>();
    const notRun = new Map<string, ResourceView[]>();
    const contains = new Map<string, string[]>();
    for (const j of stack.ofType(T.job, T.cloudRunJob)) {
      const svc = stack.serviceOf(j);
      if (!svc || !s.componentValues.includes(j.label(COMPONENT_LABEL) ?? "")) continue;
      // A Cloud Run job only runs on deploy when it has a run execution token.
      if (j.type === T.cloudRunJob && j.get("runExecutionToken").kind === "absent") {
        notRun.set(svc, [...(notRun.get(svc) ?? []), j]);
        continue;
      }
      let list = jobs.get(svc);
      if (!list) jobs.set(svc, (list = []));
      list.push(j);
      let cur: ResourceView | undefined = j;
      for (let depth = 0; cur && depth < 64; depth++) {
        const c = contains.get(cur.urn) ?? [];
        c.push(j.urn);
        contains.set(cur.urn, c);
        const parent = cur.parentUrn();
        cur = parent ? stack.byUrn(parent) : undefined;
      }
    }
    // Memoised: the migration jobs a URN waits for, through dependencies (transitively).
    const memo = new Map<string, ReadonlySet<string>>();
    const reach = (urn: string, depth: number): ReadonlySet<string> => {
      const m = memo.get(urn);
      if (m) return m;
      const out = new Set<string>(contains.get(urn) ?? []);
      memo.set(urn, out); // cycle guard: a cycle adds nothing new
      const r = stack.byUrn(urn);
      if (r && depth < 256) for (const d of r.input.dependencies ?? []) for (const j of reach(d, depth + 1)) out.add(j);
      return out;
    };
    const waitsFor = (w: ResourceView, jobUrns: ReadonlySet<string>): boolean => {
      let cur: ResourceView | undefined = w;
      for (let depth = 0; cur && depth < 64; depth++) {
        for (const d of cur.input.dependencies ?? []) for (const j of reach(d, 0)) if (jobUrns.has(j)) return true;
        const parent = cur.parentUrn();
        cur = parent ? stack.byUrn(parent) : undefined;
      }
      return false;
    };
    for (const [svc, dbs] of [...databases.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const entry = services.get(svc);
      const workloads = entry?.workloads ?? [];
      const own = jobs.get(svc) ?? [];
      const subject = entry?.anchor ?? (dbs[0] as ResourceView);
      if (own.length === 0) {
        const hooks = (entry?.pipelines ?? []).map(predeployMigration);
        if (hooks.includes("yes")) continue;
        if (hooks.includes("unknown")) {
          report({ subject, service: svc, undecided: true, message: undecidedMessage(`service '${svc}'`, "whether its Cloud Deploy pipeline runs migrations before deploying (its stages)") });
          continue;
        }
        const idle = notRun.get(svc) ?? [];
        report({
          subject,
          service: svc,
          message: violation(
            `service '${svc}'`,
            `has a database (${names(dbs)}) but no migration Job that runs before it is deployed`,
            idle.length > 0
              ? `Cloud Run job ${names(idle)} has no runExecutionToken, so it does not run on deploy`
              : `no kubernetes:batch/v1:Job labelled ${COMPONENT_LABEL}: ${s.componentValues[0]} with the service's label`,
            `add a Kubernetes Job (or a Cloud Run v2 Job with runExecutionToken) labelled ${COMPONENT_LABEL}: "${s.componentValues[0]}" and app.kubernetes.io/part-of: "${svc}" that runs the migrations, and make the service's workloads dependOn it`,
          ),
        });
        continue;
      }
      const jobUrns = new Set(own.map((j) => j.urn));
      const early = workloads.filter((w) => !isPooler(w) && !waitsFor(w, jobUrns));
      if (early.length === 0) continue;
      report({
        subject: early[0] as ResourceView,
        service: svc,
        message: violation(
          `service '${svc}'`,
          `has workloads that do not wait for its migration Job ${names(own)}, so new code can start before the schema is migrated`,
          `${names(early)} without a dependency on the Job`,
          `add dependsOn: [<migration Job>] to ${names(early)} (or to the component that creates them)`,
        ),
      });
    }
  },
});

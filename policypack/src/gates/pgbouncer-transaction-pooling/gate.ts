/** The `pgbouncer-transaction-pooling` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asArray, asString, show, T, valueAt, type ResourceView } from "../../access";
import { K8S_WORKLOAD_TYPES, type ContainerView, type Workload } from "../../access/k8s";
import { defineMeta } from "../../engine/meta";
import { stackGate, violation } from "../../engine/rule";
import { reportUndecided } from "../../lib/undecided";
import { imageOf, workloadOf } from "../../lib/workloads";

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

export const settings = z.strictObject({});

type PoolVerdict = { readonly mode: "transaction" } | { readonly mode: "other"; readonly found: string } | { readonly mode: "unknown"; readonly what: string };

/** An image that runs PgBouncer (any registry, case-insensitive). */
const PGBOUNCER_IMAGE = /pgbouncer/i;

/** pool_mode from a pgbouncer.ini text: the [pgbouncer] setting and any per-database override. */
export function iniPoolMode(ini: string): { global?: string; overrides: readonly string[] } {
  let section = "";
  let global: string | undefined;
  const overrides: string[] = [];
  for (const rawLine of ini.split(/\r?\n/)) {
    const line = rawLine.replace(/^\s+/, "");
    if (line.startsWith(";") || line.startsWith("#") || line === "") continue;
    const sec = /^\[([^\]]+)\]/.exec(line);
    if (sec) {
      section = (sec[1] as string).trim().toLowerCase();
      continue;
    }
    if (section === "pgbouncer") {
      const m = /^pool_mode\s*=\s*([A-Za-z]+)/i.exec(line);
      if (m) global = (m[1] as string).toLowerCase();
    } else if (section === "databases" || section === "users") {
      const m = /\bpool_mode\s*=\s*([A-Za-z]+)/i.exec(line);
      if (m) overrides.push((m[1] as string).toLowerCase());
    }
  }
  return { global, overrides };
}

/** The pool mode of a pgbouncer workload: env first, else a mounted ConfigMap's pgbouncer.ini. */
function poolMode(w: Workload, c: ContainerView, configMaps: ReadonlyMap<string, ResourceView>): PoolVerdict {
  const env = w.env(c);
  if (env.unknown) return { mode: "unknown", what: `'${env.unknown}'` };
  const modeVar = env.list.find((e) => e.name === "POOL_MODE" || e.name === "PGBOUNCER_POOL_MODE");
  if (modeVar) {
    if (modeVar.source === "literal") {
      const v = (modeVar.value as string).trim().toLowerCase();
      return v === "transaction" ? { mode: "transaction" } : { mode: "other", found: `env ${modeVar.name}=${show(modeVar.value)}` };
    }
    if (modeVar.source === "unknown") return { mode: "unknown", what: `the value of env ${modeVar.name}` };
    return { mode: "unknown", what: `env ${modeVar.name}, which comes from a ${modeVar.source} reference` };
  }
  const vols = w.volumes();
  if (vols.unknown) return { mode: "unknown", what: `'${vols.unknown}'` };
  const mounted = new Set(asArray(valueAt(c.raw, "volumeMounts")).map((m) => asString(valueAt(m, "name"))));
  const ns = w.r.namespace();
  const found: string[] = [];
  for (const v of vols.list) {
    if (!mounted.has(v.name)) continue;
    const names = [asString(valueAt(v.raw, "configMap.name")), ...asArray(valueAt(v.raw, "projected.sources")).map((src) => asString(valueAt(src, "configMap.name")))];
    for (const name of names) {
      if (name === undefined) continue;
      const cm = configMaps.get(`${ns}/${name}`);
      if (!cm) {
        found.push(`ConfigMap ${show(name)} (not in the stack)`);
        continue;
      }
      const iniL = cm.get(["data", "pgbouncer.ini"]);
      if (iniL.kind === "unknown") return { mode: "unknown", what: `data."pgbouncer.ini" of ${cm.display()}` };
      const ini = iniL.kind === "known" ? asString(iniL.value) : undefined;
      if (ini === undefined) {
        found.push(`ConfigMap ${show(name)} without pgbouncer.ini`);
        continue;
      }
      const pm = iniPoolMode(ini);
      const bad = pm.overrides.find((o) => o !== "transaction");
      if (pm.global === "transaction" && bad === undefined) return { mode: "transaction" };
      found.push(
        bad !== undefined
          ? `ConfigMap ${show(name)} pgbouncer.ini overrides pool_mode=${bad} for a database`
          : `ConfigMap ${show(name)} pgbouncer.ini pool_mode=${pm.global ?? "session (default)"}`,
      );
    }
  }
  return { mode: "other", found: found.length > 0 ? found.join(", ") : "no POOL_MODE env and no mounted pgbouncer.ini (PgBouncer defaults to session)" };
}

export const pgbouncerTransactionPooling = stackGate({
  meta,
  settings,
  check(stack, _s, report) {
    const configMaps = new Map<string, ResourceView>();
    for (const cm of stack.ofType(T.configMap)) configMaps.set(`${cm.namespace()}/${cm.k8sName()}`, cm);
    /** service (or "" for none) → the verdicts of its pgbouncer containers. */
    const bouncers = new Map<string, { w: Workload; c: ContainerView; v: PoolVerdict }[]>();
    for (const r of stack.ofType(...K8S_WORKLOAD_TYPES)) {
      const w = workloadOf(r);
      if (!w) continue;
      for (const c of w.containers({ init: false }).list) {
        const image = imageOf(c);
        if (image === undefined || !PGBOUNCER_IMAGE.test(image)) continue;
        const key = stack.serviceOf(r) ?? "";
        const list = bouncers.get(key) ?? [];
        list.push({ w, c, v: poolMode(w, c, configMaps) });
        bouncers.set(key, list);
      }
    }
    // An instance without a service may be fronted by any PgBouncer of the stack: that list is built
    // once, not once per such instance (which was quadratic in large stacks).
    let everyBouncer: readonly { w: Workload; c: ContainerView; v: PoolVerdict }[] | undefined;
    for (const db of stack.ofType(T.sqlInstance)) {
      if (db.get("masterInstanceName").kind !== "absent") continue; // replicas follow their primary
      const version = db.str("databaseVersion");
      if (version !== undefined && !version.toUpperCase().startsWith("POSTGRES")) continue;
      const service = stack.serviceOf(db);
      const candidates = service ? (bouncers.get(service) ?? []) : (everyBouncer ??= [...bouncers.values()].flat());
      if (candidates.some((b) => b.v.mode === "transaction")) continue;
      const unknown = candidates.find((b) => b.v.mode === "unknown");
      if (unknown && unknown.v.mode === "unknown") {
        reportUndecided(report, db, `the pool mode of ${unknown.w.r.display()} (${unknown.v.what})`, service);
        continue;
      }
      const who = service ? `service '${service}'` : "the stack";
      report({
        subject: db,
        service,
        message: violation(
          db.display(),
          candidates.length === 0
            ? `Postgres instance of ${who} is not fronted by a PgBouncer workload`
            : `PgBouncer of ${who} does not pool in transaction mode`,
          candidates.length === 0
            ? `no workload of ${who} runs a pgbouncer image`
            : candidates.map((b) => `${b.w.r.display()} ${b.c.label}: ${b.v.mode === "other" ? b.v.found : ""}`).join("; "),
          `run PgBouncer as a workload of ${who} (label ${service ? `app.kubernetes.io/part-of: ${service}` : "with the service label"}) with env POOL_MODE=transaction, or mount a ConfigMap whose pgbouncer.ini sets pool_mode = transaction`,
        ),
      });
    }
  },
});

/** The `workload-no-orm-synchronize` gate: its catalog record, settings and check. */
import { z } from "zod";
import { show } from "../../access";
import { WORKLOAD_TYPES } from "../../access/k8s";
import { defineMeta } from "../../engine/meta";
import { violation } from "../../engine/rule";
import { memoByString } from "../../memo";
import { reportUndecided } from "../../lib/undecided";
import { containersOf, workloadGate } from "../../lib/workloads";

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

export const settings = z.strictObject({});

const SYNC_NAME = /^(?:[A-Z0-9]+_)*(?:TYPEORM|ORM|DB|DATABASE|SEQUELIZE|MIKRO_?ORM|SCHEMA|MODELS?)_(?:SYNCHRONI[SZ]E|SYNC)$/;
const DDL_AUTO_NAME = /(?:^|_)(?:HIBERNATE_DDL_AUTO|HBM2DDL_AUTO)$/;

/** Why an env var turns schema synchronisation on, else undefined. */
export function ormSyncProblem(name: string, value: string): string | undefined {
  const n = name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
  const v = value.trim().toLowerCase();
  if ((SYNC_NAME.test(n) || n === "SYNCHRONIZE" || n === "SYNCHRONISE") && ["true", "1", "yes", "on", "y"].includes(v)) {
    return "turns ORM schema synchronisation on";
  }
  if (DDL_AUTO_NAME.test(n) && ["update", "create", "create-drop"].includes(v)) return "lets Hibernate change the schema at start-up";
  return undefined;
}

/** True when an env name may turn schema synchronisation on (memoised: workloads repeat the same names). */
const syncCandidate: (name: string) => boolean = memoByString(judgeSyncName);

function judgeSyncName(name: string): boolean {
  const n = name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
  return SYNC_NAME.test(n) || n === "SYNCHRONIZE" || n === "SYNCHRONISE" || DDL_AUTO_NAME.test(n);
}

export const workloadNoOrmSynchronize = workloadGate({
  meta,
  types: WORKLOAD_TYPES,
  settings,
  check(w, _s, report) {
    const r = w.r;
    for (const c of containersOf(w, report)) {
      const env = w.env(c);
      if (env.unknown) reportUndecided(report, r, `'${env.unknown}'`);
      for (const e of env.list) {
        if (e.name === undefined || !syncCandidate(e.name)) continue;
        if (e.source === "literal") {
          const problem = ormSyncProblem(e.name, e.value as string);
          if (problem) {
            report({
              message: violation(r.display(), `${c.label}: env ${e.name} ${problem}`, `${e.name}=${show(e.value)}`, `remove ${e.name} or set it to false; schema changes go through migrations`),
            });
          }
        } else if (e.source === "unknown") {
          reportUndecided(report, r, `the value of env ${e.name} ('${e.path}')`);
        } else if (e.source === "configMap" || e.source === "secret") {
          report({
            undecided: true,
            message: `${r.display()}: ${c.label}: env ${e.name} takes its value from ${e.source === "configMap" ? "ConfigMap" : "Secret"} ${show(e.ref?.name)} key ${show(e.ref?.key)}, which a per-resource check cannot read, so this gate is not decided for it. Fix: set ${e.name}: "false" literally, or remove it.`,
          });
        }
      }
    }
  },
});

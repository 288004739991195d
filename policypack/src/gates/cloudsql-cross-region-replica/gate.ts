/** The `cloudsql-cross-region-replica` gate: its catalog record, settings and check. */
import { z } from "zod";
import { T, type ResourceView, type StackView } from "../../access";
import { regionSchema } from "../../engine/config";
import { defineMeta } from "../../engine/meta";
import { stackGate, undecidedMessage, violation } from "../../engine/rule";
import { isReplica } from "../../lib/cloudsql";

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

export const settings = z.strictObject({
  drRegion: regionSchema.default("europe-west4"),
});

/** Primaries by instance name: the `name` prop, else (when absent) the Pulumi name; the first in stack order wins. */
function primariesByName(primaries: readonly ResourceView[]): ReadonlyMap<string, ResourceView> {
  const out = new Map<string, ResourceView>();
  for (const p of primaries) {
    const name = p.str("name") ?? (p.get("name").kind === "absent" ? p.name : undefined);
    if (name !== undefined && !out.has(name)) out.set(name, p);
  }
  return out;
}

/** The primary a replica points at: by property dependency, else by the primary's known name. */
function primaryOf(stack: StackView, replica: ResourceView, byName: () => ReadonlyMap<string, ResourceView>): ResourceView | undefined {
  const dep = stack.dependsOnType(replica, "masterInstanceName", T.sqlInstance);
  if (dep) return dep;
  const master = replica.str("masterInstanceName");
  if (!master) return undefined;
  const short = master.includes(":") ? master.slice(master.lastIndexOf(":") + 1) : master;
  return byName().get(short);
}

export const cloudsqlCrossRegionReplica = stackGate({
  meta,
  settings,
  check(stack, s, report) {
    const all = stack.ofType(T.sqlInstance);
    const primaries = all.filter((r) => !isReplica(r));
    const replicasOf = new Map<ResourceView, ResourceView[]>();
    const orphans: ResourceView[] = [];
    // Indexed on first use (a replica without dependency information), not searched per replica.
    let index: ReadonlyMap<string, ResourceView> | undefined;
    const byName = () => (index ??= primariesByName(primaries));
    for (const rep of all.filter(isReplica)) {
      const p = primaryOf(stack, rep, byName);
      if (!p) {
        orphans.push(rep);
        continue;
      }
      let list = replicasOf.get(p);
      if (!list) replicasOf.set(p, (list = []));
      list.push(rep);
    }
    // A replica we could not link (unknown master name, no dependency info) leaves a replica-less primary undecided.
    const unlinked = orphans.some((o) => o.unknown("masterInstanceName"));
    for (const p of primaries) {
      const reps = replicasOf.get(p) ?? [];
      if (reps.length === 0) {
        if (unlinked) {
          report({ subject: p, undecided: true, message: undecidedMessage(p.display(), "which replicas point at it ('masterInstanceName')") });
          continue;
        }
        report({
          subject: p,
          message: violation(
            p.display(),
            `has no read replica, so it cannot survive the loss of its region`,
            "0 replicas",
            `add a gcp.sql.DatabaseInstance with masterInstanceName: <this instance's name> and region: "${s.drRegion}"`,
          ),
        });
        continue;
      }
      const regions: string[] = [];
      let unknown = false;
      for (const rep of reps) {
        const l = rep.location();
        if (l.kind === "unknown") unknown = true;
        else if (l.kind === "known") regions.push(...l.regions);
      }
      if (regions.includes(s.drRegion)) continue;
      if (unknown) {
        report({ subject: p, undecided: true, message: undecidedMessage(p.display(), "the region of its replica") });
        continue;
      }
      report({
        subject: p,
        message: violation(
          p.display(),
          `has no read replica in the DR region ${s.drRegion}`,
          `replicas in ${regions.length > 0 ? [...new Set(regions)].join(", ") : "no known region"}: ${reps.map((x) => `'${x.name}'`).join(", ")}`,
          `set region: "${s.drRegion}" on a replica (masterInstanceName: <primary>)`,
        ),
      });
    }
  },
});

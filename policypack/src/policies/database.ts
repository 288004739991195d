/** Cloud SQL gates: backups and PITR, cross-region replica, hardening. */
import { z } from "zod";
import { asArray, asString, show, T, valueAt, type ResourceView, type StackView } from "../access";
import { regionSchema } from "../engine/config";
import { resourceRule, stackRule, undecidedMessage, violation } from "../engine/rule";
import { isPostgres, isReplica } from "../lib/cloudsql";
import { undecidedField } from "../lib/undecided";

// ---------------------------------------------------------------- cloudsql-cross-region-replica

export const replicaSettings = z.strictObject({
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

export const cloudsqlCrossRegionReplica = stackRule({
  gate: "cloudsql-cross-region-replica",
  settings: replicaSettings,
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

// ------------------------------------------------------------------------------ cloudsql-hardening

/** vCPUs and memory (MB) of a Cloud SQL tier, when the tier name says so. */
export function tierSize(tier: string): { vcpus: number; memoryMb: number } | undefined {
  const t = tier.trim().toLowerCase();
  let m = /^db-custom-(\d+)-(\d+)$/.exec(t);
  if (m) return { vcpus: Number(m[1]), memoryMb: Number(m[2]) };
  m = /^db-n1-(standard|highmem)-(\d+)$/.exec(t);
  if (m) {
    const n = Number(m[2]);
    return { vcpus: n, memoryMb: Math.round(n * (m[1] === "standard" ? 3840 : 6656)) };
  }
  m = /^db-perf-optimized-n-(\d+)$/.exec(t);
  if (m) return { vcpus: Number(m[1]), memoryMb: Number(m[1]) * 8192 };
  if (t === "db-f1-micro") return { vcpus: 0.2, memoryMb: 614 };
  if (t === "db-g1-small") return { vcpus: 0.5, memoryMb: 1740 };
  return undefined;
}

export const hardeningSettings = z.strictObject({
  requireRegional: z.boolean().default(true),
  minTier: z
    .string()
    .refine((t) => tierSize(t) !== undefined, { message: 'must be a Cloud SQL tier such as "db-custom-2-7680". Fix: use db-custom-<vcpus>-<memoryMb>.' })
    .default("db-custom-2-7680"),
  requireIamAuth: z.boolean().default(true),
});

const SSL_OK = new Set(["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"]);

export const cloudsqlHardening = resourceRule({
  gate: "cloudsql-hardening",
  types: [T.sqlInstance],
  settings: hardeningSettings,
  check(r, s, report) {
    const fail = (problem: string, found: string, fix: string) => report({ message: violation(r.display(), problem, found, fix) });
    // The provider defaults deletionProtection to true.
    if (!undecidedField(r, "deletionProtection", report) && r.bool("deletionProtection") === false) {
      fail("deletion protection is off", "deletionProtection false", "set deletionProtection: true");
    }
    if (s.requireRegional && !isReplica(r) && !undecidedField(r, "settings.availabilityType", report)) {
      const av = r.str("settings.availabilityType");
      if (av !== "REGIONAL") {
        fail("is not highly available (zonal): a zone outage takes the database down", `settings.availabilityType ${show(av ?? "ZONAL")}`, 'set settings.availabilityType: "REGIONAL"');
      }
    }
    const ip = "settings.ipConfiguration";
    if (!undecidedField(r, `${ip}.ipv4Enabled`, report) && r.bool(`${ip}.ipv4Enabled`) !== false) {
      fail(
        "has a public IPv4 address",
        `${ip}.ipv4Enabled ${show(r.value(`${ip}.ipv4Enabled`) ?? "true (provider default)")}`,
        `set ${ip}.ipv4Enabled: false and ${ip}.privateNetwork to the VPC`,
      );
    }
    if (!undecidedField(r, `${ip}.sslMode`, report)) {
      const mode = r.str(`${ip}.sslMode`);
      const legacy = r.bool(`${ip}.requireSsl`) === true;
      if (!(mode !== undefined ? SSL_OK.has(mode) : legacy)) {
        fail("accepts unencrypted connections", `${ip}.sslMode ${show(mode)}`, `set ${ip}.sslMode: "ENCRYPTED_ONLY"`);
      }
    }
    if (s.requireIamAuth && !undecidedField(r, "settings.databaseFlags", report)) {
      const flagName = isPostgres(r) ? "cloudsql.iam_authentication" : "cloudsql_iam_authentication";
      const flags = asArray(r.value("settings.databaseFlags"));
      const flag = flags.find((f) => asString(valueAt(f, "name")) === flagName);
      const value = asString(valueAt(flag, "value"));
      if (value?.toLowerCase() !== "on") {
        fail(
          "IAM database authentication is off",
          flag ? `flag ${flagName}=${show(value)}` : `no ${flagName} flag`,
          `add { name: "${flagName}", value: "on" } to settings.databaseFlags`,
        );
      }
    }
    if (!undecidedField(r, "settings.tier", report)) {
      const tier = r.str("settings.tier");
      const size = tier ? tierSize(tier) : undefined;
      const min = tierSize(s.minTier) as { vcpus: number; memoryMb: number };
      if (!tier) {
        fail("has no machine tier", "settings.tier not set", `set settings.tier to ${s.minTier} or larger`);
      } else if (!size) {
        report({
          undecided: true,
          message: `${r.display()}: tier ${show(tier)} is not one the pack can size, so the minimum tier ${s.minTier} cannot be checked. Fix: use a db-custom-<vcpus>-<memoryMb> tier, or waive this gate for the instance.`,
        });
      } else if (size.vcpus < min.vcpus || size.memoryMb < min.memoryMb) {
        fail(
          `is smaller than the minimum tier ${s.minTier} (${min.vcpus} vCPU, ${min.memoryMb} MB)`,
          `settings.tier ${show(tier)} (${size.vcpus} vCPU, ${size.memoryMb} MB)`,
          `set settings.tier to ${s.minTier} or larger`,
        );
      }
    }
  },
});

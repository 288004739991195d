/** The `cloudsql-hardening` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asArray, asString, show, T, valueAt } from "../../access";
import { defineMeta } from "../../engine/meta";
import { resourceGate, violation } from "../../engine/rule";
import { isPostgres, isReplica } from "../../lib/cloudsql";
import { undecidedField } from "../../lib/undecided";

export const meta = defineMeta({
  name: "cloudsql-hardening",
  title: "Cloud SQL hardening",
  area: "database",
  kind: "resource",
  severity: "high",
  level: "mandatory",
  proves:
    "Deletion protection, REGIONAL availability in production, no public IPv4, TLS-only connections, IAM authentication flag, tier at least the configured minimum.",
  remediation:
    "Set deletionProtection: true, settings.availabilityType: \"REGIONAL\", settings.ipConfiguration.ipv4Enabled: false with a privateNetwork, settings.ipConfiguration.sslMode: \"ENCRYPTED_ONLY\", the database flag cloudsql.iam_authentication=on, and a tier at least the configured minimum.",
  sources: [
    { seed: "002", section: "5. Storage & migrations", line: "PgBouncer in transaction mode in front of Cloud SQL" },
    { seed: "002", section: "13. Capacity & cost", line: "Cloud SQL sized for 2× expected peak" },
  ],
});

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

export const settings = z.strictObject({
  requireRegional: z.boolean().default(true),
  minTier: z
    .string()
    .refine((t) => tierSize(t) !== undefined, { message: 'must be a Cloud SQL tier such as "db-custom-2-7680". Fix: use db-custom-<vcpus>-<memoryMb>.' })
    .default("db-custom-2-7680"),
  requireIamAuth: z.boolean().default(true),
});

const SSL_OK = new Set(["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"]);

export const cloudsqlHardening = resourceGate({
  meta,
  types: [T.sqlInstance],
  settings,
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

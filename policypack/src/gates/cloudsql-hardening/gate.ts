/** The `cloudsql-hardening` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { cloudsqlHardening as legacy } from "../../policies/database";

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

export const cloudsqlHardening = withMeta(meta, legacy);

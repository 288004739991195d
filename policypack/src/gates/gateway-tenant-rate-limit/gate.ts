/** The `gateway-tenant-rate-limit` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { gatewayTenantRateLimit as legacy } from "../../policies/gateway";

export const meta = defineMeta({
  name: "gateway-tenant-rate-limit",
  title: "Per-tenant rate limit at the gateway",
  area: "identity-gateway",
  kind: "stack",
  severity: "medium",
  level: "mandatory",
  proves: "A Kong rate-limiting plugin limits by tenant header at ≤ the configured rate (default 50 rps).",
  remediation: "Attach a rate-limiting KongPlugin with limit_by: header, header_name: X-Tenant-Id, second: 50.",
  sources: [{ seed: "002", section: "4. API & event hygiene", line: "Rate limits configured at Kong: 50 RPS per tenant for BFF" }],
});

export const gatewayTenantRateLimit = withMeta(meta, legacy);

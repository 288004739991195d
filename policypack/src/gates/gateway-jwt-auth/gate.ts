/** The `gateway-jwt-auth` gate: its catalog record, settings and check. */
import { defineMeta } from "../../engine/meta";
import { withMeta } from "../../engine/rule";
import { gatewayJwtAuth as legacy } from "../../policies/gateway";

export const meta = defineMeta({
  name: "gateway-jwt-auth",
  title: "JWT and tenant header at the gateway",
  area: "identity-gateway",
  kind: "stack",
  severity: "critical",
  level: "mandatory",
  proves: "Every Ingress/route of a service is behind a Kong JWT (or OIDC) plugin and a tenant-header check.",
  remediation: "Attach KongPlugins of type jwt and a tenant-header check via the konghq.com/plugins annotation.",
  sources: [{ seed: "002", section: "6. Security", line: "All endpoints behind JWT + tenant header check at Kong" }],
});

export const gatewayJwtAuth = withMeta(meta, legacy);

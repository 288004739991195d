/**
 * What the gateway gates' examples (policypack/src/gates/<gate>/examples.ts) cannot say: the
 * service a finding carries, own label or inherited from a Helm chart.
 */
import * as assert from "node:assert/strict";
import type { ResourceInput } from "../../policypack/src/access/resource";
import { gatewayJwtAuth } from "../../policypack/src/gates/gateway-jwt-auth/gate";
import { gatewayTenantRateLimit } from "../../policypack/src/gates/gateway-tenant-rate-limit/gate";
import { withPlugins } from "../fixtures/gateway";
import { childOf, gateway, helmChart, ingress, jwtPlugin, k8sService, tenantPlugin } from "../fixtures/k8s";
import { expectOne, run } from "../support/fixtures";

const J = "gateway-jwt-auth";
const R = "gateway-tenant-rate-limit";

describe("gateway-jwt-auth", () => {
  it("a finding about an Ingress without a JWT plugin carries the service", () => {
    const [ing, ...rest] = gateway();
    const f = expectOne(
      run(gatewayJwtAuth, [withPlugins(ing as ResourceInput, "registration-tenant,registration-rate"), ...rest]),
      { policy: J, name: "registration-ingress" },
      "service 'registration' routes are not all behind Kong JWT authentication",
      'backend Service "registration-api"',
      "registration-tenant (request-validator)",
      "no jwt/openid-connect plugin",
    );
    assert.equal(f.service, "registration");
  });

  it("a finding about a Helm chart child's Ingress carries the chart's service", () => {
    const chart = helmChart();
    const child = childOf(chart, withPlugins(ingress(), "registration-tenant"));
    const f = expectOne(run(gatewayJwtAuth, [chart, child, k8sService(), jwtPlugin(), tenantPlugin()]), { policy: J, name: child.name });
    assert.equal(f.service, "registration");
  });
});

describe("gateway-tenant-rate-limit", () => {
  it("a finding about an Ingress without a rate-limiting plugin carries the service", () => {
    const [ing, ...rest] = gateway();
    const f = expectOne(
      run(gatewayTenantRateLimit, [withPlugins(ing as ResourceInput, "registration-jwt,registration-tenant"), ...rest]),
      { policy: R, name: "registration-ingress" },
      "service 'registration' routes are not rate-limited per tenant at ≤ 50 requests per second",
      "no rate-limiting plugin",
      'header_name: "X-Tenant-Id", second: 50',
    );
    assert.equal(f.service, "registration");
  });
});

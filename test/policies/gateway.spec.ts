import * as assert from "node:assert/strict";
import type { ResourceInput } from "../../policypack/src/access/resource";
import { T } from "../../policypack/src/access/tokens";
import { gatewayJwtAuth } from "../../policypack/src/gates/gateway-jwt-auth/gate";
import { gatewayTenantRateLimit } from "../../policypack/src/gates/gateway-tenant-rate-limit/gate";
import { childOf, gateway, helmChart, ingress, jwtPlugin, k8sService, kongPlugin, PART_OF, ratePlugin, TENANT, tenantPlugin } from "../fixtures/k8s";
import { expectClean, expectOne, mutate, res, run, UNKNOWN } from "../support/fixtures";

const J = "gateway-jwt-auth";
const R = "gateway-tenant-rate-limit";

/** Sets the konghq.com/plugins annotation (mutate() splits paths on dots, so set the whole map). */
function plugins(r: ResourceInput, value: unknown): ResourceInput {
  const meta = r.props["metadata"] as Record<string, unknown>;
  return mutate(r, "metadata.annotations", { ...(meta["annotations"] as Record<string, unknown>), "konghq.com/plugins": value });
}

function httpRoute(service = "registration", annotations: Record<string, unknown> = {}, filters: unknown[] = []): ResourceInput {
  return res(T.httpRoute, `${service}-route`, {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: { name: `${service}-route`, namespace: service, labels: { [PART_OF]: service }, annotations },
    spec: { parentRefs: [{ name: "kong" }], rules: [{ filters, backendRefs: [{ name: `${service}-api`, port: 80 }] }] },
  });
}

describe("gateway-jwt-auth", () => {
  it("passes a service Ingress with jwt + request-validator on the tenant header", () => {
    expectClean(run(gatewayJwtAuth, gateway()));
  });

  it("ignores Ingresses of no service", () => {
    expectClean(run(gatewayJwtAuth, [mutate(ingress(), "metadata.labels", {})]));
  });

  it("fails an Ingress without a JWT plugin, naming the service and its plugins", () => {
    const [ing, ...rest] = gateway();
    const f = expectOne(
      run(gatewayJwtAuth, [plugins(ing as ResourceInput, "registration-tenant,registration-rate"), ...rest]),
      { policy: J, name: "registration-ingress" },
      "service 'registration' routes are not all behind Kong JWT authentication",
      'backend Service "registration-api"',
      "registration-tenant (request-validator)",
      "no jwt/openid-connect plugin",
    );
    assert.equal(f.service, "registration");
  });

  it("fails an Ingress without a tenant-header check", () => {
    const [ing, ...rest] = gateway();
    expectOne(run(gatewayJwtAuth, [plugins(ing as ResourceInput, "registration-jwt"), ...rest]), { policy: J }, `no tenant check on ${TENANT}`);
    const optional = mutate(tenantPlugin(), "config.parameter_schema.0.required", false);
    expectOne(run(gatewayJwtAuth, [ingress(), k8sService(), jwtPlugin(), optional]), { policy: J }, "no tenant check");
    const otherHeader = mutate(tenantPlugin(), "config.parameter_schema.0.name", "X-Request-Id");
    expectOne(run(gatewayJwtAuth, [ingress(), k8sService(), jwtPlugin(), otherHeader]), { policy: J }, "no tenant check");
  });

  it("accepts openid-connect and a pre-function that reads the tenant header; honours settings", () => {
    const oidc = kongPlugin("registration-jwt", "registration", "openid-connect", { issuer: "https://id.acme.example/.well-known/openid-configuration" });
    const pre = kongPlugin("registration-tenant", "registration", "pre-function", { access: ['if not kong.request.get_header("x-tenant-id") then return kong.response.exit(400) end'] });
    expectClean(run(gatewayJwtAuth, [ingress(), k8sService(), oidc, pre]));
    const custom = kongPlugin("registration-tenant", "registration", "acme-tenant-guard", { header_name: TENANT });
    expectOne(run(gatewayJwtAuth, [ingress(), k8sService(), jwtPlugin(), custom]), { policy: J }, "no tenant check");
    expectClean(run(gatewayJwtAuth, [ingress(), k8sService(), jwtPlugin(), custom], { [J]: { tenantCheckPlugins: ["acme-tenant-guard"] } }));
    expectOne(run(gatewayJwtAuth, gateway(), { [J]: { tenantHeader: "X-Org" } }), { policy: J }, "no tenant check on X-Org");
  });

  it("accepts plugins on the backend Service, and global KongClusterPlugins", () => {
    const svc = k8sService("registration", "registration-api", { "konghq.com/plugins": "registration-jwt" });
    expectClean(run(gatewayJwtAuth, [plugins(ingress(), "registration-tenant"), svc, jwtPlugin(), tenantPlugin()]));
    const global = res(T.kongClusterPlugin, "global-jwt", { metadata: { name: "global-jwt", labels: { global: "true" } }, plugin: "jwt", config: {} });
    expectClean(run(gatewayJwtAuth, [plugins(ingress(), "registration-tenant"), k8sService(), global, tenantPlugin()]));
    const named = res(T.kongClusterPlugin, "registration-jwt", { metadata: { name: "registration-jwt" }, plugin: "jwt", config: {} });
    expectClean(run(gatewayJwtAuth, [ingress(), k8sService(), named, tenantPlugin()]));
  });

  it("checks every route: one backend without the plugins fails", () => {
    const two = mutate(ingress(), "spec.rules.1", { http: { paths: [{ path: "/admin", backend: { service: { name: "registration-admin" } } }] } });
    const ing = plugins(two, "registration-tenant");
    const svc = k8sService("registration", "registration-api", { "konghq.com/plugins": "registration-jwt" });
    const f = expectOne(run(gatewayJwtAuth, [ing, svc, k8sService("registration", "registration-admin"), jwtPlugin(), tenantPlugin()]), { policy: J }, 'backend Service "registration-admin"');
    assert.ok(!f.message.includes('backend Service "registration-api"'));
  });

  it("does not count disabled or missing plugins", () => {
    expectOne(run(gatewayJwtAuth, [ingress(), k8sService(), mutate(jwtPlugin(), "disabled", true), tenantPlugin()]), { policy: J }, "no jwt/openid-connect plugin");
    const [ing, ...rest] = gateway();
    expectOne(run(gatewayJwtAuth, [plugins(ing as ResourceInput, "registration-tenant,typo-jwt"), ...rest]), { policy: J }, 'names "typo-jwt", which is not a KongPlugin');
    expectOne(run(gatewayJwtAuth, [plugins(ing as ResourceInput, undefined), ...rest]), { policy: J }, "plugins none");
    expectOne(run(gatewayJwtAuth, [plugins(ing as ResourceInput, "a-jwt, b-tenant"), ...rest]), { policy: J }, 'names "a-jwt", "b-tenant", which are not KongPlugins');
    const otherNs = mutate(jwtPlugin(), "metadata.namespace", "other");
    expectOne(run(gatewayJwtAuth, [ingress(), k8sService(), otherNs, tenantPlugin()]), { policy: J }, 'names "registration-jwt"');
  });

  it("fails a service Ingress that is not served by Kong", () => {
    expectOne(run(gatewayJwtAuth, [mutate(ingress(), "spec.ingressClassName", "gce"), ...gateway().slice(1)]), { policy: J }, "not served by Kong", 'ingress class "gce"');
    const legacy = mutate(mutate(ingress(), "spec.ingressClassName", undefined), "metadata.annotations", { "kubernetes.io/ingress.class": "nginx" });
    expectOne(run(gatewayJwtAuth, [legacy]), { policy: J }, '"nginx"');
    expectClean(run(gatewayJwtAuth, [mutate(ingress(), "spec.ingressClassName", "kong-internal"), ...gateway().slice(1)], { [J]: { kongIngressClasses: ["kong", "kong-internal"] } }));
  });

  it("checks an Ingress with only a default backend, or no backend at all", () => {
    const def = mutate(mutate(ingress(), "spec.rules", undefined), "spec.defaultBackend", { service: { name: "registration-api", port: { number: 80 } } });
    expectClean(run(gatewayJwtAuth, [def, ...gateway().slice(1)]));
    const none = mutate(ingress(), "spec.rules", []);
    expectClean(run(gatewayJwtAuth, [none, ...gateway().slice(1)]));
    expectOne(run(gatewayJwtAuth, [plugins(none, "")]), { policy: J }, "the Ingress itself (no Service backend)");
  });

  it("finds the Ingress of a Helm chart child by its inherited service", () => {
    const chart = helmChart();
    const child = childOf(chart, plugins(ingress(), "registration-tenant"));
    const f = expectOne(run(gatewayJwtAuth, [chart, child, k8sService(), jwtPlugin(), tenantPlugin()]), { policy: J, name: child.name });
    assert.equal(f.service, "registration");
  });

  it("checks HTTPRoutes: annotation, ExtensionRef filters and backend Services", () => {
    expectClean(run(gatewayJwtAuth, [httpRoute("registration", { "konghq.com/plugins": "registration-jwt,registration-tenant" }), jwtPlugin(), tenantPlugin()]));
    const filters = [
      { type: "ExtensionRef", extensionRef: { group: "configuration.konghq.com", kind: "KongPlugin", name: "registration-jwt" } },
      { type: "RequestHeaderModifier", requestHeaderModifier: { add: [] } },
    ];
    expectClean(run(gatewayJwtAuth, [httpRoute("registration", { "konghq.com/plugins": "registration-tenant" }, filters), jwtPlugin(), tenantPlugin()]));
    expectOne(run(gatewayJwtAuth, [httpRoute("registration", { "konghq.com/plugins": "registration-tenant" }), jwtPlugin(), tenantPlugin()]), { policy: J, name: "registration-route" }, "no jwt");
    const crossNs = mutate(httpRoute("registration", { "konghq.com/plugins": "registration-tenant" }), "spec.rules.0.backendRefs.0.namespace", "backends");
    const backendSvc = mutate(k8sService("backends", "registration-api", { "konghq.com/plugins": "backend-jwt" }), "metadata.labels", {});
    const backendJwt = kongPlugin("backend-jwt", "backends", "jwt", {});
    expectClean(run(gatewayJwtAuth, [crossNs, backendSvc, backendJwt, tenantPlugin()]));
    expectOne(run(gatewayJwtAuth, [crossNs, backendSvc, mutate(backendJwt, "metadata.namespace", "registration"), tenantPlugin()]), { policy: J }, 'names "backend-jwt"');
    const nonService = mutate(httpRoute(), "spec.rules.0.backendRefs.0.kind", "ServiceImport");
    expectOne(run(gatewayJwtAuth, [nonService]), { policy: J }, "the HTTPRoute itself (no Service backend)");
  });

  it("reports unknowns as undecided", () => {
    expectOne(run(gatewayJwtAuth, [mutate(ingress(), "metadata.annotations", UNKNOWN)]), { policy: J, kind: "undecided" }, "metadata.annotations");
    expectOne(run(gatewayJwtAuth, [mutate(ingress(), "spec.rules", UNKNOWN)]), { policy: J, kind: "undecided" }, "spec.rules");
    const svcUnknown = mutate(k8sService(), "metadata.annotations", UNKNOWN);
    expectOne(run(gatewayJwtAuth, [ingress(), svcUnknown, jwtPlugin(), tenantPlugin(), ratePlugin()]), { policy: J, kind: "undecided" }, "the annotations of");
    expectOne(run(gatewayJwtAuth, [ingress(), k8sService(), mutate(jwtPlugin(), "plugin", UNKNOWN), tenantPlugin()]), { policy: J, kind: "undecided" }, "registration-jwt");
    expectOne(run(gatewayJwtAuth, [ingress(), k8sService(), jwtPlugin(), mutate(tenantPlugin(), "config", UNKNOWN)]), { policy: J, kind: "undecided" }, "registration-tenant");
    expectOne(run(gatewayJwtAuth, [ingress(), k8sService(), jwtPlugin(), mutate(tenantPlugin(), "config.parameter_schema", UNKNOWN)]), { policy: J, kind: "undecided" });
  });
});

describe("gateway-tenant-rate-limit", () => {
  it("passes a rate-limiting plugin by the tenant header at 50 rps", () => {
    expectClean(run(gatewayTenantRateLimit, gateway()));
  });

  it("fails without a rate-limiting plugin, naming the service", () => {
    const [ing, ...rest] = gateway();
    const f = expectOne(
      run(gatewayTenantRateLimit, [plugins(ing as ResourceInput, "registration-jwt,registration-tenant"), ...rest]),
      { policy: R, name: "registration-ingress" },
      "service 'registration' routes are not rate-limited per tenant at ≤ 50 requests per second",
      "no rate-limiting plugin",
      'header_name: "X-Tenant-Id", second: 50',
    );
    assert.equal(f.service, "registration");
  });

  it("fails a limit by something else than the tenant header", () => {
    expectOne(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), mutate(ratePlugin(), "config.limit_by", "ip")]), { policy: R }, 'limits by limit_by "ip"');
    expectOne(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), mutate(ratePlugin(), "config", { second: 10 })]), { policy: R }, 'limit_by "consumer"');
    expectOne(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), mutate(ratePlugin(), "config.header_name", "X-Forwarded-For")]), { policy: R }, 'header "X-Forwarded-For"');
    expectClean(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), mutate(ratePlugin(), "config.header_name", "x-tenant-id")]));
  });

  it("fails a per-second cap above the configured rate; the tightest window counts", () => {
    expectOne(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), ratePlugin("registration", 100)]), { policy: R }, "allows up to 100 requests in one second per tenant, above 50", "config.second 100");
    expectClean(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), ratePlugin("registration", 100)], { [R]: { maxRequestsPerSecond: 100 } }));
    const minuteOnly = mutate(mutate(ratePlugin(), "config.second", undefined), "config.minute", 3000);
    expectOne(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), minuteOnly]), { policy: R }, "allows up to 3000 requests");
    expectClean(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), mutate(minuteOnly, "config.minute", 40)]));
    expectOne(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), mutate(ratePlugin(), "config.second", undefined)]), { policy: R }, "sets no limit");
  });

  it("accepts rate-limiting-advanced by header", () => {
    const adv = kongPlugin("registration-rate", "registration", "rate-limiting-advanced", { identifier: "header", header_name: TENANT, limit: [50, 2000], window_size: [1, 60] });
    expectClean(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), adv]));
    expectOne(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), mutate(adv, "config.limit", [500])]), { policy: R }, "allows up to 500");
    expectOne(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), mutate(adv, "config.identifier", "consumer")]), { policy: R }, 'identifier "consumer"');
    expectOne(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), mutate(adv, "config.limit", UNKNOWN)]), { policy: R, kind: "undecided" });
  });

  it("accepts one compliant limiter among several, ignores disabled ones", () => {
    const loose = kongPlugin("registration-rate-ip", "registration", "rate-limiting", { limit_by: "ip", second: 500 });
    const [ing, ...rest] = gateway();
    expectClean(run(gatewayTenantRateLimit, [plugins(ing as ResourceInput, "registration-rate-ip,registration-rate"), ...rest, loose]));
    expectOne(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), mutate(ratePlugin(), "disabled", true)]), { policy: R }, "no rate-limiting plugin");
  });

  it("fails an Ingress not served by Kong", () => {
    expectOne(run(gatewayTenantRateLimit, [mutate(ingress(), "spec.ingressClassName", "gce")]), { policy: R }, "bypasses the per-tenant rate limit");
  });

  it("reports unknowns as undecided", () => {
    expectOne(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), mutate(ratePlugin(), "config", UNKNOWN)]), { policy: R, kind: "undecided" }, "registration-rate");
    expectOne(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), mutate(ratePlugin(), "config.header_name", UNKNOWN)]), { policy: R, kind: "undecided" });
    expectOne(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), mutate(ratePlugin(), "config.second", UNKNOWN)]), { policy: R, kind: "undecided" });
    expectOne(run(gatewayTenantRateLimit, [...gateway().slice(0, 4), mutate(ratePlugin(), "plugin", UNKNOWN)]), { policy: R, kind: "undecided" });
    expectOne(run(gatewayTenantRateLimit, [mutate(ingress(), "metadata.namespace", UNKNOWN)]), { policy: R, kind: "undecided" });
  });
});

/** Examples of `service-slos`, run by test/gates/examples.spec.ts. */
import { deployment, regulatedBucket, replace, slo, twoServices, without } from "../../../../test/fixtures/stack";
import { examples, type StackOf } from "../../../../test/support/examples";
import { mutate, res, UNKNOWN } from "../../../../test/support/fixtures";

const SLO = "maintenance-availability";
/** maintenance's SLO with these userLabels. */
const labels = (value: unknown): StackOf => (b) => replace(b, SLO, (r) => mutate(r, "userLabels", value));
const unlabelled = () => mutate(slo("maintenance"), "userLabels", undefined);
/** A Deployment of a stack that labels no service (the project of the test URNs is "readiness"). */
const shopApi = () => mutate(deployment("shop"), "metadata.labels", {});
const shopSlo = () => mutate(slo("shop"), "userLabels", undefined);
const waiver = { resource: "service:maintenance", justification: "SLO targets are agreed with the product owner in December", approver: "ops.lead@example.com", expires: "2026-12-31" };

export default examples({
  // The two-service stack: each service has its SLO (registration-availability, maintenance-availability).
  baseline: () => twoServices(),
  compliant: [
    {
      title: "an unlabelled SLO attributed through the monitoring service it belongs to",
      stack: (b) => {
        const ms = res("gcp:monitoring/customService:CustomService", "maintenance-monitoring", { userLabels: { service: "maintenance" } });
        return [...replace(b, SLO, () => ({ ...unlabelled(), dependencies: [ms.urn], propertyDependencies: { service: [ms.urn] } })), ms];
      },
    },
    {
      title: "an unlabelled SLO attributed through its parent component",
      stack: (b) => {
        const comp = res("acme:stack:Service", "maintenance", { labels: { service: "maintenance" } });
        return [...replace(b, SLO, () => ({ ...unlabelled(), parent: comp.urn })), comp];
      },
    },
    { title: "a stack without services", stack: () => [slo("x"), regulatedBucket()] },
    { title: "a stack that labels no service: its unlabelled SLO belongs to the service named after the project", stack: () => [shopApi(), shopSlo()] },
    { title: "a stack that labels no workload: an SLO labelled with the project's name", stack: () => [shopApi(), slo("readiness")] },
  ],
  violating: [
    { title: "a stack that labels no service and has no SLO: the service named after the project", stack: () => [shopApi()], expect: [{ name: "shop-api", message: "service 'readiness': has no SLO (found no SLO in the stack). Fix: add a gcp.monitoring.Slo with userLabels { service: \"readiness\" } (or create it inside the service's labelled component)." }] },
    { title: "a stack that labels no workload, its SLO labelled for another name", stack: () => [shopApi(), slo("billing")], expect: [{ name: "shop-api", message: "service 'readiness': has no SLO (found SLOs exist for 'billing'). Fix: add a gcp.monitoring.Slo with userLabels { service: \"readiness\" } (or create it inside the service's labelled component)." }] },
    { title: "one service of two without SLO", stack: (b) => without(b, SLO), expect: [{ name: "maintenance-api", message: "service 'maintenance': has no SLO (found SLOs exist for 'registration'). Fix: add a gcp.monitoring.Slo with userLabels { service: \"maintenance\" } (or create it inside the service's labelled component)." }] },
    { title: "an SLO without service label", stack: labels({ team: "ops" }), expect: [{ name: "maintenance-api", message: "service 'maintenance': has no SLO (found SLOs exist for 'registration'; 'maintenance-availability' carry no service label). Fix: add a gcp.monitoring.Slo with userLabels { service: \"maintenance\" } (or create it inside the service's labelled component)." }] },
    { title: "no SLO in the stack", stack: (b) => without(b, SLO, "registration-availability"), expect: [{ name: "maintenance-api", message: "service 'maintenance': has no SLO (found no SLO in the stack). Fix: add a gcp.monitoring.Slo with userLabels { service: \"maintenance\" } (or create it inside the service's labelled component)." }, { name: "registration-api", message: "service 'registration': has no SLO (found no SLO in the stack). Fix: add a gcp.monitoring.Slo with userLabels { service: \"registration\" } (or create it inside the service's labelled component)." }] },
    { title: "an SLO's labels unknown at preview", stack: labels(UNKNOWN), expect: [{ name: "maintenance-api", kind: "undecided", message: "service 'maintenance': the service label of 'maintenance-availability' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a service waiver exempts that service only", stack: (b) => without(b, SLO, "registration-availability"), config: { waivers: [waiver] }, expect: [{ name: "maintenance-api", kind: "waived", message: "service 'maintenance': has no SLO (found no SLO in the stack). Fix: add a gcp.monitoring.Slo with userLabels { service: \"maintenance\" } (or create it inside the service's labelled component). [waived until 2026-12-31 by ops.lead@example.com: SLO targets are agreed with the product owner in December]" }, { name: "registration-api", message: "service 'registration': has no SLO (found no SLO in the stack). Fix: add a gcp.monitoring.Slo with userLabels { service: \"registration\" } (or create it inside the service's labelled component)." }] },
    {
      title: "named after the component that declares the service",
      stack: () => {
        const comp = res("acme:stack:Service", "billing", { labels: { service: "billing" } });
        return [comp, { ...deployment("billing", "billing-pgbouncer"), parent: comp.urn }];
      },
      expect: [{ name: "billing", message: "service 'billing': has no SLO (found no SLO in the stack). Fix: add a gcp.monitoring.Slo with userLabels { service: \"billing\" } (or create it inside the service's labelled component)." }],
    },
    {
      title: "named after the api workload",
      stack: () => [deployment("billing", "billing-pgbouncer", {}, { "app.kubernetes.io/component": "pgbouncer" }), deployment("billing", "billing-api", {}, { "app.kubernetes.io/component": "api" })],
      expect: [{ name: "billing-api", message: "service 'billing': has no SLO (found no SLO in the stack). Fix: add a gcp.monitoring.Slo with userLabels { service: \"billing\" } (or create it inside the service's labelled component)." }],
    },
    { title: "named after the only workload", stack: () => [deployment("billing", "billing-pgbouncer", {}, { "app.kubernetes.io/component": "pgbouncer" })], expect: [{ name: "billing-pgbouncer", message: "service 'billing': has no SLO (found no SLO in the stack). Fix: add a gcp.monitoring.Slo with userLabels { service: \"billing\" } (or create it inside the service's labelled component)." }] },
  ],
});

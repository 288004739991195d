/** Examples of `service-dashboards`, run by test/gates/examples.spec.ts. */
import { T } from "../../access/tokens";
import { dashboard, PART_OF, replace, twoServices, without } from "../../../../test/fixtures/stack";
import { examples, type StackOf } from "../../../../test/support/examples";
import { deployment } from "../../../../test/fixtures/stack";
import { mutate, res, UNKNOWN } from "../../../../test/support/fixtures";

const DASHBOARD = "registration-overview";
/** A Deployment of a stack that labels no service (the project of the test URNs is "readiness"). */
const shopApi = () => mutate(deployment("shop"), "metadata.labels", {});
/** registration's dashboard replaced by one with this dashboardJson. */
const json = (dashboardJson: unknown): StackOf => (b) => replace(b, DASHBOARD, () => res(T.dashboard, DASHBOARD, { dashboardJson }));

export default examples({
  // The two-service stack: each dashboard carries "labels": { "service": ... } in its dashboardJson.
  baseline: () => twoServices(),
  compliant: [
    {
      title: "a dashboard without labels in its JSON, inside the service's labelled component",
      stack: (b) => {
        const comp = res("acme:stack:Service", "registration", { labels: { [PART_OF]: "registration" } });
        const child = { ...res(T.dashboard, DASHBOARD, { dashboardJson: JSON.stringify({ displayName: "Registration" }) }), parent: comp.urn };
        return [...replace(b, DASHBOARD, () => child), comp];
      },
    },
    { title: "a stack without services", stack: () => [dashboard("x")] },
    { title: "a stack that labels no service: its unlabelled dashboard belongs to the service named after the project", stack: () => [shopApi(), res(T.dashboard, "shop-overview", { dashboardJson: JSON.stringify({ displayName: "Shop" }) })] },
  ],
  violating: [
    { title: "a stack that labels no service and has no dashboard: the service named after the project", stack: () => [shopApi()], expect: [{ name: "shop-api", message: "service 'readiness': has no dashboard (found no dashboard in the stack). Fix: add a gcp.monitoring.Dashboard whose dashboardJson has \"labels\": { \"service\": \"readiness\" } (or create it inside the service's labelled component)." }] },
    { title: "one service of two without dashboard", stack: (b) => without(b, DASHBOARD), expect: [{ name: "registration-api", message: "service 'registration': has no dashboard (found dashboards exist for 'maintenance'). Fix: add a gcp.monitoring.Dashboard whose dashboardJson has \"labels\": { \"service\": \"registration\" } (or create it inside the service's labelled component)." }] },
    { title: "a dashboard named after the service is not matched by display name", stack: json(JSON.stringify({ displayName: "registration overview" })), expect: [{ name: "registration-api", message: "service 'registration': has no dashboard (found dashboards exist for 'maintenance'; 'registration-overview' carry no service label). Fix: add a gcp.monitoring.Dashboard whose dashboardJson has \"labels\": { \"service\": \"registration\" } (or create it inside the service's labelled component)." }] },
    { title: "a dashboard whose JSON does not parse", stack: json("{not json"), expect: [{ name: "registration-api", message: "service 'registration': has no dashboard (found dashboards exist for 'maintenance'; 'registration-overview' carry no service label). Fix: add a gcp.monitoring.Dashboard whose dashboardJson has \"labels\": { \"service\": \"registration\" } (or create it inside the service's labelled component)." }] },
    { title: "a dashboard whose JSON is an array", stack: json("[1]"), expect: [{ name: "registration-api", message: "service 'registration': has no dashboard (found dashboards exist for 'maintenance'; 'registration-overview' carry no service label). Fix: add a gcp.monitoring.Dashboard whose dashboardJson has \"labels\": { \"service\": \"registration\" } (or create it inside the service's labelled component)." }] },
    { title: "a dashboard whose JSON is unknown at preview", stack: json(UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "service 'registration': the service label of 'registration-overview' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
  ],
});

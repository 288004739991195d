import * as assert from "node:assert/strict";
import type { ResourceInput } from "../../policypack/src/access/resource";
import { T } from "../../policypack/src/access/tokens";
import { alertRunbooks } from "../../policypack/src/gates/alert-runbooks/gate";
import { logArchiveSink } from "../../policypack/src/gates/log-archive-sink/gate";
import { outboxLagAlert } from "../../policypack/src/gates/outbox-lag-alert/gate";
import { regulatedDataRetention } from "../../policypack/src/gates/regulated-data-retention/gate";
import { serviceDashboards } from "../../policypack/src/gates/service-dashboards/gate";
import { serviceSlos } from "../../policypack/src/gates/service-slos/gate";
import { uptimeChecks } from "../../policypack/src/gates/uptime-checks/gate";
import { canaryRelease } from "../../policypack/src/gates/canary-release/gate";
import { migrationJobBeforeDeploy } from "../../policypack/src/gates/migration-job-before-deploy/gate";
import {
  alertPolicy,
  dashboard,
  deployment,
  ingress,
  logSink,
  outboxAlert,
  PART_OF,
  regulatedBucket,
  replace,
  service,
  slo,
  twoServices,
  uptimeCheck,
  without,
} from "../fixtures/stack";
import { expectClean, expectOne, mutate, res, run, UNKNOWN } from "../support/fixtures";

const ALL = [canaryRelease, migrationJobBeforeDeploy, alertRunbooks, serviceSlos, serviceDashboards, uptimeChecks, logArchiveSink, outboxLagAlert, regulatedDataRetention];

function violations(findings: ReturnType<typeof run>, policy: string) {
  return findings.filter((f) => f.policy === policy && f.kind === "violation");
}

describe("the compliant two-service stack", () => {
  it("passes every release and observability gate", () => {
    expectClean(run(ALL, twoServices()));
  });
});

describe("alert-runbooks", () => {
  const P = "alert-runbooks";
  const base = alertPolicy("registration-errors", "registration");

  it("passes an alert with an https runbook and a channel", () => {
    expectClean(run(alertRunbooks, [base]));
  });

  it("fails an alert without a runbook link", () => {
    expectOne(run(alertRunbooks, [mutate(base, "documentation.content", "Page the on-call.")]), { policy: P, name: "registration-errors" }, "has no runbook link", '"Page the on-call."', "Fix:");
    expectOne(run(alertRunbooks, [mutate(base, "documentation", undefined)]), { policy: P, name: "registration-errors" }, "documentation.content not set");
  });

  it("fails a runbook over plain http", () => {
    expectOne(run(alertRunbooks, [mutate(base, "documentation.content", "Runbook: http://wiki/runbook")]), { policy: P }, "plain http", '"http://wiki/runbook"');
  });

  it("accepts an https link in documentation.links", () => {
    const linked = mutate(mutate(base, "documentation.content", "See links"), "documentation.links", [{ displayName: "Runbook", url: "https://runbooks.example.com/x" }]);
    expectClean(run(alertRunbooks, [linked]));
    expectOne(run(alertRunbooks, [mutate(linked, "documentation.links", [{ url: "ftp://x" }, { displayName: "no url" }])]), { policy: P }, "has no runbook link");
  });

  it("reports undecided for an unknown runbook, and passes when another part already links one", () => {
    expectOne(run(alertRunbooks, [mutate(base, "documentation.content", UNKNOWN)]), { policy: P, kind: "undecided" }, "documentation.content");
    expectOne(run(alertRunbooks, [mutate(mutate(base, "documentation.content", "x"), "documentation.links", UNKNOWN)]), { policy: P, kind: "undecided" }, "documentation.links");
    expectOne(run(alertRunbooks, [mutate(mutate(base, "documentation.content", "x"), "documentation.links", [{ url: UNKNOWN }])]), { policy: P, kind: "undecided" }, "documentation.links[0].url");
    expectClean(run(alertRunbooks, [mutate(base, "documentation.links", UNKNOWN)]));
  });

  it("fails an alert that notifies nobody", () => {
    expectOne(run(alertRunbooks, [mutate(base, "notificationChannels", [])]), { policy: P, name: "registration-errors" }, "notifies nobody", "notificationChannels []");
    expectOne(run(alertRunbooks, [mutate(base, "notificationChannels", undefined)]), { policy: P }, "notificationChannels not set");
    expectOne(run(alertRunbooks, [mutate(base, "notificationChannels", ["", null])]), { policy: P }, "notifies nobody");
  });

  it("honours minChannels", () => {
    expectOne(run(alertRunbooks, [base], { [P]: { minChannels: 2 } }), { policy: P }, "notifies 1 channel(s), fewer than 2");
  });

  it("counts channels created in the stack (unknown ids) and settles an unknown list through its dependency", () => {
    expectClean(run(alertRunbooks, [mutate(base, "notificationChannels", [UNKNOWN])]));
    const channel = res("gcp:monitoring/notificationChannel:NotificationChannel", "oncall", { type: "email" });
    const settled = { ...mutate(base, "notificationChannels", UNKNOWN), dependencies: [channel.urn], propertyDependencies: { notificationChannels: [channel.urn] } };
    expectClean(run(alertRunbooks, [channel, settled]));
    expectOne(run(alertRunbooks, [mutate(base, "notificationChannels", UNKNOWN)]), { policy: P, kind: "undecided" }, "'notificationChannels'");
  });

  it("does not crash on odd input", () => {
    const odd = res(T.alertPolicy, "odd", { documentation: "text", notificationChannels: "x", conditions: null });
    const f = run(alertRunbooks, [odd]);
    assert.equal(f.filter((x) => x.kind === "error").length, 0);
    assert.equal(violations(f, P).length, 2);
  });
});

describe("service-slos", () => {
  const P = "service-slos";

  it("names exactly the one service of two that has no SLO", () => {
    const findings = run(serviceSlos, without(twoServices(), "maintenance-availability"));
    const f = expectOne(findings, { policy: P, name: "maintenance-api" }, "service 'maintenance'", "has no SLO", "SLOs exist for 'registration'", 'userLabels { service: "maintenance" }');
    assert.equal(f.service, "maintenance");
    assert.equal(findings.length, 1);
    assert.ok(!f.message.includes("service 'registration'"));
  });

  it("attributes an SLO through the monitoring service it belongs to, or its parent component", () => {
    const ms = res("gcp:monitoring/customService:CustomService", "maintenance-monitoring", { userLabels: { service: "maintenance" } });
    const viaService = { ...mutate(slo("maintenance"), "userLabels", undefined), dependencies: [ms.urn], propertyDependencies: { service: [ms.urn] } };
    expectClean(run(serviceSlos, [...replace(twoServices(), "maintenance-availability", () => viaService), ms]));
    const comp = res("acme:stack:Service", "maintenance", { labels: { service: "maintenance" } });
    const child = { ...mutate(slo("maintenance"), "userLabels", undefined), parent: comp.urn };
    expectClean(run(serviceSlos, [...replace(twoServices(), "maintenance-availability", () => child), comp]));
  });

  it("says which SLOs carry no service label", () => {
    const stack = replace(twoServices(), "maintenance-availability", (r) => mutate(r, "userLabels", { team: "ops" }));
    expectOne(run(serviceSlos, stack), { policy: P, name: "maintenance-api" }, "'maintenance-availability' carry no service label");
    expectOne(run(serviceSlos, without(twoServices(), "maintenance-availability", "registration-availability")), { policy: P, name: "maintenance-api" }, "no SLO in the stack");
  });

  it("reports undecided when an SLO's labels are unknown", () => {
    const stack = replace(twoServices(), "maintenance-availability", (r) => mutate(r, "userLabels", UNKNOWN));
    const f = expectOne(run(serviceSlos, stack), { policy: P, kind: "undecided" }, "service 'maintenance'", "'maintenance-availability'");
    assert.equal(f.service, "maintenance");
  });

  it("a service waiver exempts that service only", () => {
    const stack = without(twoServices(), "maintenance-availability", "registration-availability");
    const waiver = { resource: "service:maintenance", justification: "SLO targets are agreed with the product owner in December", approver: "ops.lead@example.com", expires: "2026-12-31" };
    const findings = run(serviceSlos, stack, { [P]: { waivers: [waiver] } });
    const waived = expectOne(findings, { policy: P, kind: "waived" }, "service 'maintenance'");
    assert.equal(waived.service, "maintenance");
    const still = expectOne(findings, { policy: P, kind: "violation" }, "service 'registration'");
    assert.equal(still.service, "registration");
  });

  it("has nothing to check without services", () => {
    expectClean(run(serviceSlos, [slo("x"), regulatedBucket()]));
  });

  it("names the component that declares the service, else its api workload", () => {
    const comp = res("acme:stack:Service", "billing", { labels: { service: "billing" } });
    const child = { ...deployment("billing", "billing-pgbouncer"), parent: comp.urn };
    expectOne(run(serviceSlos, [comp, child]), { policy: P, name: "billing" }, "service 'billing'");
    const pooler = deployment("billing", "billing-pgbouncer", {}, { "app.kubernetes.io/component": "pgbouncer" });
    const api = deployment("billing", "billing-api", {}, { "app.kubernetes.io/component": "api" });
    expectOne(run(serviceSlos, [pooler, api]), { policy: P, name: "billing-api" }, "service 'billing'");
    expectOne(run(serviceSlos, [pooler]), { policy: P, name: "billing-pgbouncer" }, "service 'billing'");
  });

  it("reports each of many services once, in one pass", () => {
    const stack: ResourceInput[] = [];
    for (let i = 0; i < 300; i++) stack.push(deployment(`svc${i}`), slo(`svc${i}`));
    const missing = stack.filter((r) => !(r.type === T.slo && Number(r.name.slice(3).split("-")[0]) % 3 === 0));
    const findings = run(serviceSlos, missing);
    assert.equal(findings.length, 100);
    assert.ok(findings.every((f) => f.service !== undefined && f.message.includes(`service '${f.service}'`)));
    // The other services are summarised, not listed: messages stay short and the gate linear.
    assert.ok(findings.every((f) => f.message.includes("and 196 more") && f.message.length < 600), findings[0]?.message);
  });
});

describe("service-dashboards", () => {
  const P = "service-dashboards";

  it("names exactly the one service without a dashboard", () => {
    const findings = run(serviceDashboards, without(twoServices(), "registration-overview"));
    const f = expectOne(findings, { policy: P, name: "registration-api" }, "service 'registration'", "has no dashboard", '"labels": { "service": "registration" }');
    assert.equal(f.service, "registration");
    assert.equal(findings.length, 1);
  });

  it("matches by the service label inside dashboardJson, else by the parent component's label", () => {
    const comp = res("acme:stack:Service", "registration", { labels: { [PART_OF]: "registration" } });
    const child = { ...res(T.dashboard, "registration-overview", { dashboardJson: JSON.stringify({ displayName: "Registration" }) }), parent: comp.urn };
    expectClean(run(serviceDashboards, [...replace(twoServices(), "registration-overview", () => child), comp]));
  });

  it("does not match by display name, and ignores JSON it cannot parse", () => {
    const named = res(T.dashboard, "registration-overview", { dashboardJson: JSON.stringify({ displayName: "registration overview" }) });
    expectOne(run(serviceDashboards, replace(twoServices(), "registration-overview", () => named)), { policy: P }, "'registration-overview' carry no service label");
    const broken = res(T.dashboard, "registration-overview", { dashboardJson: "{not json" });
    expectOne(run(serviceDashboards, replace(twoServices(), "registration-overview", () => broken)), { policy: P }, "service 'registration'");
    const array = res(T.dashboard, "registration-overview", { dashboardJson: "[1]" });
    expectOne(run(serviceDashboards, replace(twoServices(), "registration-overview", () => array)), { policy: P }, "service 'registration'");
  });

  it("reports undecided for a dashboard whose JSON is unknown at preview", () => {
    const unknown = res(T.dashboard, "registration-overview", { dashboardJson: UNKNOWN });
    expectOne(run(serviceDashboards, replace(twoServices(), "registration-overview", () => unknown)), { policy: P, kind: "undecided" }, "service 'registration'");
  });

  it("has nothing to check without services", () => {
    expectClean(run(serviceDashboards, [dashboard("x")]));
  });
});

describe("uptime-checks", () => {
  const P = "uptime-checks";
  const withCheck = (props: Record<string, unknown>) => replace(twoServices(), "maintenance-uptime", (r) => ({ ...r, props: { ...r.props, ...props } }));

  it("fails a public service without an uptime check, naming it and why it is public", () => {
    const f = expectOne(run(uptimeChecks, without(twoServices(), "maintenance-uptime")), { policy: P, name: "maintenance-api" }, "service 'maintenance'", "is public (Ingress 'maintenance-ingress' exposes it) but has no uptime check", 'period: "60s"');
    assert.equal(f.service, "maintenance");
  });

  it("fails a check that runs less often than every 60 s", () => {
    expectOne(run(uptimeChecks, withCheck({ period: "300s" })), { policy: P, name: "maintenance-uptime" }, "'maintenance-uptime' runs every \"300s\"");
    expectOne(run(uptimeChecks, withCheck({ period: undefined })), { policy: P }, "300s (period not set: the API default)");
    expectOne(run(uptimeChecks, withCheck({ period: "often" })), { policy: P }, 'runs every "often"');
  });

  it("fails a check from fewer than 3 regions, and passes one from all regions", () => {
    expectOne(run(uptimeChecks, withCheck({ selectedRegions: ["EUROPE", "USA", "EUROPE"] })), { policy: P }, 'checks from 2 region(s) ["EUROPE","USA"]');
    expectClean(run(uptimeChecks, withCheck({ selectedRegions: undefined })));
  });

  it("passes when any one of the service's checks complies", () => {
    const extra = uptimeCheck("maintenance", { period: "900s" }, "maintenance-slow");
    expectClean(run(uptimeChecks, [...twoServices(), extra]));
  });

  it("matches an unlabelled check to the service by its Ingress host", () => {
    expectClean(run(uptimeChecks, withCheck({ userLabels: {} })));
    const other = withCheck({ userLabels: {}, monitoredResource: { type: "uptime_url", labels: { host: "elsewhere.example.com" } } });
    expectOne(run(uptimeChecks, other), { policy: P, name: "maintenance-api" }, "'maintenance-uptime' carry no service label and no host of its Ingress");
  });

  it("treats a Gateway API HTTPRoute as public and matches checks by its hostnames", () => {
    const route = res(T.httpRoute, "billing-route", { metadata: { name: "billing-route", labels: { [PART_OF]: "billing" } }, spec: { hostnames: ["billing.example.com"] } });
    const svc = service("billing", { public: false, database: false });
    expectOne(run(uptimeChecks, [...svc, route]), { policy: P, name: "billing-api" }, "HTTPRoute 'billing-route' exposes it");
    const check = uptimeCheck("billing", { userLabels: {}, monitoredResource: { type: "uptime_url", labels: { host: "billing.example.com" } } });
    expectClean(run(uptimeChecks, [...svc, route, check]));
  });

  it("does not require a check of a service that is not public", () => {
    expectClean(run(uptimeChecks, without(twoServices(), "maintenance-uptime", "maintenance-ingress")));
    const internal = replace(without(twoServices(), "maintenance-uptime"), "maintenance-ingress", () => ingress("maintenance", "m.internal", { exposure: "internal" }));
    expectClean(run(uptimeChecks, internal));
  });

  it("treats the exposure: public label and public Cloud Run services as public", () => {
    const labelled = service("billing", { public: false, database: false }).map((r) => (r.name === "billing-api" ? mutate(r, "metadata.labels.exposure", "public") : r));
    expectOne(run(uptimeChecks, labelled), { policy: P, name: "billing-api" }, "is labelled exposure: public");
    const cr = (ingressValue?: unknown) => res(T.cloudRunService, "billing", { location: "europe-west1", labels: { service: "billing" }, ...(ingressValue ? { ingress: ingressValue } : {}) });
    expectOne(run(uptimeChecks, [cr()]), { policy: P, name: "billing" }, "accepts all traffic", "INGRESS_TRAFFIC_ALL (default)");
    expectOne(run(uptimeChecks, [cr("INGRESS_TRAFFIC_ALL")]), { policy: P, name: "billing" }, 'ingress "INGRESS_TRAFFIC_ALL"');
    expectClean(run(uptimeChecks, [cr("INGRESS_TRAFFIC_INTERNAL_ONLY")]));
    expectOne(run(uptimeChecks, [cr(UNKNOWN)]), { policy: P, kind: "undecided" }, "whether it is public");
    expectClean(run(uptimeChecks, [cr(UNKNOWN), uptimeCheck("billing")]));
  });

  it("reports undecided for unknown periods, regions or check labels", () => {
    expectOne(run(uptimeChecks, withCheck({ period: UNKNOWN })), { policy: P, kind: "undecided" }, "period");
    expectOne(run(uptimeChecks, withCheck({ selectedRegions: UNKNOWN })), { policy: P, kind: "undecided" }, "selectedRegions");
    expectOne(run(uptimeChecks, withCheck({ selectedRegions: ["EUROPE", UNKNOWN, "USA"] })), { policy: P, kind: "undecided" }, "selectedRegions");
    const unlabelled = withCheck({ userLabels: UNKNOWN, monitoredResource: UNKNOWN });
    expectOne(run(uptimeChecks, unlabelled), { policy: P, kind: "undecided" }, "the service of uptime checks 'maintenance-uptime'");
  });

  it("honours maxPeriod and minRegions", () => {
    expectClean(run(uptimeChecks, withCheck({ period: "300s", selectedRegions: ["EUROPE"] }), { [P]: { maxPeriod: "5m", minRegions: 1 } }));
  });
});

describe("log-archive-sink", () => {
  const P = "log-archive-sink";
  const withSink = (props: Record<string, unknown>, extra: Partial<ResourceInput> = {}) =>
    replace(twoServices(), "audit-archive", (r) => ({ ...r, ...extra, props: { ...r.props, ...props } }));

  it("fails a stack whose sinks do not archive to BigQuery", () => {
    expectOne(run(logArchiveSink, withSink({ destination: "storage.googleapis.com/acme-logs" })), { policy: P }, "archives no logs to BigQuery", "'audit-archive' → \"storage.googleapis.com/acme-logs\"", "bigquery.googleapis.com/projects/");
    expectOne(run(logArchiveSink, without(twoServices(), "audit-archive")), { policy: P }, "no gcp.logging.ProjectSink");
    expectOne(run(logArchiveSink, withSink({ disabled: true })), { policy: P }, "'audit-archive' (disabled)");
    expectOne(run(logArchiveSink, withSink({ destination: undefined })), { policy: P }, "→ not set");
  });

  it("settles an unknown destination through its dependency on a BigQuery dataset", () => {
    const ds = res(T.bqDataset, "log_archive", { datasetId: "log_archive", location: "europe-west1" });
    expectClean(run(logArchiveSink, [...withSink({ destination: UNKNOWN }, { dependencies: [ds.urn], propertyDependencies: { destination: [ds.urn] } }), ds]));
  });

  it("reports undecided for an unknown destination or disabled flag", () => {
    expectOne(run(logArchiveSink, withSink({ destination: UNKNOWN })), { policy: P, kind: "undecided", name: "audit-archive" }, "destination");
    expectOne(run(logArchiveSink, withSink({ disabled: UNKNOWN })), { policy: P, kind: "undecided" }, "destination");
  });

  it("does not apply to a stack without services", () => {
    expectClean(run(logArchiveSink, [regulatedBucket()]));
  });
});

describe("outbox-lag-alert", () => {
  const P = "outbox-lag-alert";

  it("fails a service with an outbox and no lag alert, naming it", () => {
    const f = expectOne(run(outboxLagAlert, without(twoServices(), "registration-outbox-lag")), { policy: P, name: "registration-api" }, "service 'registration'", "has an outbox", "outbox: \"true\"", "no alert on outbox lag");
    assert.equal(f.service, "registration");
  });

  it("does not count a disabled alert, or one of another service", () => {
    const disabled = replace(twoServices(), "registration-outbox-lag", (r) => mutate(r, "enabled", false));
    expectOne(run(outboxLagAlert, disabled), { policy: P }, "no enabled alert policy");
    const foreign = replace(twoServices(), "registration-outbox-lag", (r) => mutate(r, "userLabels", { service: "maintenance" }));
    expectOne(run(outboxLagAlert, foreign), { policy: P, name: "registration-api" }, "service 'registration'");
    const unlabelled = replace(twoServices(), "registration-outbox-lag", (r) => mutate(r, "userLabels", {}));
    expectOne(run(outboxLagAlert, unlabelled), { policy: P }, "outbox lag alerts 'registration-outbox-lag' carry no service label");
  });

  it("finds the lag metric in MQL and PromQL conditions", () => {
    const mql = replace(twoServices(), "registration-outbox-lag", (r) => mutate(r, "conditions", [{ conditionMonitoringQueryLanguage: { query: "fetch k8s_container | metric 'custom.googleapis.com/outbox/lag'", duration: "60s" } }]));
    expectClean(run(outboxLagAlert, mql));
    const promql = replace(twoServices(), "registration-outbox-lag", (r) => mutate(r, "conditions", [{ conditionPrometheusQueryLanguage: { query: "max(outbox_lag_seconds) > 60" } }]));
    expectClean(run(outboxLagAlert, promql));
  });

  it("declares the outbox on any resource of the service, e.g. its Pub/Sub topic", () => {
    const topic = res(T.pubsubTopic, "maintenance-events", { labels: { service: "maintenance", outbox: "true" } });
    expectOne(run(outboxLagAlert, [...twoServices(), topic]), { policy: P, name: "maintenance-api" }, "'maintenance-events' (gcp:pubsub/topic:Topic) is labelled outbox");
    expectClean(run(outboxLagAlert, [...twoServices(), topic, outboxAlert("maintenance")]));
  });

  it("reports undecided when conditions are unknown", () => {
    for (const conditions of [UNKNOWN, [UNKNOWN], [{ conditionThreshold: { filter: UNKNOWN } }]]) {
      const stack = replace(twoServices(), "registration-outbox-lag", (r) => mutate(r, "conditions", conditions));
      expectOne(run(outboxLagAlert, stack), { policy: P, kind: "undecided" }, "service 'registration'");
    }
    const unknownEnabled = replace(twoServices(), "registration-outbox-lag", (r) => mutate(r, "enabled", UNKNOWN));
    expectOne(run(outboxLagAlert, unknownEnabled), { policy: P, kind: "undecided" }, "service 'registration'");
  });

  it("honours a configured metric pattern and rejects an invalid one", () => {
    expectOne(run(outboxLagAlert, twoServices(), { [P]: { metricPattern: "relay_backlog" } }), { policy: P }, "/relay_backlog/");
    expectOne(run(outboxLagAlert, twoServices(), { [P]: { metricPattern: "(" } }), { policy: P, kind: "config" }, "must be a regular expression");
  });

  it("has nothing to check without an outbox", () => {
    expectClean(run(outboxLagAlert, service("billing")));
  });
});

describe("regulated-data-retention", () => {
  const P = "regulated-data-retention";
  const base = regulatedBucket();

  it("passes a regulated bucket locked for 7 years, and ignores other buckets", () => {
    expectClean(run(regulatedDataRetention, [base]));
    expectClean(run(regulatedDataRetention, [mutate(base, "labels", { service: "maintenance" })]));
    expectClean(run(regulatedDataRetention, [mutate(base, "labels.data-class", "internal")]));
  });

  it("fails a retention shorter than 7 years", () => {
    expectOne(run(regulatedDataRetention, [mutate(base, "retentionPolicy.retentionPeriod", "31536000")]), { policy: P, name: "maintenance-invoices" }, "keeps objects for less than 7 years", '"31536000" (1 year)', 'retentionPeriod: "220752000"');
    expectOne(run(regulatedDataRetention, [mutate(base, "retentionPolicy.retentionPeriod", "86400")]), { policy: P }, '"86400" (1d)');
    expectOne(run(regulatedDataRetention, [mutate(base, "retentionPolicy.retentionPeriod", "seven years")]), { policy: P }, '"seven years"');
    expectClean(run(regulatedDataRetention, [mutate(base, "retentionPolicy.retentionPeriod", 220752000)]));
  });

  it("fails an unlocked or missing retention policy", () => {
    expectOne(run(regulatedDataRetention, [mutate(base, "retentionPolicy.isLocked", false)]), { policy: P }, "is not locked", "retentionPolicy.isLocked false");
    expectOne(run(regulatedDataRetention, [mutate(base, "retentionPolicy", undefined)]), { policy: P }, "has no retention policy");
    expectClean(run(regulatedDataRetention, [mutate(base, "retentionPolicy.isLocked", false)], { [P]: { requireLocked: false } }));
  });

  it("applies to buckets named in the settings, labelled or not", () => {
    const plain = mutate(mutate(base, "labels", {}), "retentionPolicy", undefined);
    expectOne(run(regulatedDataRetention, [plain], { [P]: { regulatedBuckets: ["maintenance-invoices"] } }), { policy: P }, "is configured as holding regulated data");
  });

  it("reports undecided for unknown labels, periods and locks", () => {
    expectOne(run(regulatedDataRetention, [mutate(base, "labels", UNKNOWN)]), { policy: P, kind: "undecided" }, "whether it holds regulated data");
    expectOne(run(regulatedDataRetention, [mutate(base, "retentionPolicy", UNKNOWN)]), { policy: P, kind: "undecided" }, "'retentionPolicy'");
    expectOne(run(regulatedDataRetention, [mutate(base, "retentionPolicy.retentionPeriod", UNKNOWN)]), { policy: P, kind: "undecided" }, "retentionPeriod");
    expectOne(run(regulatedDataRetention, [mutate(base, "retentionPolicy.isLocked", UNKNOWN)]), { policy: P, kind: "undecided" }, "isLocked");
  });

  it("rejects a retention setting above the provider's maximum", () => {
    expectOne(run(regulatedDataRetention, [base], { [P]: { minRetentionSeconds: 4_000_000_000 } }), { policy: P, kind: "config" }, "minRetentionSeconds");
  });
});

describe("per-service gates on one stack", () => {
  it("report each failing service once, by name", () => {
    const stack = without(twoServices(), "maintenance-availability", "registration-overview", "maintenance-uptime");
    const findings = run(ALL, stack);
    assert.equal(expectOne(findings, { policy: "service-slos" }).service, "maintenance");
    assert.equal(expectOne(findings, { policy: "service-dashboards" }).service, "registration");
    assert.equal(expectOne(findings, { policy: "uptime-checks" }).service, "maintenance");
    assert.equal(findings.length, 3);
  });

  it("sees log sinks and alerts built for logSink()", () => {
    expectClean(run([logArchiveSink, alertRunbooks], [...service("billing"), logSink()]));
  });
});

describe("shipped pack configs", () => {
  const OWN = ALL.map((r) => r.gate as string);
  for (const env of ["production", "staging"]) {
    it(`${env}.json is valid for the release and observability gates`, () => {
      const config = require(`../../../policypack/config/${env}.json`) as Record<string, unknown>;
      const mine = Object.fromEntries(Object.entries(config).filter(([k]) => OWN.includes(k)));
      assert.deepEqual(Object.keys(mine).sort(), [...OWN].sort());
      expectClean(run(ALL, twoServices(), mine));
    });
  }

  it("production.json gives the schema defaults", () => {
    const config = require("../../../policypack/config/production.json") as Record<string, Record<string, unknown>>;
    for (const rule of ALL) {
      const settings = { ...config[rule.gate] };
      delete settings["enforcementLevel"];
      assert.deepEqual(rule.settings.parse(settings), rule.settings.parse({}), rule.gate);
    }
  });
});

describe("odd input", () => {
  it("no release or observability gate crashes on arbitrary property values (fast-check)", () => {
    const fc = require("fast-check") as typeof import("fast-check");
    const types = [T.deployment, T.rollout, T.cloudRunService, T.deployPipeline, T.deployAutomation, T.job, T.cloudRunJob, T.sqlInstance, T.alertPolicy, T.slo, T.dashboard, T.uptimeCheck, T.logSink, T.bucket, T.ingress, T.httpRoute];
    const odd = fc.oneof(fc.constant(UNKNOWN), fc.constant(null), fc.anything({ maxDepth: 3 }));
    const props = fc.dictionary(fc.constantFrom("labels", "userLabels", "metadata", "spec", "serialPipeline", "rules", "selector", "suspended", "deliveryPipeline", "settings", "documentation", "notificationChannels", "conditions", "enabled", "dashboardJson", "period", "selectedRegions", "monitoredResource", "destination", "disabled", "retentionPolicy", "ingress", "runExecutionToken", "name"), odd);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...types), props), { maxLength: 12 }), (items) => {
        const stack: ResourceInput[] = items.map(([type, p], i) => {
          const labelled = i % 2 === 0 ? { ...p, labels: { service: "s", outbox: "true", exposure: "public", "data-class": "regulated" } } : p;
          return res(type, `r${i}`, labelled as Record<string, unknown>, { dependencies: [`urn:pulumi:prod::readiness::${types[0]}::r${(i + 1) % items.length}`] });
        });
        const errors = run(ALL, stack).filter((f) => f.kind === "error");
        assert.equal(errors.length, 0, errors.map((e) => e.message).join("\n"));
      }),
      { numRuns: 150, seed: 20261123 },
    );
  });

  it("no gate crashes when deep fields of the compliant stack take odd values (fast-check)", () => {
    const fc = require("fast-check") as typeof import("fast-check");
    const base = twoServices();
    const paths = [
      "spec.strategy.canary.steps",
      "spec.strategy.canary.steps.0",
      "spec.strategy.canary.steps.1.pause",
      "spec.strategy",
      "serialPipeline.stages",
      "serialPipeline.stages.0.strategy",
      "serialPipeline.stages.0.strategy.canary.canaryDeployment",
      "rules",
      "rules.0.advanceRolloutRule",
      "selector.targets",
      "metadata.labels",
      "settings.userLabels",
      "userLabels",
      "dashboardJson",
      "documentation.links",
      "conditions.0",
      "conditions.0.conditionThreshold",
      "selectedRegions",
      "monitoredResource.labels",
      "retentionPolicy",
      "spec.rules",
      "labels",
    ];
    const odd = fc.oneof(fc.constant(UNKNOWN), fc.constant(null), fc.constant([UNKNOWN]), fc.anything({ maxDepth: 2 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length - 1), fc.constantFrom(...paths), odd), { minLength: 1, maxLength: 6 }), (edits) => {
        const stack = [...base];
        for (const [i, path, v] of edits) stack[i] = mutate(stack[i] as ResourceInput, path, v);
        const errors = run(ALL, stack).filter((f) => f.kind === "error");
        assert.equal(errors.length, 0, errors.map((e) => e.message).join("\n"));
      }),
      { numRuns: 150, seed: 20261123 },
    );
  });
});

describe("published config schemas", () => {
  it("describe every release and observability setting", () => {
    const { configSchemaOf } = require("../../policypack/src/engine/schema") as typeof import("../../policypack/src/engine/schema");
    for (const rule of ALL) {
      const props = configSchemaOf(rule).properties as Record<string, { description?: string; default?: unknown }>;
      for (const [k, v] of Object.entries(props)) {
        assert.ok(v.description && v.description.length > 10, `${rule.gate}.${k} has no description`);
        if (k !== "waivers") assert.notEqual(v.default, undefined, `${rule.gate}.${k} has no default`);
      }
    }
  });
});

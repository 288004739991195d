/**
 * Monitoring of a service: alert policies with https runbook links and the on-call channel
 * (alert-runbooks), the outbox lag alert (outbox-lag-alert), an availability SLO
 * (service-slos), the checklist's dashboards (service-dashboards), and an uptime check of the
 * public route every 60 s from three regions (uptime-checks).
 */
import * as pulumi from "@pulumi/pulumi";
import { AlertPolicy } from "@pulumi/gcp/monitoring/alertPolicy";
import { CustomService } from "@pulumi/gcp/monitoring/customService";
import { Dashboard } from "@pulumi/gcp/monitoring/dashboard";
import { Slo } from "@pulumi/gcp/monitoring/slo";
import { UptimeCheckConfig } from "@pulumi/gcp/monitoring/uptimeCheckConfig";
import type * as inputs from "@pulumi/gcp/types/input";
import { SERVICE } from "../labels";
import type { ServiceContext } from "./context";

export interface MonitoringParts {
  readonly alerts: readonly AlertPolicy[];
  readonly slo?: Slo;
  readonly dashboards: readonly Dashboard[];
  readonly uptime?: UptimeCheckConfig;
}

interface AlertSpec {
  readonly id: string;
  readonly title: string;
  readonly severity: "CRITICAL" | "ERROR" | "WARNING";
  readonly condition: inputs.monitoring.AlertPolicyCondition;
  readonly what: string;
}

/** The runbook URL of an alert: <runbookBaseUrl>/<service>/<alert>. */
export function runbookUrl(ctx: ServiceContext, alert: string): string {
  return `${ctx.o.monitoring.runbookBaseUrl.replace(/\/+$/, "")}/${ctx.svc}/${alert}`;
}

function kongRequests(ctx: ServiceContext, extra = ""): string {
  return `metric.type="prometheus.googleapis.com/kong_http_requests_total/counter" AND resource.type="prometheus_target" AND metric.label.route=starts_with("${ctx.svc}.")${extra}`;
}

export function createMonitoring(ctx: ServiceContext, channels: readonly pulumi.Input<string>[], probeJwt?: string): MonitoringParts {
  const { parent, svc, o, cfg } = ctx;
  const m = o.monitoring;
  const serviceId = `${svc}-${ctx.env}`;
  const sloId = "availability";

  // ------------------------------------------------------------------------ SLO
  let slo: Slo | undefined;
  if (m.slo) {
    const custom = new CustomService(`${svc}-monitoring-service`, { serviceId, displayName: `${ctx.def.title} (${ctx.env})`, userLabels: ctx.gcp("slo") }, { parent });
    slo = new Slo(
      `${svc}-slo-availability`,
      {
        service: serviceId,
        sloId,
        displayName: `${ctx.def.title}: ${(m.sloGoal * 100).toFixed(1)} % of requests succeed (28 days)`,
        goal: m.sloGoal,
        rollingPeriodDays: 28,
        requestBasedSli: {
          goodTotalRatio: {
            goodServiceFilter: kongRequests(ctx, ' AND metric.label.code=monitoring.regex.full_match("[1-4]..")'),
            totalServiceFilter: kongRequests(ctx),
          },
        },
        userLabels: ctx.gcp("slo"),
      },
      { parent, dependsOn: [custom] },
    );
  }

  // ------------------------------------------------------------------------ alerts
  const specs: AlertSpec[] = [
    {
      id: "error-rate",
      title: "5xx error rate above 2 %",
      severity: "ERROR",
      what: "More than 2 % of the service's requests at the gateway failed with 5xx for 5 minutes.",
      condition: {
        displayName: "5xx ratio > 2 %",
        conditionPrometheusQueryLanguage: {
          query: `sum(rate(kong_http_requests_total{route=~"${svc}\\\\..*",code=~"5.."}[5m])) / sum(rate(kong_http_requests_total{route=~"${svc}\\\\..*"}[5m])) > 0.02`,
          duration: "300s",
          evaluationInterval: "60s",
        },
      },
    },
    {
      id: "uptime",
      title: "public route failing uptime checks",
      severity: "CRITICAL",
      what: `The uptime check of https://${ctx.host}${o.probes.readinessPath} fails from more than one region.`,
      condition: {
        displayName: "uptime check failing",
        conditionThreshold: {
          filter: `metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url" AND resource.label.host="${ctx.host}"`,
          aggregations: [{ alignmentPeriod: "1200s", perSeriesAligner: "ALIGN_NEXT_OLDER", crossSeriesReducer: "REDUCE_COUNT_FALSE", groupByFields: ["resource.label.host"] }],
          comparison: "COMPARISON_GT",
          thresholdValue: 1,
          duration: "600s",
        },
      },
    },
  ];
  if (m.slo) {
    specs.push({
      id: "slo-burn",
      title: "availability SLO burning fast",
      severity: "CRITICAL",
      what: "The availability error budget burns at more than 14.4× the sustainable rate (2 % of the 28-day budget per hour).",
      condition: {
        displayName: "SLO burn rate > 14.4 (1 h)",
        conditionThreshold: {
          filter: `select_slo_burn_rate("projects/${cfg.project}/services/${serviceId}/serviceLevelObjectives/${sloId}", "3600s")`,
          comparison: "COMPARISON_GT",
          thresholdValue: 14.4,
          duration: "0s",
        },
      },
    });
  }
  if (ctx.def.outbox && m.outboxLagAlert) {
    specs.push({
      id: "outbox-lag",
      title: "outbox lag",
      severity: "ERROR",
      what: `The oldest unrelayed event in ${svc}.outbox is older than ${m.outboxLagThresholdSeconds} s for 5 minutes: events are not reaching consumers.`,
      condition: {
        displayName: `outbox lag > ${m.outboxLagThresholdSeconds} s`,
        conditionThreshold: {
          filter: `metric.type="prometheus.googleapis.com/outbox_lag_seconds/gauge" AND resource.type="prometheus_target" AND metric.label.service="${svc}"`,
          aggregations: [{ alignmentPeriod: "60s", perSeriesAligner: "ALIGN_MAX", crossSeriesReducer: "REDUCE_MAX" }],
          comparison: "COMPARISON_GT",
          thresholdValue: m.outboxLagThresholdSeconds,
          duration: "300s",
        },
      },
    });
  }
  const alerts = specs.map((a) => {
    const url = runbookUrl(ctx, a.id);
    return new AlertPolicy(
      `${svc}-alert-${a.id}`,
      {
        displayName: `${ctx.def.title} (${ctx.env}): ${a.title}`,
        combiner: "OR",
        severity: a.severity,
        conditions: [a.condition],
        notificationChannels: m.notify ? [...channels] : [],
        alertStrategy: { autoClose: "1800s" },
        documentation: {
          subject: `[${ctx.env}] ${svc}: ${a.title}`,
          mimeType: "text/markdown",
          content: `${a.what}\n\nRunbook: ${url}`,
          links: [{ displayName: "Runbook", url }],
        },
        userLabels: ctx.gcp("alert", { alert: a.id }),
      },
      { parent, ...(a.id === "slo-burn" && slo ? { dependsOn: [slo] } : {}) },
    );
  });

  // ------------------------------------------------------------------------ dashboards
  const dashboards = m.dashboards
    ? ctx.def.dashboards.map(
        (title, i) =>
          new Dashboard(
            `${svc}-dashboard-${i}`,
            {
              dashboardJson: JSON.stringify({
                displayName: `${title} (${ctx.env})`,
                labels: { [SERVICE]: svc, env: ctx.env },
                mosaicLayout: {
                  columns: 48,
                  tiles: [
                    { xPos: 0, yPos: 0, width: 24, height: 16, widget: { title: "Requests by status", xyChart: { dataSets: [{ timeSeriesQuery: { prometheusQuery: `sum by (code) (rate(kong_http_requests_total{route=~"${svc}\\\\..*"}[5m]))` }, plotType: "STACKED_AREA" }] } } },
                    { xPos: 24, yPos: 0, width: 24, height: 16, widget: { title: "Latency p95", xyChart: { dataSets: [{ timeSeriesQuery: { prometheusQuery: `histogram_quantile(0.95, sum by (le) (rate(kong_request_latency_ms_bucket{route=~"${svc}\\\\..*"}[5m])))` }, plotType: "LINE" }] } } },
                    { xPos: 0, yPos: 16, width: 24, height: 16, widget: { title: "Outbox lag", xyChart: { dataSets: [{ timeSeriesQuery: { prometheusQuery: `max(outbox_lag_seconds{service="${svc}"})` }, plotType: "LINE" }] } } },
                    { xPos: 24, yPos: 16, width: 24, height: 16, widget: { title: "Database CPU", xyChart: { dataSets: [{ timeSeriesQuery: { timeSeriesFilter: { filter: `metric.type="cloudsql.googleapis.com/database/cpu/utilization" AND resource.label.database_id="${cfg.project}:${svc}-${ctx.env}"` } }, plotType: "LINE" }] } } },
                  ],
                },
              }),
            },
            { parent },
          ),
      )
    : [];

  // ------------------------------------------------------------------------ uptime
  let uptime: UptimeCheckConfig | undefined;
  if (m.uptimeCheck) {
    uptime = new UptimeCheckConfig(
      `${svc}-uptime`,
      {
        displayName: `${svc} ${ctx.env} ${o.probes.readinessPath}`,
        timeout: "10s",
        period: m.uptimePeriod,
        selectedRegions: [...m.uptimeRegions],
        checkerType: "STATIC_IP_CHECKERS",
        httpCheck: {
          path: o.probes.readinessPath,
          port: 443,
          useSsl: true,
          validateSsl: true,
          requestMethod: "GET",
          maskHeaders: true,
          headers: {
            [o.gateway.tenantHeader]: "synthetic-probe",
            ...(probeJwt ? { Authorization: pulumi.secret(`Bearer ${probeJwt}`) as unknown as string } : {}),
          },
          acceptedResponseStatusCodes: [{ statusClass: "STATUS_CLASS_2XX" }],
        },
        monitoredResource: { type: "uptime_url", labels: { host: ctx.host, project_id: cfg.project } },
        userLabels: ctx.gcp("uptime"),
      },
      { parent },
    );
  }
  return { alerts, slo, dashboards, uptime };
}

import * as assert from "node:assert/strict";
import type { ResourceInput } from "../../policypack/src/access/resource";
import { T } from "../../policypack/src/access/tokens";
import type { Rule } from "../../policypack/src/engine/rule";
import { alertRunbooks } from "../../policypack/src/gates/alert-runbooks/gate";
import canaryExamples from "../../policypack/src/gates/canary-release/examples";
import { canaryRelease } from "../../policypack/src/gates/canary-release/gate";
import { logArchiveSink } from "../../policypack/src/gates/log-archive-sink/gate";
import migrationExamples from "../../policypack/src/gates/migration-job-before-deploy/examples";
import { migrationJobBeforeDeploy } from "../../policypack/src/gates/migration-job-before-deploy/gate";
import outboxExamples from "../../policypack/src/gates/outbox-lag-alert/examples";
import { outboxLagAlert } from "../../policypack/src/gates/outbox-lag-alert/gate";
import { regulatedDataRetention } from "../../policypack/src/gates/regulated-data-retention/gate";
import dashboardExamples from "../../policypack/src/gates/service-dashboards/examples";
import { serviceDashboards } from "../../policypack/src/gates/service-dashboards/gate";
import sloExamples from "../../policypack/src/gates/service-slos/examples";
import { serviceSlos } from "../../policypack/src/gates/service-slos/gate";
import uptimeExamples from "../../policypack/src/gates/uptime-checks/examples";
import { uptimeChecks } from "../../policypack/src/gates/uptime-checks/gate";
import { deployment, logSink, service, slo, twoServices, without } from "../fixtures/stack";
import type { GateExamples } from "../support/examples";
import { expectClean, expectOne, mutate, res, run, UNKNOWN } from "../support/fixtures";

// The gates' own cases are examples: policypack/src/gates/<gate>/examples.ts. Kept here: cross-gate runs,
// a loop over many generated services, each finding's service field, the shipped configs and fuzzing.

const ALL = [canaryRelease, migrationJobBeforeDeploy, alertRunbooks, serviceSlos, serviceDashboards, uptimeChecks, logArchiveSink, outboxLagAlert, regulatedDataRetention];

describe("the compliant two-service stack", () => {
  it("passes every release and observability gate", () => {
    expectClean(run(ALL, twoServices()));
  });
});

describe("service-slos", () => {
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

describe("per-service gates' examples", () => {
  // The examples runner compares name, kind and message; a finding's service (what service waivers match) is checked here.
  const PER_SERVICE: readonly [Rule, GateExamples][] = [
    [canaryRelease, canaryExamples],
    [migrationJobBeforeDeploy, migrationExamples],
    [serviceSlos, sloExamples],
    [serviceDashboards, dashboardExamples],
    [uptimeChecks, uptimeExamples],
    [outboxLagAlert, outboxExamples],
  ];
  for (const [rule, ex] of PER_SERVICE) {
    it(`${rule.gate}: every finding about service 'x' carries service x`, () => {
      let seen = 0;
      for (const c of ex.violating) {
        for (const f of run(rule, c.stack(structuredClone(ex.baseline())), c.config ? { [rule.gate]: c.config } : {}, c.facts)) {
          const about = /^service '([^']+)'/.exec(f.message)?.[1];
          if (about === undefined) continue;
          assert.equal(f.service, about, `${c.title}: ${f.message}`);
          seen++;
        }
      }
      assert.ok(seen > 0);
    });
  }
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

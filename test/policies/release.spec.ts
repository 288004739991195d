import * as assert from "node:assert/strict";
import type { ResourceInput } from "../../policypack/src/access/resource";
import { T } from "../../policypack/src/access/tokens";
import { formatDuration, parseDuration } from "../../policypack/src/lib/durations";
import { canaryRelease } from "../../policypack/src/gates/canary-release/gate";
import { migrationJobBeforeDeploy } from "../../policypack/src/gates/migration-job-before-deploy/gate";
import {
  advanceRule,
  argoSteps,
  canaryStage,
  COMPONENT,
  database,
  deployment,
  migrationJob,
  PART_OF,
  pipeline,
  replace,
  service,
  twoServices,
  without,
} from "../fixtures/stack";
import { expectClean, expectOne, mutate, res, run, UNKNOWN } from "../support/fixtures";

const CANARY = "canary-release";
const MIGRATION = "migration-job-before-deploy";

function only(stack: readonly ResourceInput[], ...names: string[]): ResourceInput[] {
  return stack.filter((r) => names.includes(r.name));
}

describe("durations", () => {
  it("parses Argo, Cloud Deploy and Go-style durations", () => {
    assert.equal(parseDuration("30m"), 1800);
    assert.equal(parseDuration("1h"), 3600);
    assert.equal(parseDuration("1800s"), 1800);
    assert.equal(parseDuration("1h30m"), 5400);
    assert.equal(parseDuration("0.5h"), 1800);
    assert.equal(parseDuration("1500ms"), 1.5);
    assert.equal(parseDuration("2d"), 172800);
    assert.equal(parseDuration(" 90 "), 90);
    assert.equal(parseDuration(90), 90);
  });
  it("rejects what is not a duration", () => {
    for (const v of ["soon", "30 m", "-5", "5x", "", "m", -1, Number.NaN, null, undefined, {}, UNKNOWN]) assert.equal(parseDuration(v), undefined, String(v));
  });
  it("formats seconds compactly", () => {
    assert.equal(formatDuration(1800), "30m");
    assert.equal(formatDuration(5400), "1h30m");
    assert.equal(formatDuration(90061), "1d1h1m1s");
    assert.equal(formatDuration(0), "0s");
    assert.equal(formatDuration(0.4), "0.4s");
  });
});

describe("canary-release", () => {
  it("passes the compliant two-service stack (Argo 5 % / 30 min, Cloud Deploy 10 → 50 with 1800s waits)", () => {
    expectClean(run([canaryRelease, migrationJobBeforeDeploy], twoServices()));
  });

  it("has nothing to check in a stack without services", () => {
    expectClean(run(canaryRelease, only(twoServices(), "audit-archive", "maintenance-invoices")));
  });

  describe("Argo Rollouts", () => {
    const withSteps = (steps: unknown) => replace(twoServices(), "registration-rollout", (r) => mutate(r, "spec.strategy.canary.steps", steps));

    it("fails a first step above the configured percentage, naming the service", () => {
      const f = expectOne(run(canaryRelease, withSteps(argoSteps([25]))), { policy: CANARY, name: "registration-rollout" }, "service 'registration'", "step 1 (25 %) sends more than 5 %", "Fix:");
      assert.equal(f.service, "registration");
    });

    it("fails a bake shorter than configured", () => {
      expectOne(run(canaryRelease, withSteps(argoSteps([5], "10m"))), { policy: CANARY, name: "registration-rollout" }, "bakes 10m, less than 30m");
    });

    it("adds consecutive pauses and accepts integer seconds", () => {
      expectClean(run(canaryRelease, withSteps([{ setWeight: 5 }, { pause: { duration: "20m" } }, { analysis: { templates: [] } }, { pause: { duration: 600 } }])));
    });

    it("ends the canary at setWeight 100 and ignores a pause before any traffic", () => {
      expectClean(run(canaryRelease, withSteps([{ pause: { duration: "1m" } }, ...argoSteps([5]), { setWeight: 100 }, { pause: { duration: "1m" } }])));
    });

    it("fails a manual (indefinite) pause unless configured to accept it", () => {
      const stack = withSteps(argoSteps([5], null));
      expectOne(run(canaryRelease, stack), { policy: CANARY, name: "registration-rollout" }, "waits for a manual promotion instead of a timed bake of 30m");
      expectClean(run(canaryRelease, stack, { [CANARY]: { acceptManualPause: true } }));
    });

    it("fails a Rollout without steps, or with a blue-green strategy", () => {
      expectOne(run(canaryRelease, withSteps([])), { policy: CANARY, name: "registration-rollout" }, "has no canary steps, so it shifts all traffic at once");
      const bg = replace(twoServices(), "registration-rollout", (r) => mutate(r, "spec.strategy", { blueGreen: { activeService: "a" } }));
      expectOne(run(canaryRelease, bg), { policy: CANARY, name: "registration-rollout" }, "uses no canary strategy (spec.strategy has blueGreen)");
      const none = replace(twoServices(), "registration-rollout", (r) => mutate(r, "spec.strategy", undefined));
      expectOne(run(canaryRelease, none), { policy: CANARY, name: "registration-rollout" }, "spec.strategy is not set");
    });

    it("fails when only a pause follows a full-traffic step", () => {
      expectOne(run(canaryRelease, withSteps([{ setWeight: 100 }, { pause: { duration: "1h" } }])), { policy: CANARY, name: "registration-rollout" }, "has no traffic step below 100 %");
    });

    it("fails unreadable weights and durations", () => {
      expectOne(run(canaryRelease, withSteps([{ setWeight: "five" }])), { policy: CANARY }, "setWeight is not a number", '"five"');
      expectOne(run(canaryRelease, withSteps([{ setWeight: 5 }, { pause: { duration: "half an hour" } }])), { policy: CANARY }, "pause.duration is not a duration", '"half an hour"');
    });

    it("reports undecided for an unknown pause, weight or strategy, never a pass or a block", () => {
      for (const steps of [argoSteps([5], UNKNOWN), [{ setWeight: UNKNOWN }], [UNKNOWN], UNKNOWN]) {
        const f = run(canaryRelease, withSteps(steps));
        expectOne(f, { policy: CANARY, kind: "undecided" }, "service 'registration'", "unknown until apply");
        assert.equal(f.filter((x) => x.kind === "violation").length, 0);
      }
      const unknownStrategy = replace(twoServices(), "registration-rollout", (r) => mutate(r, "spec.strategy.canary", UNKNOWN));
      expectOne(run(canaryRelease, unknownStrategy), { policy: CANARY, kind: "undecided" }, "spec.strategy.canary");
    });

    it("still fails a too-large first step when a later pause is unknown", () => {
      expectOne(run(canaryRelease, withSteps([{ setWeight: 50 }, { pause: { duration: "1h" } }, { setWeight: 60 }, { pause: { duration: "1h" } }])), { policy: CANARY }, "more than 5 %");
    });
  });

  describe("services without a canary", () => {
    it("fails a service with no Rollout and no pipeline, naming it and its workload", () => {
      const f = expectOne(
        run(canaryRelease, without(twoServices(), "registration-rollout")),
        { policy: CANARY, name: "registration-api" },
        "service 'registration'",
        "is not released by a canary",
        "found no canary",
        'advanceRolloutRule wait ≥ "1800s"',
        '{setWeight: 5}, {pause: {duration: "30m"}}',
      );
      assert.equal(f.service, "registration");
    });

    it("hints at release resources that carry no service label", () => {
      const stack = replace(without(twoServices(), "registration-rollout"), "maintenance-pipeline", (r) => mutate(r, "labels", {}));
      const findings = run(canaryRelease, stack);
      expectOne(findings, { policy: CANARY, name: "registration-api" }, "'maintenance-pipeline' carry no service label");
      expectOne(findings, { policy: CANARY, name: "maintenance-api" }, "service 'maintenance'");
    });

    it("counts a Cloud Run service as a service", () => {
      const run2 = res(T.cloudRunService, "billing", { location: "europe-west1", labels: { service: "billing" }, template: {} });
      expectOne(run(canaryRelease, [...twoServices(), run2]), { policy: CANARY, name: "billing" }, "service 'billing'");
    });
  });

  describe("Cloud Deploy", () => {
    const withStages = (stages: unknown[]) => replace(twoServices(), "maintenance-pipeline", (r) => mutate(r, "serialPipeline.stages", stages));
    const withRules = (rules: unknown[], selector?: unknown) =>
      replace(twoServices(), "maintenance-pipeline-automation", (r) => mutate(r, "rules", rules)).map((r) => (selector && r.name === "maintenance-pipeline-automation" ? mutate(r, "selector", selector) : r));

    it("fails a first percentage above the service's override", () => {
      const f = expectOne(run(canaryRelease, withStages([canaryStage("prod", [25, 50])])), { policy: CANARY, name: "maintenance-pipeline" }, "service 'maintenance'", "stage 'prod' step 1 (25 %) sends more than 10 %");
      assert.equal(f.service, "maintenance");
    });

    it("fails a progression with fewer steps than required (10 → 50 → 100)", () => {
      expectOne(run(canaryRelease, withStages([canaryStage("prod", [10])])), { policy: CANARY }, "has 1 canary step(s) before 100 %, fewer than the 2 required (10 % → 50 % → 100 %");
    });

    it("fails an automation wait shorter than the bake", () => {
      expectOne(run(canaryRelease, withRules([advanceRule("600s")])), { policy: CANARY, name: "maintenance-pipeline" }, "bakes 10m, less than 30m");
    });

    it("treats an advance rule without wait as no bake", () => {
      expectOne(run(canaryRelease, withRules([{ advanceRolloutRule: { id: "now" } }])), { policy: CANARY }, "bakes 0s");
    });

    it("fails phases that only a person advances (no advance rule, suspended automation, other phases)", () => {
      expectOne(run(canaryRelease, without(twoServices(), "maintenance-pipeline-automation")), { policy: CANARY }, "step 1 (10 %) waits for a manual promotion");
      const suspended = replace(twoServices(), "maintenance-pipeline-automation", (r) => mutate(r, "suspended", true));
      expectOne(run(canaryRelease, suspended), { policy: CANARY }, "waits for a manual promotion");
      expectOne(run(canaryRelease, withRules([advanceRule("1800s", ["canary-10"])])), { policy: CANARY }, "step 2 (50 %) waits for a manual promotion");
      expectOne(run(canaryRelease, withRules([{ promoteReleaseRule: { id: "promote", wait: "3600s" } }])), { policy: CANARY }, "manual promotion");
    });

    it("matches automations to stages by selector target id", () => {
      expectClean(run(canaryRelease, withRules([advanceRule()], { targets: [{ id: "prod" }] })));
      expectClean(run(canaryRelease, withRules([advanceRule()], { targets: [{ labels: { env: "prod" } }] })));
      expectOne(run(canaryRelease, withRules([advanceRule()], { targets: [{ id: "dev" }] })), { policy: CANARY }, "manual promotion");
    });

    it("links an automation by pipeline name when there is no property dependency", () => {
      const stack = replace(twoServices(), "maintenance-pipeline-automation", (r) => ({
        ...mutate(r, "deliveryPipeline", "projects/acme/locations/europe-west1/deliveryPipelines/maintenance-pipeline"),
        dependencies: [],
        propertyDependencies: {},
      }));
      expectClean(run(canaryRelease, stack));
    });

    it("accepts a custom canary with phaseConfigs and fails one that starts too high", () => {
      const custom = (first: number) => ({
        targetId: "prod",
        strategy: { canary: { customCanaryDeployment: { phaseConfigs: [{ phaseId: "first", percentage: first }, { phaseId: "second", percentage: 50 }, { phaseId: "stable", percentage: 100 }] } } },
      });
      expectClean(run(canaryRelease, withStages([custom(10)])));
      expectOne(run(canaryRelease, withStages([custom(30)])), { policy: CANARY }, "step 1 (30 %) sends more than 10 %");
    });

    it("fails a pipeline with only standard stages, or a canary stage without percentages", () => {
      expectOne(run(canaryRelease, withStages([{ targetId: "prod", strategy: { standard: { verify: true } } }])), { policy: CANARY, name: "maintenance-pipeline" }, "has no canary stage (stages: 'prod' (standard))");
      expectOne(run(canaryRelease, withStages([{ targetId: "prod", strategy: { canary: {} } }])), { policy: CANARY }, "has no traffic step below 100 %");
      expectOne(run(canaryRelease, withStages([{ targetId: "prod", strategy: { canary: { canaryDeployment: { percentages: ["ten"] } } } }])), { policy: CANARY }, 'percentage "ten" is not a number');
      expectOne(run(canaryRelease, withStages([{ targetId: "prod", strategy: { canary: { customCanaryDeployment: { phaseConfigs: [{ phaseId: "a" }] } } } }])), { policy: CANARY }, "phase percentage not set is not a number");
    });

    it("only counts the configured targets when targetIds is set", () => {
      const stack = withStages([canaryStage("staging", [10, 50]), { targetId: "prod", strategy: { standard: {} } }]);
      expectClean(run(canaryRelease, stack));
      expectOne(run(canaryRelease, stack, { [CANARY]: { targetIds: ["prod"] } }), { policy: CANARY }, "has no canary stage among targets prod");
    });

    it("reports undecided for unknown stages, percentages, waits and pipeline links", () => {
      const undecided = (stack: ResourceInput[], fact: string) => {
        const f = run(canaryRelease, stack);
        expectOne(f, { policy: CANARY, kind: "undecided" }, "service 'maintenance'", fact);
        assert.equal(f.filter((x) => x.kind === "violation").length, 0, JSON.stringify(f));
      };
      undecided(withStages(UNKNOWN as unknown as unknown[]), "serialPipeline.stages");
      undecided(withStages([UNKNOWN]), "serialPipeline.stages[0]");
      undecided(withStages([{ targetId: UNKNOWN, strategy: { canary: {} } }]), "targetId");
      undecided(withStages([{ targetId: "prod", strategy: { canary: UNKNOWN } }]), "strategy.canary");
      undecided(withStages([{ targetId: "prod", strategy: { canary: { canaryDeployment: { percentages: UNKNOWN } } } }]), "percentages");
      undecided(withStages([{ targetId: "prod", strategy: { canary: { canaryDeployment: { percentages: [UNKNOWN] } } } }]), "percentages");
      undecided(withStages([{ targetId: "prod", strategy: { canary: { customCanaryDeployment: { phaseConfigs: [{ phaseId: "a", percentage: UNKNOWN }] } } } }]), "percentages");
      undecided(withRules([advanceRule(UNKNOWN)]), "advanceRolloutRule.wait");
      undecided(withRules([UNKNOWN]), "rules[0]");
      undecided(withRules([{ advanceRolloutRule: { id: "x", sourcePhases: UNKNOWN, wait: "1h" } }]), "sourcePhases");
      undecided(withRules([advanceRule()], UNKNOWN), "selector");
      undecided(withRules([advanceRule()], { targets: [{ id: UNKNOWN }] }), "selector");
      undecided(replace(twoServices(), "maintenance-pipeline-automation", (r) => mutate(r, "rules", UNKNOWN)), "'rules'");
      undecided(replace(twoServices(), "maintenance-pipeline-automation", (r) => mutate(r, "suspended", UNKNOWN)), "'suspended'");
      const unlinked = replace(twoServices(), "maintenance-pipeline-automation", (r) => ({ ...r, dependencies: [], propertyDependencies: {} }));
      undecided(unlinked, "which pipeline an Automation belongs to");
    });

    it("matches a selector to a stage whose target id is unknown only for wildcard targets", () => {
      const stack = withStages([{ targetId: UNKNOWN, strategy: { canary: { canaryDeployment: { percentages: [10, 50] } } } }]);
      expectOne(run(canaryRelease, stack), { policy: CANARY, kind: "undecided" }, "targetId");
    });

    it("ignores automations of pipelines it cannot find", () => {
      const stray = res(T.deployAutomation, "stray", { deliveryPipeline: "other-pipeline", rules: [advanceRule()] });
      expectClean(run(canaryRelease, [...twoServices(), stray]));
    });
  });

  describe("per-service settings", () => {
    it("applies a service override instead of the default progression", () => {
      const cfg = { [CANARY]: { services: { registration: { steps: [2], bake: "1h" } } } };
      const findings = run(canaryRelease, twoServices(), cfg);
      expectOne(findings, { policy: CANARY, name: "registration-rollout" }, "more than 2 %", "bakes 30m, less than 1h");
      // The override replaces the default map, so maintenance now follows the default 5 % progression.
      expectOne(findings, { policy: CANARY, name: "maintenance-pipeline" }, "more than 5 %");
    });

    it("rejects an unparsable bake and a 100 % step in the config", () => {
      const findings = run(canaryRelease, twoServices(), { [CANARY]: { progression: { steps: [100], bake: "soon" } } });
      const config = findings.filter((f) => f.kind === "config").map((f) => f.message);
      assert.equal(config.length, 2, config.join("\n"));
      assert.ok(config.some((m) => m.includes("canary-release.progression.steps[0]") && m.includes("below 100 %")), config.join("\n"));
      assert.ok(config.some((m) => m.includes("canary-release.progression.bake") && m.includes("must be a duration")), config.join("\n"));
      assert.equal(findings.filter((f) => f.kind === "violation").length, 0);
    });
  });

  describe("waivers", () => {
    const both = () =>
      replace(
        replace(twoServices(), "registration-rollout", (r) => mutate(r, "spec.strategy.canary.steps", [])),
        "maintenance-pipeline-automation",
        (r) => mutate(r, "rules", [advanceRule("60s")]),
      );
    const waiver = {
      resource: "service:registration",
      justification: "Argo Rollouts controller lands in the cluster next sprint",
      approver: "jane.doe@example.com",
      expires: "2027-01-31",
    };

    it("a service waiver exempts that service only", () => {
      const findings = run(canaryRelease, both(), { [CANARY]: { waivers: [waiver] } });
      const waived = expectOne(findings, { policy: CANARY, kind: "waived" }, "service 'registration'", "waived until 2027-01-31");
      assert.equal(waived.service, "registration");
      const still = expectOne(findings, { policy: CANARY, kind: "violation" }, "service 'maintenance'");
      assert.equal(still.service, "maintenance");
    });

    it("an expired service waiver exempts nothing", () => {
      const findings = run(canaryRelease, both(), { [CANARY]: { waivers: [{ ...waiver, expires: "2026-11-01" }] } });
      expectOne(findings, { policy: CANARY, kind: "violation", name: "registration-rollout" }, "expired on 2026-11-01");
    });
  });
});

describe("migration-job-before-deploy", () => {
  it("passes when every workload of a service with a database depends on its migration Job", () => {
    expectClean(run(migrationJobBeforeDeploy, twoServices()));
  });

  it("needs no migration Job for a service without a database", () => {
    expectClean(run(migrationJobBeforeDeploy, service("gateway", { database: false })));
  });

  it("fails a workload that does not wait for the Job, naming the service and the workload", () => {
    const stack = replace(twoServices(), "registration-api", (r) => ({ ...r, dependencies: [] }));
    const f = expectOne(run(migrationJobBeforeDeploy, stack), { policy: MIGRATION, name: "registration-api" }, "service 'registration'", "do not wait for its migration Job 'registration-migrate'", "'registration-api' without a dependency", "dependsOn");
    assert.equal(f.service, "registration");
  });

  it("does not require a connection pooler to wait for the migrations", () => {
    const job = migrationJob("billing");
    const api = deployment("billing", "billing-api", { dependencies: [job.urn] });
    const byLabel = deployment("billing", "billing-pooler", {}, { [COMPONENT]: "pgbouncer" });
    const byImage = mutate(deployment("billing", "billing-bouncer"), "spec.template.spec.containers", [{ name: "pgbouncer", image: "bitnami/pgbouncer:1.23" }]);
    expectClean(run(migrationJobBeforeDeploy, [database("billing"), job, api, byLabel, byImage]));
    const mixed = mutate(deployment("billing", "billing-worker"), "spec.template.spec.containers", [{ name: "pgbouncer", image: "pgbouncer" }, { name: "app", image: "worker" }]);
    expectOne(run(migrationJobBeforeDeploy, [database("billing"), job, api, mixed]), { policy: MIGRATION, name: "billing-worker" }, "'billing-worker' without a dependency");
  });

  it("fails a service with a database and no migration Job", () => {
    const f = expectOne(run(migrationJobBeforeDeploy, without(twoServices(), "maintenance-migrate")), { policy: MIGRATION, name: "maintenance-api" }, "service 'maintenance'", "has a database ('maintenance-db') but no migration Job", "app.kubernetes.io/component");
    assert.equal(f.service, "maintenance");
  });

  it("does not count a Job without the migrations component label", () => {
    const stack = replace(twoServices(), "maintenance-migrate", (r) => mutate(r, "metadata.labels", { [PART_OF]: "maintenance" }));
    expectOne(run(migrationJobBeforeDeploy, stack), { policy: MIGRATION, name: "maintenance-api" }, "no migration Job");
  });

  it("accepts a configured component value", () => {
    const stack = replace(twoServices(), "maintenance-migrate", (r) => mutate(r, "metadata.labels", { [PART_OF]: "maintenance", [COMPONENT]: "schema" }));
    expectClean(run(migrationJobBeforeDeploy, stack, { [MIGRATION]: { componentValues: ["schema", "migrations"] } }));
  });

  it("follows dependencies transitively and through the component that holds the Job", () => {
    const job = migrationJob("billing");
    const cm = res(T.configMap, "billing-config", { metadata: { name: "billing-config" } }, { dependencies: [job.urn] });
    const component = res("acme:stack:Migrations", "billing-migrations", {});
    const nested = { ...migrationJob("billing", "billing-migrate-nested"), parent: component.urn };
    const viaConfig = deployment("billing", "billing-api", { dependencies: [cm.urn] });
    const viaComponent = deployment("billing", "billing-worker", { dependencies: [component.urn] });
    const appComponent = res("acme:stack:App", "billing-app", {}, { dependencies: [job.urn] });
    const child = { ...deployment("billing", "billing-cron"), parent: appComponent.urn };
    // A dependency cycle must not loop.
    const a = res(T.configMap, "cycle-a", {}, { dependencies: [urnOfName(T.configMap, "cycle-b")] });
    const b = res(T.configMap, "cycle-b", {}, { dependencies: [a.urn] });
    const cyclic = deployment("billing", "billing-cyclic", { dependencies: [a.urn, job.urn] });
    expectClean(run(migrationJobBeforeDeploy, [database("billing"), job, cm, component, nested, viaConfig, viaComponent, appComponent, child, a, b, cyclic]));
  });

  it("fails a workload whose dependencies never reach the Job", () => {
    const job = migrationJob("billing");
    const a = res(T.configMap, "cycle-a", {}, { dependencies: [urnOfName(T.configMap, "cycle-b")] });
    const b = res(T.configMap, "cycle-b", {}, { dependencies: [a.urn] });
    const w = deployment("billing", "billing-api", { dependencies: [a.urn, "urn:pulumi:prod::readiness::x:y:Z::gone"] });
    expectOne(run(migrationJobBeforeDeploy, [database("billing"), job, a, b, w]), { policy: MIGRATION, name: "billing-api" }, "'billing-api' without a dependency");
  });

  it("does not accept another service's migration Job", () => {
    const theirs = migrationJob("other");
    const mine = migrationJob("billing");
    const w = deployment("billing", "billing-api", { dependencies: [theirs.urn] });
    expectOne(run(migrationJobBeforeDeploy, [database("billing"), theirs, mine, w]), { policy: MIGRATION, name: "billing-api" }, "do not wait for its migration Job 'billing-migrate'");
  });

  it("accepts a Cloud Run job that runs on deploy, and fails one that does not", () => {
    const crJob = (token?: string) =>
      res(T.cloudRunJob, "billing-migrate", {
        location: "europe-west1",
        labels: { service: "billing", [COMPONENT]: "migrations" },
        ...(token ? { runExecutionToken: token } : {}),
        template: { template: { containers: [{ image: "migrate" }] } },
      });
    const svc = (token?: string) => {
      const j = crJob(token);
      return [database("billing"), j, res(T.cloudRunService, "billing", { location: "europe-west1", labels: { service: "billing" } }, { dependencies: [j.urn] })];
    };
    expectClean(run(migrationJobBeforeDeploy, svc("v42")));
    expectClean(run(migrationJobBeforeDeploy, svc(UNKNOWN)));
    expectOne(run(migrationJobBeforeDeploy, svc()), { policy: MIGRATION, name: "billing" }, "Cloud Run job 'billing-migrate' has no runExecutionToken");
  });

  it("accepts a Cloud Deploy predeploy action or task that migrates", () => {
    const db = database("billing");
    const withHook = (predeploy: unknown, path = "standard") => [db, pipeline("billing", [{ targetId: "prod", strategy: { [path]: { predeploy } } }])];
    expectClean(run(migrationJobBeforeDeploy, withHook({ actions: ["db-migrate"] })));
    expectClean(run(migrationJobBeforeDeploy, withHook({ tasks: [{ container: { image: "tool", command: ["/bin/migrate"], args: ["up"] } }] })));
    const canary = [db, pipeline("billing", [{ targetId: "prod", strategy: { canary: { canaryDeployment: { percentages: [5], predeploy: { actions: ["run-migrations"] } } } } }])];
    expectClean(run(migrationJobBeforeDeploy, canary));
    expectOne(run(migrationJobBeforeDeploy, withHook({ actions: ["warm-cache"], tasks: [{ container: { image: "tool" } }] })), { policy: MIGRATION, name: "billing-pipeline" }, "no migration Job");
  });

  it("reports undecided when the pipeline's stages or hooks are unknown", () => {
    const db = database("billing");
    expectOne(run(migrationJobBeforeDeploy, [db, pipeline("billing", UNKNOWN as unknown as unknown[])]), { policy: MIGRATION, kind: "undecided" }, "service 'billing'");
    expectOne(run(migrationJobBeforeDeploy, [db, pipeline("billing", [{ targetId: "prod", strategy: { standard: { predeploy: UNKNOWN } } }])]), { policy: MIGRATION, kind: "undecided" }, "Cloud Deploy pipeline");
  });

  it("names the database when the service has no workload in the stack", () => {
    expectOne(run(migrationJobBeforeDeploy, [database("billing")]), { policy: MIGRATION, name: "billing-db" }, "has a database ('billing-db')");
    expectClean(run(migrationJobBeforeDeploy, [database("billing"), migrationJob("billing")]));
  });

  it("ignores databases that belong to no service", () => {
    expectClean(run(migrationJobBeforeDeploy, [mutate(database("billing"), "settings.userLabels", {})]));
  });
});

function urnOfName(type: string, name: string): string {
  return res(type, name, {}).urn;
}

/**
 * Cloud Deploy: the service's target in this environment, a delivery pipeline whose stage
 * releases by canary (5 % for config and registration; 10 % → 50 % for maintenance), and an
 * Automation that advances each canary phase only after the bake (canary-release).
 */
import type * as pulumi from "@pulumi/pulumi";
import { Automation } from "@pulumi/gcp/clouddeploy/automation";
import { DeliveryPipeline } from "@pulumi/gcp/clouddeploy/deliveryPipeline";
import { Target } from "@pulumi/gcp/clouddeploy/target";
import type * as inputs from "@pulumi/gcp/types/input";
import { durationSeconds, type ServiceContext } from "./context";
import type { Identity } from "./identity";

export interface ReleaseParts {
  readonly target: Target;
  readonly pipeline: DeliveryPipeline;
  readonly automation?: Automation;
}

export function canaryPhaseIds(steps: readonly number[]): string[] {
  return steps.map((s) => `canary-${s}`);
}

export function createRelease(ctx: ServiceContext, clusterName: string, deployer: Identity, dependsOn: readonly pulumi.Resource[]): ReleaseParts {
  const { parent, svc, o, cfg } = ctx;
  const gke = ctx.def.runtime === "gke";
  const targetId = `${svc}-${ctx.env}`;
  const target = new Target(
    `${svc}-target`,
    {
      name: targetId,
      location: o.region,
      description: `${ctx.def.title} (${ctx.env})`,
      ...(gke
        ? { gke: { cluster: `projects/${cfg.project}/locations/${o.region}/clusters/${clusterName}`, internalIp: false } }
        : { run: { location: `projects/${cfg.project}/locations/${o.region}` } }),
      executionConfigs: [{ usages: ["RENDER", "DEPLOY", "VERIFY", "PREDEPLOY", "POSTDEPLOY"], serviceAccount: deployer.email, executionTimeout: "3600s" }],
      requireApproval: false,
      labels: ctx.gcp("release"),
    },
    { parent, dependsOn: [...deployer.grants, ...dependsOn] },
  );
  const r = o.release;
  const strategy: inputs.clouddeploy.DeliveryPipelineSerialPipelineStageStrategy = r.canary
    ? {
        canary: {
          runtimeConfig: gke
            ? { kubernetes: { serviceNetworking: { service: `${svc}-api`, deployment: `${svc}-api` } } }
            : { cloudRun: { automaticTrafficControl: true } },
          canaryDeployment: { percentages: [...r.steps], verify: false },
        },
      }
    : { standard: { verify: false } };
  const pipeline = new DeliveryPipeline(
    `${svc}-pipeline`,
    {
      name: svc,
      location: o.region,
      description: `Releases ${ctx.def.title}: ${r.canary ? `canary ${r.steps.map((s) => `${s} %`).join(" → ")} → 100 %, each held ${r.bake}` : "standard"}`,
      labels: ctx.gcp("release"),
      serialPipeline: { stages: [{ targetId, profiles: [ctx.env], strategy }] },
    },
    { parent, dependsOn: [target] },
  );
  let automation: Automation | undefined;
  if (r.canary) {
    automation = new Automation(
      `${svc}-canary-automation`,
      {
        name: `${svc}-canary`,
        location: o.region,
        deliveryPipeline: pipeline.name,
        serviceAccount: deployer.email,
        description: `Advances each canary phase after a bake of ${r.bake}`,
        labels: ctx.gcp("release"),
        selector: { targets: [{ id: targetId }] },
        rules: [{ advanceRolloutRule: { id: "advance-canary", sourcePhases: canaryPhaseIds(r.steps), wait: `${durationSeconds(r.bake)}s` } }],
      },
      { parent, dependsOn: [...deployer.grants] },
    );
  }
  return { target, pipeline, automation };
}

/**
 * Cloud Run v2 services (002 §8: two Cloud Run services, api + workers, for maintenance): their
 * own service account, internal ingress (Kong is the public route), min/max instances, CPU and
 * memory limits, liveness and startup probes on the health paths, OpenTelemetry env, images by
 * digest, secrets mounted from Secret Manager as files, Direct VPC egress to PgBouncer.
 */
import type * as pulumi from "@pulumi/pulumi";
import { Service } from "@pulumi/gcp/cloudrunv2/service";
import type * as inputs from "@pulumi/gcp/types/input";
import { OUTBOX } from "../labels";
import type { ServiceContext } from "./context";
import type { Identity } from "./identity";
import { appEnv, secretEnvName } from "./kubernetes";
import type { ServiceSecret } from "./secrets";

const PORT = 8080;
/** Cloud Run mounts each secret in a directory of its own: <root>/<name>/<name>. */
const SECRETS_ROOT = "/var/run/secrets/app";

export interface CloudRunInputs {
  readonly network: pulumi.Input<string>;
  readonly subnet: pulumi.Input<string>;
  readonly identities: Readonly<Record<string, Identity>>;
  readonly secrets: readonly ServiceSecret[];
  readonly dbHost: pulumi.Input<string>;
  readonly dependsOn: readonly pulumi.Resource[];
}

export function createCloudRun(ctx: ServiceContext, input: CloudRunInputs): Service[] {
  const { svc, o } = ctx;
  return (["api", "workers"] as const).map((role) => {
    const name = `${svc}-${role}`;
    const s = o.workloads[role];
    const id = input.identities[role] as Identity;
    const env = o.secretsDelivery === "env";
    const envs: inputs.cloudrunv2.ServiceTemplateContainerEnv[] = [
      ...appEnv(ctx, name, input.dbHost, (n) => (n === "" ? SECRETS_ROOT : `${SECRETS_ROOT}/${n}/${n}`)),
      ...(env ? input.secrets.map((sec) => ({ name: secretEnvName(sec.name), valueSource: { secretKeyRef: { secret: sec.secretId, version: "latest" } } })) : []),
    ];
    const p = o.probes;
    return new Service(
      name,
      {
        name,
        location: o.region,
        ingress: "INGRESS_TRAFFIC_INTERNAL_ONLY",
        deletionProtection: true,
        invokerIamDisabled: true,
        labels: ctx.gcp(role, ctx.def.outbox && role === "workers" ? { [OUTBOX]: "true" } : {}),
        template: {
          serviceAccount: id.email,
          labels: ctx.gcp(role),
          executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
          maxInstanceRequestConcurrency: 80,
          timeout: "60s",
          scaling: { minInstanceCount: s.minReplicas, maxInstanceCount: s.maxReplicas },
          vpcAccess: { networkInterfaces: [{ network: input.network, subnetwork: input.subnet }], egress: "PRIVATE_RANGES_ONLY" },
          containers: [
            {
              name: role,
              image: ctx.image(name),
              ...(role === "workers" ? { args: ["workers"] } : {}),
              ports: { name: "http1", containerPort: PORT },
              envs,
              resources: {
                ...(o.resourceLimits ? { limits: { cpu: s.cpuLimit, memory: s.memoryLimit } } : {}),
                cpuIdle: role === "api",
                startupCpuBoost: true,
              },
              ...(p.enabled
                ? {
                    startupProbe: { httpGet: { path: p.readinessPath, port: PORT }, periodSeconds: 3, failureThreshold: 20, timeoutSeconds: 2 },
                    livenessProbe: { httpGet: { path: p.livenessPath, port: PORT }, periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 },
                  }
                : {}),
              volumeMounts: input.secrets.map((sec) => ({ name: `secret-${sec.name}`, mountPath: `${SECRETS_ROOT}/${sec.name}` })),
            },
          ],
          volumes: input.secrets.map((sec) => ({ name: `secret-${sec.name}`, secret: { secret: sec.secretId, items: [{ path: sec.name, version: "latest" }] } })),
        },
      },
      { parent: ctx.parent, dependsOn: [...input.dependsOn, ...id.grants] },
    );
  });
}

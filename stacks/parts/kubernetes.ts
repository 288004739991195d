/**
 * The Kubernetes side of a service, in its own namespace on the platform cluster:
 * - ServiceAccounts bound to Google service accounts (workload-identity);
 * - SecretProviderClasses: Secret Manager secrets mounted as files by the Secrets Store CSI
 *   driver (workload-secrets-not-in-env);
 * - the migrations ConfigMap (SQL from stacks/migrations/<service>) and the migration Job every
 *   workload depends on (migrations-*, migration-job-before-deploy);
 * - PgBouncer in transaction mode in front of Cloud SQL (pgbouncer-transaction-pooling);
 * - the api and workers Deployments (GKE services) with probes, requests and limits, HPA, PDB,
 *   OpenTelemetry env, images by digest (workload-*);
 * - the Kong Ingress with JWT, tenant-header and per-tenant rate-limit plugins (gateway-*).
 */
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { CustomResource } from "@pulumi/kubernetes/apiextensions/customResource";
import { Deployment } from "@pulumi/kubernetes/apps/v1/deployment";
import { HorizontalPodAutoscaler } from "@pulumi/kubernetes/autoscaling/v2/horizontalPodAutoscaler";
import { Job } from "@pulumi/kubernetes/batch/v1/job";
import { ConfigMap } from "@pulumi/kubernetes/core/v1/configMap";
import { Namespace } from "@pulumi/kubernetes/core/v1/namespace";
import { Service } from "@pulumi/kubernetes/core/v1/service";
import { ServiceAccount } from "@pulumi/kubernetes/core/v1/serviceAccount";
import { Ingress } from "@pulumi/kubernetes/networking/v1/ingress";
import { PodDisruptionBudget } from "@pulumi/kubernetes/policy/v1/podDisruptionBudget";
import type { Provider } from "@pulumi/kubernetes/provider";
import type * as k8s from "@pulumi/kubernetes/types/input";
import { EXPOSURE, KONG_PLUGINS, REQUIRED_EXTENSIONS, selectorLabels, WI_ANNOTATION } from "../labels";
import type { Sizing } from "../options";
import type { ServiceContext } from "./context";
import type { Identity } from "./identity";
import type { ServiceSecret } from "./secrets";

type EnvVar = k8s.core.v1.EnvVar;
type Container = k8s.core.v1.Container;

const SECRETS_DIR = "/var/run/secrets/app";
const CSI_DRIVER = "secrets-store.csi.k8s.io";
const HTTP_PORT = 8080;
const PGBOUNCER_PORT = 6432;

/** requests and (unless switched off) limits. */
export function k8sResources(s: Sizing, limits: boolean): k8s.core.v1.ResourceRequirements {
  return {
    requests: { cpu: s.cpuRequest, memory: s.memoryRequest },
    ...(limits ? { limits: { cpu: s.cpuLimit, memory: s.memoryLimit } } : {}),
  };
}

const containerSecurity: k8s.core.v1.SecurityContext = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

const podSecurity: k8s.core.v1.PodSecurityContext = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };

/** Env var name of a secret delivered through env (the non-default, non-compliant mode). */
export function secretEnvName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]+/g, "_");
}

/** OpenTelemetry env of a service container (workload-telemetry). */
export function otelEnv(ctx: ServiceContext, workload: string): { name: string; value: string }[] {
  const t = ctx.o.telemetry;
  if (!t.enabled) return [];
  return [
    { name: "OTEL_SERVICE_NAME", value: workload },
    { name: "OTEL_EXPORTER_OTLP_ENDPOINT", value: t.endpoint },
    { name: "OTEL_EXPORTER_OTLP_PROTOCOL", value: t.endpoint.startsWith("https://telemetry.googleapis.com") ? "http/protobuf" : "grpc" },
    { name: "OTEL_RESOURCE_ATTRIBUTES", value: `service.namespace=${ctx.svc},deployment.environment=${ctx.env}` },
    { name: "OTEL_TRACES_SAMPLER", value: "parentbased_traceidratio" },
    { name: "OTEL_TRACES_SAMPLER_ARG", value: String(t.sampleRatio) },
  ];
}

/** Plain env every api/workers container gets (no secret values: secrets are files under SECRETS_DIR). */
export function appEnv(
  ctx: ServiceContext,
  workload: string,
  dbHost: pulumi.Input<string>,
  secretFile: (name: string) => string = (name) => `${SECRETS_DIR}/${name}`,
): { name: string; value: pulumi.Input<string> }[] {
  return [
    { name: "APP_ENV", value: ctx.env },
    { name: "PORT", value: String(HTTP_PORT) },
    { name: "HEALTH_LIVE_PATH", value: ctx.o.probes.livenessPath },
    { name: "HEALTH_READY_PATH", value: ctx.o.probes.readinessPath },
    { name: "TENANT_HEADER", value: ctx.o.gateway.tenantHeader },
    { name: "DATABASE_HOST", value: dbHost },
    { name: "DATABASE_PORT", value: String(PGBOUNCER_PORT) },
    { name: "DATABASE_NAME", value: ctx.svc },
    { name: "DATABASE_USER", value: `${ctx.svc}-app` },
    { name: "DATABASE_PASSWORD_FILE", value: secretFile("db-password") },
    { name: "SECRETS_DIR", value: secretFile("").replace(/\/$/, "") },
    { name: "DB_SYNCHRONIZE", value: "false" },
    ...otelEnv(ctx, workload),
    ...Object.entries(ctx.o.extraEnv).map(([name, value]) => ({ name, value })),
  ];
}

function probes(ctx: ServiceContext): Pick<Container, "livenessProbe" | "readinessProbe" | "startupProbe"> {
  const p = ctx.o.probes;
  if (!p.enabled) return {};
  return {
    startupProbe: { httpGet: { path: p.livenessPath, port: "http" }, periodSeconds: 5, failureThreshold: 30 },
    livenessProbe: { httpGet: { path: p.livenessPath, port: "http" }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
    readinessProbe: { httpGet: { path: p.readinessPath, port: "http" }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3 },
  };
}

/** The Cloud SQL Auth Proxy as a native sidecar: private IP, automatic IAM database authentication. */
function sqlProxy(ctx: ServiceContext, connectionName: string, sizing: Sizing): Container {
  return {
    name: "cloud-sql-proxy",
    image: ctx.image("cloud-sql-proxy"),
    restartPolicy: "Always",
    args: ["--private-ip", "--auto-iam-authn", "--structured-logs", "--health-check", "--http-address=0.0.0.0", "--http-port=9090", "--port=5432", connectionName],
    startupProbe: { httpGet: { path: "/startup", port: 9090 }, periodSeconds: 1, failureThreshold: 60 },
    livenessProbe: { httpGet: { path: "/liveness", port: 9090 }, periodSeconds: 10 },
    resources: k8sResources({ ...sizing, cpuRequest: "50m", memoryRequest: "64Mi", cpuLimit: "500m", memoryLimit: "256Mi" }, ctx.o.resourceLimits),
    securityContext: containerSecurity,
  };
}

export interface KubernetesInputs {
  readonly provider: Provider;
  readonly identities: Readonly<Record<string, Identity>>;
  /** Secrets mounted into the api/workers pods (db-password + the service's own). */
  readonly appSecrets: readonly ServiceSecret[];
  readonly pgbouncerSecret: ServiceSecret;
  readonly connectionName: string;
  readonly iamUsers: Readonly<Record<string, string>>;
  /** Migration files: name → SQL. */
  readonly migrations: Readonly<Record<string, string>>;
  /** Resources the migration Job waits for (database, users, grants). */
  readonly jobDependsOn: readonly pulumi.Resource[];
  /** Resources the workloads wait for besides the Job (grants, secret access). */
  readonly workloadDependsOn: readonly pulumi.Resource[];
}

export interface KubernetesParts {
  readonly namespace: Namespace;
  readonly migrationsConfigMap: ConfigMap;
  readonly migrationJob: Job;
  readonly pgbouncer: Deployment;
  readonly pgbouncerService: Service;
  /** How the api/workers reach PgBouncer. */
  readonly pgbouncerHost: pulumi.Output<string>;
  readonly deployments: Deployment[];
  readonly hpas: HorizontalPodAutoscaler[];
}

/** Content hash of the migration set: the Job is replaced (and so re-run) when the SQL changes. */
export function migrationsHash(files: Readonly<Record<string, string>>): string {
  const h = crypto.createHash("sha256");
  for (const k of Object.keys(files).sort()) h.update(`${k}\0${files[k]}\0`);
  return h.digest("hex").slice(0, 8);
}

function secretProviderClass(ctx: ServiceContext, opts: pulumi.CustomResourceOptions, name: string, secrets: readonly ServiceSecret[], syncToEnv: boolean): CustomResource {
  const { svc } = ctx;
  return new CustomResource(
    `${svc}-${name}`,
    {
      apiVersion: "secrets-store.csi.x-k8s.io/v1",
      kind: "SecretProviderClass",
      metadata: { name: `${svc}-${name}`, namespace: svc, labels: ctx.k8s(`${svc}-${name}`, "secrets") },
      spec: {
        provider: "gcp",
        parameters: {
          secrets: secrets.map((s) => `- resourceName: "${s.resourceName}/versions/latest"\n  path: "${s.name}"`).join("\n"),
        },
        ...(syncToEnv
          ? { secretObjects: [{ secretName: `${svc}-${name}`, type: "Opaque", data: secrets.map((s) => ({ objectName: s.name, key: s.name })) }] }
          : {}),
      },
    },
    opts,
  );
}

function csiVolume(ctx: ServiceContext, name: string, spc: string): k8s.core.v1.Volume {
  return { name, csi: { driver: CSI_DRIVER, readOnly: true, volumeAttributes: { secretProviderClass: `${ctx.svc}-${spc}` } } };
}

function hpaAndPdb(ctx: ServiceContext, opts: pulumi.CustomResourceOptions, name: string, s: Sizing, target: Deployment): HorizontalPodAutoscaler {
  const { svc } = ctx;
  const hpa = new HorizontalPodAutoscaler(
    `${name}-hpa`,
    {
      metadata: { name, namespace: svc, labels: ctx.k8s(name, "autoscaling") },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
        minReplicas: s.minReplicas,
        maxReplicas: s.maxReplicas,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: s.targetCpuUtilization } } }],
      },
    },
    { ...opts, dependsOn: [target] },
  );
  new PodDisruptionBudget(
    `${name}-pdb`,
    { metadata: { name, namespace: svc, labels: ctx.k8s(name, "availability") }, spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(svc, name) } } },
    { ...opts, dependsOn: [target] },
  );
  return hpa;
}

/** The PgBouncer config: transaction pooling in front of the Cloud SQL Auth Proxy. */
export function pgbouncerIni(ctx: ServiceContext, upstreamUser: string): string {
  const p = ctx.o.pgbouncer;
  return [
    "[databases]",
    `${ctx.svc} = host=127.0.0.1 port=5432 dbname=${ctx.svc} user=${upstreamUser}`,
    "",
    "[pgbouncer]",
    "listen_addr = 0.0.0.0",
    `listen_port = ${PGBOUNCER_PORT}`,
    `pool_mode = ${p.poolMode}`,
    `default_pool_size = ${p.defaultPoolSize}`,
    `max_client_conn = ${p.maxClientConn}`,
    "auth_type = scram-sha-256",
    "auth_file = /etc/pgbouncer/userlist/userlist",
    "server_tls_sslmode = disable",
    "ignore_startup_parameters = extra_float_digits,options",
    "max_prepared_statements = 100",
    "",
  ].join("\n");
}

export function createKubernetes(ctx: ServiceContext, input: KubernetesInputs): KubernetesParts {
  const { svc, o } = ctx;
  const gke = ctx.def.runtime === "gke";
  const opts: pulumi.CustomResourceOptions = { parent: ctx.parent, provider: input.provider };
  const id = (role: string) => input.identities[role] as Identity;

  const namespace = new Namespace(`${svc}-namespace`, { metadata: { name: svc, labels: ctx.k8s(svc, "namespace") } }, opts);
  const nsOpts: pulumi.CustomResourceOptions = { ...opts, dependsOn: [namespace] };

  // ------------------------------------------------------------------------ service accounts
  const roles = gke ? ["api", "workers", "migrate", "pgbouncer"] : ["migrate", "pgbouncer"];
  const ksas: Record<string, ServiceAccount> = {};
  for (const role of roles) {
    const ident = id(role);
    ksas[role] = new ServiceAccount(
      `${svc}-${role}-ksa`,
      {
        metadata: {
          name: ident.ksa,
          namespace: svc,
          labels: ctx.k8s(ident.ksa, role),
          ...(o.workloadIdentity ? { annotations: { [WI_ANNOTATION]: ident.email } } : {}),
        },
        automountServiceAccountToken: false,
      },
      { ...nsOpts, dependsOn: [namespace, ...ident.grants] },
    );
  }

  // ------------------------------------------------------------------------ secrets (CSI)
  const env = o.secretsDelivery === "env";
  const spcs = [secretProviderClass(ctx, nsOpts, "pgbouncer-secrets", [input.pgbouncerSecret], false)];
  if (gke) spcs.push(secretProviderClass(ctx, nsOpts, "app-secrets", input.appSecrets, env));

  // ------------------------------------------------------------------------ migrations
  const hash = migrationsHash(input.migrations);
  const extensions = ctx.def.extensions;
  const migrationsConfigMap = new ConfigMap(
    `${svc}-migrations`,
    {
      metadata: {
        name: `${svc}-migrations-${hash}`,
        namespace: svc,
        labels: ctx.k8s(`${svc}-migrations`, "migrations"),
        ...(extensions.length > 0 ? { annotations: { [REQUIRED_EXTENSIONS]: extensions.join(",") } } : {}),
      },
      immutable: true,
      data: { ...input.migrations },
    },
    nsOpts,
  );
  const migrate = id("migrate");
  const migrationJob = new Job(
    `${svc}-migrate`,
    {
      metadata: { name: `${svc}-migrate-${hash}`, namespace: svc, labels: ctx.k8s(`${svc}-migrate`, "migrations") },
      spec: {
        backoffLimit: 0,
        activeDeadlineSeconds: 1800,
        template: {
          metadata: { labels: ctx.k8s(`${svc}-migrate`, "migrations") },
          spec: {
            serviceAccountName: migrate.ksa,
            restartPolicy: "Never",
            securityContext: podSecurity,
            initContainers: [sqlProxy(ctx, input.connectionName, o.workloads.pgbouncer)],
            containers: [
              {
                name: "migrate",
                image: ctx.image(`${svc}-api`),
                args: ["migrate", "up", "--dir", "/migrations"],
                env: [
                  { name: "DATABASE_HOST", value: "127.0.0.1" },
                  { name: "DATABASE_PORT", value: "5432" },
                  { name: "DATABASE_NAME", value: svc },
                  { name: "DATABASE_USER", value: input.iamUsers["migrate"] as string },
                  { name: "MIGRATIONS_DIR", value: "/migrations" },
                ],
                resources: k8sResources(o.workloads.api, o.resourceLimits),
                volumeMounts: [{ name: "migrations", mountPath: "/migrations", readOnly: true }],
                securityContext: containerSecurity,
              },
            ],
            volumes: [{ name: "migrations", configMap: { name: `${svc}-migrations-${hash}` } }],
          },
        },
      },
    },
    { ...nsOpts, deleteBeforeReplace: true, dependsOn: [namespace, migrationsConfigMap, ksas["migrate"] as ServiceAccount, ...input.jobDependsOn] },
  );
  const before: pulumi.Resource[] = [namespace, ...spcs, ...input.workloadDependsOn, ...(o.migrations.runBeforeDeploy ? [migrationJob] : [])];

  // ------------------------------------------------------------------------ PgBouncer
  const pgbName = `${svc}-pgbouncer`;
  const pgbConfig = new ConfigMap(
    `${pgbName}-config`,
    { metadata: { name: pgbName, namespace: svc, labels: ctx.k8s(pgbName, "pgbouncer") }, data: { "pgbouncer.ini": pgbouncerIni(ctx, input.iamUsers["pgbouncer"] as string) } },
    nsOpts,
  );
  const pgbouncer = new Deployment(
    pgbName,
    {
      metadata: { name: pgbName, namespace: svc, labels: ctx.k8s(pgbName, "pgbouncer") },
      spec: {
        selector: { matchLabels: selectorLabels(svc, pgbName) },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels: ctx.k8s(pgbName, "pgbouncer") },
          spec: {
            serviceAccountName: id("pgbouncer").ksa,
            securityContext: podSecurity,
            initContainers: [sqlProxy(ctx, input.connectionName, o.workloads.pgbouncer)],
            containers: [
              {
                name: "pgbouncer",
                image: ctx.image("pgbouncer"),
                args: ["/etc/pgbouncer/pgbouncer.ini"],
                ports: [{ name: "postgres", containerPort: PGBOUNCER_PORT }],
                startupProbe: { tcpSocket: { port: "postgres" }, periodSeconds: 2, failureThreshold: 30 },
                livenessProbe: { tcpSocket: { port: "postgres" }, periodSeconds: 10 },
                readinessProbe: { tcpSocket: { port: "postgres" }, periodSeconds: 5 },
                resources: k8sResources(o.workloads.pgbouncer, o.resourceLimits),
                volumeMounts: [
                  { name: "config", mountPath: "/etc/pgbouncer/pgbouncer.ini", subPath: "pgbouncer.ini", readOnly: true },
                  { name: "userlist", mountPath: "/etc/pgbouncer/userlist", readOnly: true },
                ],
                securityContext: containerSecurity,
              },
            ],
            volumes: [
              { name: "config", configMap: { name: pgbName } },
              csiVolume(ctx, "userlist", "pgbouncer-secrets"),
            ],
          },
        },
      },
    },
    { ...nsOpts, dependsOn: [...before, pgbConfig, ksas["pgbouncer"] as ServiceAccount] },
  );
  const pgbouncerService = new Service(
    pgbName,
    {
      metadata: {
        name: pgbName,
        namespace: svc,
        labels: ctx.k8s(pgbName, "pgbouncer"),
        // Cloud Run reaches PgBouncer through the VPC: an internal passthrough load balancer.
        ...(gke ? {} : { annotations: { "networking.gke.io/load-balancer-type": "Internal" } }),
      },
      spec: {
        type: gke ? "ClusterIP" : "LoadBalancer",
        selector: selectorLabels(svc, pgbName),
        ports: [{ name: "postgres", port: PGBOUNCER_PORT, targetPort: "postgres" }],
      },
    },
    nsOpts,
  );
  const pgbouncerHost = gke
    ? pulumi.output(`${pgbName}.${svc}.svc.cluster.local`)
    : pgbouncerService.status.apply((s) => s?.loadBalancer?.ingress?.[0]?.ip ?? "");
  const hpas = [hpaAndPdb(ctx, nsOpts, pgbName, o.workloads.pgbouncer, pgbouncer)];
  const deployments: Deployment[] = [pgbouncer];

  // ------------------------------------------------------------------------ api and workers (GKE)
  if (gke) {
    for (const role of ["api", "workers"] as const) {
      const name = `${svc}-${role}`;
      const secretEnv: EnvVar[] = env
        ? input.appSecrets.map((s) => ({ name: secretEnvName(s.name), valueFrom: { secretKeyRef: { name: `${svc}-app-secrets`, key: s.name } } }))
        : [];
      const dep = new Deployment(
        name,
        {
          metadata: { name, namespace: svc, labels: ctx.k8s(name, role) },
          spec: {
            selector: { matchLabels: selectorLabels(svc, name) },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
            template: {
              metadata: { labels: ctx.k8s(name, role) },
              spec: {
                serviceAccountName: id(role).ksa,
                securityContext: podSecurity,
                terminationGracePeriodSeconds: 30,
                topologySpreadConstraints: [
                  { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selectorLabels(svc, name) } },
                ],
                containers: [
                  {
                    name: role,
                    image: ctx.image(name),
                    ...(role === "workers" ? { args: ["workers"] } : {}),
                    ports: [{ name: "http", containerPort: HTTP_PORT }],
                    env: [...appEnv(ctx, name, pgbouncerHost), ...secretEnv],
                    resources: k8sResources(o.workloads[role], o.resourceLimits),
                    ...probes(ctx),
                    volumeMounts: [
                      { name: "secrets", mountPath: SECRETS_DIR, readOnly: true },
                      { name: "tmp", mountPath: "/tmp" },
                    ],
                    securityContext: containerSecurity,
                  },
                ],
                volumes: [csiVolume(ctx, "secrets", "app-secrets"), { name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
              },
            },
          },
        },
        { ...nsOpts, dependsOn: [...before, pgbouncerService, ksas[role] as ServiceAccount] },
      );
      deployments.push(dep);
      hpas.push(hpaAndPdb(ctx, nsOpts, name, o.workloads[role], dep));
    }
    new Service(
      `${svc}-api`,
      {
        metadata: { name: `${svc}-api`, namespace: svc, labels: ctx.k8s(`${svc}-api`, "api") },
        spec: { type: "ClusterIP", selector: selectorLabels(svc, `${svc}-api`), ports: [{ name: "http", port: 80, targetPort: "http" }] },
      },
      nsOpts,
    );
  }
  return { namespace, migrationsConfigMap, migrationJob, pgbouncer, pgbouncerService, pgbouncerHost, deployments, hpas };
}

// ------------------------------------------------------------------------------ gateway

export interface GatewayParts {
  readonly ingress: Ingress;
  readonly plugins: readonly CustomResource[];
}

/** Kong plugin objects (configuration.konghq.com/v1 KongPlugin: `plugin` and `config` at the top level). */
export function kongPlugins(ctx: ServiceContext): { name: string; plugin: string; config: Record<string, unknown> }[] {
  const g = ctx.o.gateway;
  const out: { name: string; plugin: string; config: Record<string, unknown> }[] = [];
  if (g.jwt) {
    out.push({
      name: `${ctx.svc}-jwt`,
      plugin: "jwt",
      config: { header_names: ["authorization"], claims_to_verify: ["exp"], key_claim_name: "iss", maximum_expiration: 3600, run_on_preflight: false },
    });
  }
  if (g.tenantHeaderCheck) {
    out.push({
      name: `${ctx.svc}-tenant-header`,
      plugin: "request-validator",
      config: {
        version: "draft4",
        parameter_schema: [{ name: g.tenantHeader, in: "header", required: true, style: "simple", explode: false, schema: '{"type":"string","minLength":1,"maxLength":64}' }],
        verbose_response: false,
      },
    });
  }
  out.push({
    name: `${ctx.svc}-rate-limit`,
    plugin: "rate-limiting",
    config: { second: g.rateLimitPerSecond, limit_by: "header", header_name: g.tenantHeader, policy: "local", fault_tolerant: true },
  });
  return out;
}

/**
 * The public route: a Kong Ingress at <service>.<domain>. GKE services route to their api
 * Service; Cloud Run services through an ExternalName Service to the Cloud Run host.
 */
export function createGateway(ctx: ServiceContext, provider: Provider, namespace: Namespace, cloudRunHost?: pulumi.Output<string>): GatewayParts {
  const { svc } = ctx;
  const opts: pulumi.CustomResourceOptions = { parent: ctx.parent, provider, dependsOn: [namespace] };
  const plugins = kongPlugins(ctx).map(
    (p) =>
      new CustomResource(
        p.name,
        {
          apiVersion: "configuration.konghq.com/v1",
          kind: "KongPlugin",
          metadata: { name: p.name, namespace: svc, labels: ctx.k8s(p.name, "gateway") },
          plugin: p.plugin,
          config: p.config,
        },
        opts,
      ),
  );
  let backend = `${svc}-api`;
  let port = 80;
  const annotations: Record<string, string> = {
    [KONG_PLUGINS]: plugins.length > 0 ? kongPlugins(ctx).map((p) => p.name).join(",") : "",
    "konghq.com/protocols": "https",
    "konghq.com/https-redirect-status-code": "308",
  };
  if (cloudRunHost) {
    backend = `${svc}-cloudrun`;
    port = 443;
    annotations["konghq.com/preserve-host"] = "false";
    new Service(
      backend,
      {
        metadata: { name: backend, namespace: svc, labels: ctx.k8s(backend, "gateway"), annotations: { "konghq.com/protocol": "https" } },
        spec: { type: "ExternalName", externalName: cloudRunHost, ports: [{ name: "https", port: 443 }] },
      },
      opts,
    );
  }
  const ingress = new Ingress(
    `${svc}-ingress`,
    {
      metadata: { name: svc, namespace: svc, labels: ctx.k8s(svc, "gateway", { [EXPOSURE]: "public" }), annotations },
      spec: {
        ingressClassName: "kong",
        tls: [{ hosts: [ctx.host], secretName: `${svc}-tls` }],
        rules: [{ host: ctx.host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: backend, port: { number: port } } } }] } }],
      },
    },
    { ...opts, dependsOn: [namespace, ...plugins] },
  );
  return { ingress, plugins };
}

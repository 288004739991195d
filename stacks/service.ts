/**
 * `readiness:stack:Service`: one service of the readiness checklists, provisioned so that every
 * automated gate of the policy pack passes with the default options (docs/component.md lists
 * what it creates, its options and their gates).
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackConfig } from "./config";
import type { ServiceOptions } from "./options";
import { createCloudRun } from "./parts/cloudrun";
import { serviceAgents, serviceContext } from "./parts/context";
import { createDatabase } from "./parts/database";
import { allowActAs, createIdentity, type Identity, type Role } from "./parts/identity";
import { createKeys } from "./parts/kms";
import { createGateway, createKubernetes } from "./parts/kubernetes";
import { createMonitoring } from "./parts/monitoring";
import { createRelease } from "./parts/release";
import { createSecret } from "./parts/secrets";
import { createEventsTopic, createInvoiceBucket } from "./parts/storage";
import type { Platform } from "./platform";
import type { ServiceDefinition } from "./services";
import { readMigrations } from "./sql-files";

export interface ServiceArgs {
  readonly definition: ServiceDefinition;
  readonly options: ServiceOptions;
  readonly stack: StackConfig;
  readonly platform: Platform;
  /** Migration files (name → SQL); default: read from options.migrations.dir or stacks/migrations/<service>. */
  readonly migrations?: Readonly<Record<string, string>>;
}

export class Service extends pulumi.ComponentResource {
  /** https://<service>.<domain> */
  readonly url: string;
  readonly databaseInstance: string;

  constructor(name: string, args: ServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("readiness:stack:Service", name, {}, opts);
    const { definition: def, options: o, stack: cfg, platform } = args;
    const ctx = serviceContext(this, def, o, cfg);
    const { svc } = ctx;
    const gke = def.runtime === "gke";
    const migrations = args.migrations ?? readMigrations(svc, o.migrations.dir);

    // ------------------------------------------------------------------ identities
    const ids: Partial<Record<Role, Identity>> = {};
    for (const role of ["api", "workers"] as const) ids[role] = createIdentity(ctx, role, gke);
    for (const role of ["migrate", "pgbouncer"] as const) ids[role] = createIdentity(ctx, role, true);
    ids.deployer = createIdentity(ctx, "deployer", false);
    const id = (r: Role) => ids[r] as Identity;
    const actAs = allowActAs(ctx, id("deployer"), [id("api"), id("workers"), id("migrate"), id("pgbouncer")]);

    // ------------------------------------------------------------------ keys
    const agents = serviceAgents(cfg.projectNumber);
    const kmsLabels = ctx.gcp("kms");
    const keys = o.encryption.cmek
      ? createKeys(this, svc, `${svc}-${ctx.env}`, o.region, o.encryption, kmsLabels, [
          { name: "sql", agents: [agents.sql] },
          { name: "secrets", agents: [agents.secretManager] },
          { name: "data", agents: [agents.pubsub, agents.storage] },
        ])
      : undefined;
    const drKeys =
      o.encryption.cmek && o.database.drReplica
        ? createKeys(this, `${svc}-dr`, `${svc}-${ctx.env}-dr`, o.drRegion, o.encryption, kmsLabels, [{ name: "sql", agents: [agents.sql] }])
        : undefined;
    const keyGrants = [...(keys?.grants ?? []), ...(drKeys?.grants ?? [])];

    // ------------------------------------------------------------------ database
    const db = createDatabase(ctx, {
      network: platform.network.id,
      privateServices: platform.privateServices,
      key: keys?.keys["sql"],
      drKey: drKeys?.keys["sql"],
      keyGrants,
      identities: [id("migrate"), id("pgbouncer")],
    });

    // ------------------------------------------------------------------ secrets
    const secretKey = keys?.keys["secrets"];
    const app = [id("api"), id("workers")];
    const appSecrets = [createSecret(ctx, "db-password", app, secretKey, keyGrants), ...def.secrets.map((s) => createSecret(ctx, s, app, secretKey, keyGrants))];
    const pgbouncerSecret = createSecret(ctx, "pgbouncer-userlist", [id("pgbouncer")], secretKey, keyGrants);
    const secretAccess = [...appSecrets, pgbouncerSecret].flatMap((s) => s.access);

    // ------------------------------------------------------------------ data outside Postgres
    createEventsTopic(ctx, keys?.keys["data"], keyGrants);
    if (def.invoiceBucket) createInvoiceBucket(ctx, keys?.keys["data"], keyGrants, app);

    // ------------------------------------------------------------------ Kubernetes
    const kube = createKubernetes(ctx, {
      provider: platform.k8s,
      identities: ids as Record<string, Identity>,
      appSecrets,
      pgbouncerSecret,
      connectionName: db.connectionName,
      iamUsers: db.iamUsers,
      migrations,
      jobDependsOn: [db.primary, db.database, ...db.users, ...id("migrate").grants],
      workloadDependsOn: [...secretAccess, ...app.flatMap((i) => i.grants), ...id("pgbouncer").grants],
    });
    let cloudRunHost: pulumi.Output<string> | undefined;
    if (!gke) {
      const services = createCloudRun(ctx, {
        network: platform.network.id,
        subnet: platform.subnet.id,
        identities: ids as Record<string, Identity>,
        secrets: appSecrets,
        dbHost: kube.pgbouncerHost,
        dependsOn: [...secretAccess, kube.pgbouncerService, ...(o.migrations.runBeforeDeploy ? [kube.migrationJob] : [])],
      });
      cloudRunHost = (services[0] as (typeof services)[number]).uri.apply((u) => new URL(u).host);
    }
    createGateway(ctx, platform.k8s, kube.namespace, cloudRunHost);

    // ------------------------------------------------------------------ release and monitoring
    createRelease(ctx, platform.clusterName, id("deployer"), actAs);
    createMonitoring(ctx, platform.alertChannels, cfg.syntheticProbeJwt);

    this.url = `https://${ctx.host}`;
    this.databaseInstance = db.instanceName;
    this.registerOutputs({ url: this.url, databaseInstance: this.databaseInstance, migrationsConfigMap: kube.migrationsConfigMap.metadata.name });
  }
}

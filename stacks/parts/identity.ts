/**
 * Google service accounts of a service, one per workload role, and their Workload Identity
 * bindings to Kubernetes ServiceAccounts (workload-identity). No keys are ever created
 * (no-static-service-account-keys).
 */
import type * as pulumi from "@pulumi/pulumi";
import { IAMMember as ProjectIAMMember } from "@pulumi/gcp/projects/iammember";
import { Account } from "@pulumi/gcp/serviceaccount/account";
import { IAMMember as AccountIAMMember } from "@pulumi/gcp/serviceaccount/iammember";
import type { ServiceContext } from "./context";

export type Role = "api" | "workers" | "migrate" | "pgbouncer" | "deployer";

export interface Identity {
  readonly role: Role;
  readonly accountId: string;
  /** Known at preview (computed from account id and project). */
  readonly email: string;
  /** The Kubernetes ServiceAccount name (same as the account id). */
  readonly ksa: string;
  readonly account: Account;
  /** Project roles and Workload Identity binding: workloads depend on these. */
  readonly grants: pulumi.Resource[];
}

const PROJECT_ROLES: Readonly<Record<Role, readonly string[]>> = {
  api: ["roles/cloudtrace.agent", "roles/monitoring.metricWriter", "roles/pubsub.publisher"],
  workers: ["roles/cloudtrace.agent", "roles/monitoring.metricWriter", "roles/pubsub.publisher", "roles/pubsub.subscriber"],
  migrate: ["roles/cloudsql.client", "roles/cloudsql.instanceUser"],
  pgbouncer: ["roles/cloudsql.client", "roles/cloudsql.instanceUser"],
  deployer: ["roles/clouddeploy.jobRunner", "roles/clouddeploy.releaser", "roles/container.developer", "roles/run.developer"],
};

export function createIdentity(ctx: ServiceContext, role: Role, kubernetes: boolean): Identity {
  const { parent, svc, cfg } = ctx;
  const accountId = `${svc}-${role}`;
  const email = ctx.email(accountId);
  const account = new Account(`${svc}-${role}-sa`, { accountId, displayName: `${svc} ${role} (${ctx.env})` }, { parent });
  const grants: pulumi.Resource[] = [];
  for (const r of PROJECT_ROLES[role]) {
    grants.push(
      new ProjectIAMMember(`${svc}-${role}-${r.split("/")[1]?.replace(/\./g, "-")}`, { project: cfg.project, role: r, member: `serviceAccount:${email}` }, { parent, dependsOn: [account] }),
    );
  }
  if (kubernetes && ctx.o.workloadIdentity) {
    grants.push(
      new AccountIAMMember(
        `${svc}-${role}-workload-identity`,
        { serviceAccountId: account.name, role: "roles/iam.workloadIdentityUser", member: `serviceAccount:${cfg.project}.svc.id.goog[${svc}/${accountId}]` },
        { parent },
      ),
    );
  }
  return { role, accountId, email, ksa: accountId, account, grants };
}

/** Lets `deployer` act as the runtime service accounts it deploys. */
export function allowActAs(ctx: ServiceContext, deployer: Identity, runtime: readonly Identity[]): pulumi.Resource[] {
  return runtime.map(
    (id) =>
      new AccountIAMMember(
        `${ctx.svc}-deployer-actas-${id.role}`,
        { serviceAccountId: id.account.name, role: "roles/iam.serviceAccountUser", member: `serviceAccount:${deployer.email}` },
        { parent: ctx.parent },
      ),
  );
}

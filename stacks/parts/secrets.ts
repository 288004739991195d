/**
 * Secret Manager secrets of a service: user-managed replication in the service's region only,
 * encrypted with the service's key (data-residency, cmek-required), readable by the identities
 * that mount them. Values are added out of band (gcloud secrets versions add): never in code.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { CryptoKey } from "@pulumi/gcp/kms/cryptoKey";
import { Secret } from "@pulumi/gcp/secretmanager/secret";
import { SecretIamMember } from "@pulumi/gcp/secretmanager/secretIamMember";
import type { ServiceContext } from "./context";
import type { Identity } from "./identity";

export interface ServiceSecret {
  /** Short name: the file name it is mounted as. */
  readonly name: string;
  /** Secret Manager secret id: <service>-<name>. */
  readonly secretId: string;
  /** projects/<project>/secrets/<id> (known at preview). */
  readonly resourceName: string;
  readonly secret: Secret;
  readonly access: readonly pulumi.Resource[];
}

export function createSecret(
  ctx: ServiceContext,
  name: string,
  readers: readonly Identity[],
  key: CryptoKey | undefined,
  keyGrants: readonly pulumi.Resource[],
): ServiceSecret {
  const { parent, svc, o, cfg } = ctx;
  const secretId = `${svc}-${name}`;
  const secret = new Secret(
    `${svc}-secret-${name}`,
    {
      secretId,
      labels: ctx.gcp("secret"),
      replication: {
        userManaged: {
          replicas: [{ location: o.region, ...(key ? { customerManagedEncryption: { kmsKeyName: key.id } } : {}) }],
        },
      },
    },
    { parent, dependsOn: [...keyGrants] },
  );
  const access = readers.map(
    (id) =>
      new SecretIamMember(
        `${svc}-secret-${name}-${id.role}`,
        { secretId: secret.id, role: "roles/secretmanager.secretAccessor", member: `serviceAccount:${id.email}` },
        { parent, dependsOn: [id.account] },
      ),
  );
  return { name, secretId, resourceName: `projects/${cfg.project}/secrets/${secretId}`, secret, access };
}

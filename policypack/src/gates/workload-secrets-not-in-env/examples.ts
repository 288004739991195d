/** Examples of `workload-secrets-not-in-env`, run by test/gates/examples.spec.ts. */
import { T } from "../../access/tokens";
import { secretWrapper } from "../../access/values";
import { PEM } from "../../../../test/fixtures/k8s";
import { allKinds, C0, ENV, KIND, RUN0, RUN_V1_0, withEnv } from "../../../../test/fixtures/workloads";
import { at, change, examples } from "../../../../test/support/examples";
import { res, UNKNOWN } from "../../../../test/support/fixtures";

const VOLUME1 = "spec.template.spec.volumes.1";
const SECRET_KEY_REF = { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } };
const ENV_FROM_SECRET = [{ configMapRef: { name: "cfg" } }, { secretRef: { name: "all-secrets" } }];
const RANDOM_PASSWORD = "urn:pulumi:prod::readiness::random:index/randomPassword:RandomPassword::db-pw";

/**
 * Credential look-alikes, built here so that no scanner mistakes this file for a leak: an AWS secret
 * access key (AWS's documented example), a GitHub token, a Slack webhook, a GitLab token (found only
 * by the secretlint rule set) and a PEM private key with three-dash armour.
 */
const AWS_SECRET_KEY = ["wJalrXUtnFEMI", "K7MDENG", "bPxRfiCYEXAMPLEKEY"].join("/");
const GITHUB_TOKEN = `ghp_${"wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx"}`;
const SLACK_WEBHOOK = `https://hooks.slack.com/services/${"T0123ABCD"}/${"B0123ABCD"}/${"a1B2c3D4e5F6g7H8i9J0k1L2"}`;
const GITLAB_TOKEN = `glpat-${"aB3dE5gH7jK9mN1pQ3sT"}`;
const PEM_THREE_DASHES = `---BEGIN RSA PRIVATE KEY---\n${"MIIEowIBAAKCAQEA"}\n---END RSA PRIVATE KEY---`;
const PEM_SPACED_ESCAPED = `----- BEGIN EC PRIVATE KEY -----\\n${"MHcCAQEEIIy"}\\n----- END EC PRIVATE KEY -----`;

/** The Deployment with env DB_HOST computed at apply, depending on `urn` for its spec. */
function hostComputedFrom(urn: string) {
  return change(KIND.deployment, (d) => ({ ...withEnv(d, { name: "DB_HOST", value: UNKNOWN }), dependencies: [urn], propertyDependencies: { spec: [urn] } }));
}

/** A Cloud Function secret env entry: env DB_PASSWORD from a Secret Manager secret. */
const FN_SECRET_ENV = { key: "DB_PASSWORD", secret: "db-password", version: "latest" };

export default examples({
  baseline: allKinds,
  compliant: [
    {
      title: "references and settings with secret-looking names",
      stack: change(KIND.deployment, (d) =>
        withEnv(
          d,
          { name: "JWT_SECRET_PATH", value: "/var/secrets/jwt" },
          { name: "TOKEN_TTL", value: "3600" },
          { name: "SECRET_NAME", value: "projects/acme/secrets/db" },
          { name: "API_KEY", value: "projects/acme/secrets/api-key/versions/latest" },
          { name: "DB_PASSWORD", value: "$(DB_PASSWORD_FROM_FILE)" },
          { name: "PWD", value: "/app" },
          { name: "AUTH_TOKEN", value: "" },
          { name: "DATABASE_URL", value: "postgres://app:$(DB_PASSWORD)@127.0.0.1:6432/app" },
        ),
      ),
    },
    { title: "a secretKeyRef outside strict mode", stack: change(KIND.deployment, (d) => withEnv(d, SECRET_KEY_REF)), config: { strict: false } },
    { title: "envFrom a Secret outside strict mode", stack: at(KIND.deployment, `${C0}.envFrom`, ENV_FROM_SECRET), config: { strict: false } },
    { title: "a projected volume with a service-account token only", stack: at(KIND.deployment, VOLUME1, { name: "t", projected: { sources: [{ serviceAccountToken: { path: "t" } }] } }) },
    {
      title: "Cloud Run: valueSource.secretKeyRef outside strict mode",
      stack: at(KIND.cloudRunService, `${RUN0}.envs.2`, { name: "DB_PASSWORD", valueSource: { secretKeyRef: { secret: "db-password", version: "latest" } } }),
      config: { strict: false },
    },
    { title: "a value computed at apply from a Cloud SQL instance's output", stack: hostComputedFrom(res(T.sqlInstance, "db", {}).urn) },
    {
      title: "look-alikes that are not secrets: a UUID, a sha256 digest, a git SHA, URLs without credentials, a public key PEM, a timestamp",
      stack: change(KIND.deployment, (d) =>
        withEnv(
          d,
          { name: "TENANT_ID", value: "123e4567-e89b-12d3-a456-426614174000" },
          { name: "IMAGE_DIGEST", value: "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" },
          { name: "GIT_COMMIT", value: "3f786850e387550fdab836ed7e6dc881de23001b" },
          { name: "API_BASE", value: "https://api.example.com/v1/items?page=2&sort=name" },
          { name: "CACHE", value: "redis://10.0.0.7:6379/0" },
          { name: "SIGNING_PUBLIC_KEY", value: "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----" },
          { name: "BUILD_TIME", value: "2024-05-01T10:00:00Z" },
          { name: "SERVICE_ACCOUNT_EMAIL", value: "registration-api@acme-prod.iam.gserviceaccount.com" },
          { name: "CHANGE_ME", value: "--- BEGIN NOTES --- not a key ---" },
        ),
      ),
    },
    {
      title: "a Pulumi secret wrapper on a reference outside env (a volume) is not an env value",
      stack: at(KIND.deployment, "spec.template.spec.volumes.1", { name: "cfg", configMap: { name: secretWrapper("app-config") } }),
    },
    { title: "Cloud Function v1: secretEnvironmentVariables outside strict mode", stack: at(KIND.functionV1, "secretEnvironmentVariables", [FN_SECRET_ENV]), config: { strict: false } },
    { title: "Cloud Function v2: a Secret Manager reference and a path as literal values", stack: at(KIND.functionV2, "serviceConfig.environmentVariables", { DB_PASSWORD_FILE: "/var/secrets/db-password", API_TOKEN: "projects/acme-prod/secrets/api-token/versions/latest" }) },
  ],
  violating: [
    { title: "an AWS secret access key under a plain name", stack: change(KIND.deployment, (d) => withEnv(d, { name: "CONFIG_B", value: AWS_SECRET_KEY })), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env CONFIG_B holds a literal value shaped like an AWS secret access key (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }] },
    { title: "an AWS secret access key under its usual name", stack: change(KIND.deployment, (d) => withEnv(d, { name: "AWS_SECRET_ACCESS_KEY", value: AWS_SECRET_KEY })), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env AWS_SECRET_ACCESS_KEY holds a literal value shaped like an AWS secret access key (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }] },
    { title: "a GitHub token under a plain name", stack: change(KIND.deployment, (d) => withEnv(d, { name: "CONFIG_A", value: GITHUB_TOKEN })), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env CONFIG_A holds a literal value shaped like an access token (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }] },
    {
      title: "a Slack webhook and a Slack bot token under plain names",
      stack: change(KIND.deployment, (d) => withEnv(d, { name: "NOTIFY", value: SLACK_WEBHOOK }, { name: "CHAT", value: `xoxb-${"123456789012"}-${"1234567890123"}-${"AbCdEfGhIjKlMnOpQrStUvWx"}` })),
      expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env NOTIFY holds a literal value shaped like a credential (secretlint rule slack: IncomingWebhook) (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }, { name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env CHAT holds a literal value shaped like an access token (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }],
    },
    { title: "a GitLab token, found by the secretlint rule set only", stack: change(KIND.deployment, (d) => withEnv(d, { name: "CONFIG_C", value: GITLAB_TOKEN })), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env CONFIG_C holds a literal value shaped like a credential (secretlint rule gitlab: GITLAB_PERSONAL_ACCESS_TOKEN) (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }] },
    {
      title: "PEM private keys with three-dash armour, and with spaced armour and escaped newlines",
      stack: change(KIND.deployment, (d) => withEnv(d, { name: "GREETING", value: PEM_THREE_DASHES }, { name: "MOTD", value: PEM_SPACED_ESCAPED })),
      expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env GREETING holds a literal value shaped like a PEM private key (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }, { name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env MOTD holds a literal value shaped like a PEM private key (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }],
    },
    { title: "a Pulumi secret under a plain name (Kubernetes)", stack: change(KIND.deployment, (d) => withEnv(d, { name: "GREETING", value: secretWrapper("hello") })), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env GREETING holds a Pulumi secret as a plain value (the workload's spec keeps it in clear text) (found a secret value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }] },
    {
      title: "a Pulumi secret under a plain name (Cloud Run), also outside strict mode",
      stack: at(KIND.cloudRunService, `${RUN0}.envs.2`, { name: "FEATURE_FLAGS", value: secretWrapper("beta,gamma") }),
      config: { strict: false },
      expect: [{ name: "registration-web", message: "'registration-web' (gcp:cloudrunv2/service:Service): container 'app': env FEATURE_FLAGS holds a Pulumi secret as a plain value (the workload's spec keeps it in clear text) (found a secret value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a template.volumes[] entry with secret: {secret: <secret id>} and a volumeMount, and read the file." }],
    },
    { title: "a whole env list that is a Pulumi secret", stack: at(KIND.deployment, ENV, secretWrapper([{ name: "LOG_LEVEL", value: "info" }])), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env <secret> holds a Pulumi secret as a plain value (the workload's spec keeps it in clear text) (found a secret value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }] },
    { title: "a PEM key under an innocent name (not echoed)", stack: change(KIND.deployment, (d) => withEnv(d, { name: "GREETING", value: PEM })), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env GREETING holds a literal value shaped like a PEM private key (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }] },
    { title: "a literal value under a secret-looking name (not echoed)", stack: change(KIND.deployment, (d) => withEnv(d, { name: "DB_PASSWORD", value: "correct horse battery" })), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env DB_PASSWORD has a secret-looking name and holds a literal value (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }] },
    {
      title: "a connection string with a password in an init container (not echoed)",
      stack: at(KIND.deployment, "spec.template.spec.initContainers.0.env", [{ name: "DATABASE_URL", value: "postgres://app:s3cr3t-pass@10.0.0.5:5432/app" }]),
      expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): init container 'wait-for-db': env DATABASE_URL holds a literal value shaped like a connection string with an embedded password (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }],
    },
    { title: "strict mode: a secretKeyRef", stack: change(KIND.deployment, (d) => withEnv(d, SECRET_KEY_REF)), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env DB_PASSWORD delivers a secret through the environment (strict mode) (found Kubernetes Secret \"db\" key \"password\"). Fix: mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }] },
    { title: "strict mode: envFrom a Secret", stack: at(KIND.deployment, `${C0}.envFrom`, ENV_FROM_SECRET), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': envFrom loads a whole Kubernetes Secret into the environment (strict mode) (found spec.template.spec.containers[0].envFrom[1].secretRef.name \"all-secrets\"). Fix: mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }] },
    { title: "strict mode: a Kubernetes Secret volume", stack: at(KIND.deployment, VOLUME1, { name: "tls", secret: { secretName: "api-tls" } }), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): volume \"tls\" mounts a Kubernetes Secret, not a Secret Manager secret (strict mode) (found spec.template.spec.volumes[1] secret.secretName \"api-tls\"). Fix: use a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\") with a SecretProviderClass of provider gcp." }] },
    {
      title: "strict mode: a projected Secret volume",
      stack: at(KIND.deployment, VOLUME1, { name: "p", projected: { sources: [{ secret: { name: "x" } }, { serviceAccountToken: { path: "t" } }] } }),
      expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): volume \"p\" mounts a Kubernetes Secret, not a Secret Manager secret (strict mode) (found spec.template.spec.volumes[1] a projected secret source). Fix: use a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\") with a SecretProviderClass of provider gcp." }],
    },
    {
      title: "Cloud Run v1, strict mode: valueFrom.secretKeyRef",
      stack: at(KIND.cloudRunV1Service, `${RUN_V1_0}.envs.2`, { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db-password", key: "latest" } } }),
      expect: [{ name: "registration-v1-web", message: "'registration-v1-web' (gcp:cloudrun/service:Service): container 'app': env DB_PASSWORD delivers a secret through the environment (strict mode) (found Secret Manager secret \"db-password\" version \"latest\"). Fix: mount it from Secret Manager instead: a template.spec.volumes[] entry with secret: {secretName: <secret id>} and a volumeMount, and read the file." }],
    },
    { title: "Cloud Run v1: a literal password", stack: at(KIND.cloudRunV1Service, `${RUN_V1_0}.envs.2`, { name: "DB_PASSWORD", value: "correct horse battery" }), expect: [{ name: "registration-v1-web", message: "'registration-v1-web' (gcp:cloudrun/service:Service): container 'app': env DB_PASSWORD has a secret-looking name and holds a literal value (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a template.spec.volumes[] entry with secret: {secretName: <secret id>} and a volumeMount, and read the file." }] },
    { title: "Cloud Function v1: a literal password in environmentVariables", stack: at(KIND.functionV1, "environmentVariables.DB_PASSWORD", "correct horse battery"), expect: [{ name: "registration-hook", message: "'registration-hook' (gcp:cloudfunctions/function:Function): function runtime: env DB_PASSWORD has a secret-looking name and holds a literal value (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a secretVolumes[] entry ({mountPath, secret: <secret id>}), and read the file." }] },
    { title: "Cloud Function v1, strict mode: secretEnvironmentVariables", stack: at(KIND.functionV1, "secretEnvironmentVariables", [FN_SECRET_ENV]), expect: [{ name: "registration-hook", message: "'registration-hook' (gcp:cloudfunctions/function:Function): function runtime: env DB_PASSWORD delivers a secret through the environment (strict mode) (found Secret Manager secret \"db-password\" version \"latest\"). Fix: mount it from Secret Manager instead: a secretVolumes[] entry ({mountPath, secret: <secret id>}), and read the file." }] },
    { title: "Cloud Function v1: a PEM key in buildEnvironmentVariables", stack: at(KIND.functionV1, "buildEnvironmentVariables", { NPM_CONFIG: PEM }), expect: [{ name: "registration-hook", message: "'registration-hook' (gcp:cloudfunctions/function:Function): function build environment: env NPM_CONFIG holds a literal value shaped like a PEM private key (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a secretVolumes[] entry ({mountPath, secret: <secret id>}), and read the file." }] },
    { title: "Cloud Function v2: a GitHub token in serviceConfig.environmentVariables", stack: at(KIND.functionV2, "serviceConfig.environmentVariables.GREETING", `ghp_${"a1B2c3D4e5".repeat(4)}`), expect: [{ name: "registration-fn", message: "'registration-fn' (gcp:cloudfunctionsv2/function:Function): function runtime: env GREETING holds a literal value shaped like an access token (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a secretVolumes[] entry ({mountPath, secret: <secret id>}), and read the file." }] },
    { title: "Cloud Function v2, strict mode: serviceConfig.secretEnvironmentVariables", stack: at(KIND.functionV2, "serviceConfig.secretEnvironmentVariables", [{ ...FN_SECRET_ENV, projectId: "acme-prod" }]), expect: [{ name: "registration-fn", message: "'registration-fn' (gcp:cloudfunctionsv2/function:Function): function runtime: env DB_PASSWORD delivers a secret through the environment (strict mode) (found Secret Manager secret \"db-password\" version \"latest\"). Fix: mount it from Secret Manager instead: a secretVolumes[] entry ({mountPath, secret: <secret id>}), and read the file." }] },
    { title: "Cloud Function v2: a password in buildConfig.environmentVariables", stack: at(KIND.functionV2, "buildConfig.environmentVariables", { REGISTRY_PASSWORD: "hunter2hunter2" }), expect: [{ name: "registration-fn", message: "'registration-fn' (gcp:cloudfunctionsv2/function:Function): function build environment: env REGISTRY_PASSWORD has a secret-looking name and holds a literal value (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a secretVolumes[] entry ({mountPath, secret: <secret id>}), and read the file." }] },
    { title: "Cloud Function v2: an env value unknown at preview (no dependency information)", stack: at(KIND.functionV2, "serviceConfig.environmentVariables.DB_HOST", UNKNOWN), expect: [{ name: "registration-fn", kind: "undecided", message: "'registration-fn' (gcp:cloudfunctionsv2/function:Function): the value of env DB_HOST (so its shape cannot be checked for a secret) is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    {
      title: "Cloud Run, strict mode: valueSource.secretKeyRef",
      stack: at(KIND.cloudRunService, `${RUN0}.envs.2`, { name: "DB_PASSWORD", valueSource: { secretKeyRef: { secret: "db-password", version: "latest" } } }),
      expect: [{ name: "registration-web", message: "'registration-web' (gcp:cloudrunv2/service:Service): container 'app': env DB_PASSWORD delivers a secret through the environment (strict mode) (found Secret Manager secret \"db-password\" version \"latest\"). Fix: mount it from Secret Manager instead: a template.volumes[] entry with secret: {secret: <secret id>} and a volumeMount, and read the file." }],
    },
    {
      title: "Cloud Run job: a literal access token",
      stack: at(KIND.cloudRunJob, "template.template.containers.0.envs.1", { name: "STRIPE_KEY", value: `sk_live_${"a1B2c3D4".repeat(4)}` }),
      expect: [{ name: "registration-export", message: "'registration-export' (gcp:cloudrunv2/job:Job): container '#0': env STRIPE_KEY holds a literal value shaped like an access token (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a template.volumes[] entry with secret: {secret: <secret id>} and a volumeMount, and read the file." }],
    },
    { title: "a secret-looking name set to a value computed at apply", stack: change(KIND.deployment, (d) => withEnv(d, { name: "DB_PASSWORD", value: UNKNOWN })), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env DB_PASSWORD is set to a literal value computed at apply (found spec.template.spec.containers[0].env[6].value (a secret-looking name)). Fix: mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }] },
    { title: "a value computed at apply from a RandomPassword output", stack: hostComputedFrom(RANDOM_PASSWORD), expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env DB_HOST is set to a literal value computed at apply from a random:index/randomPassword:RandomPassword output (found spec.template.spec.containers[0].env[6].value (a secret-looking source)). Fix: mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }] },
    { title: "a value computed at apply, no dependencies known", stack: change(KIND.deployment, (d) => withEnv(d, { name: "DB_HOST", value: UNKNOWN })), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): the value of env DB_HOST (so its shape cannot be checked for a secret) is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    {
      title: "allowNames exempts a name from name matching, never from value shapes",
      stack: change(KIND.deployment, (d) => withEnv(d, { name: "SESSION_TOKEN", value: "not-really-secret" }, { name: "PUBLIC_TOKEN", value: PEM })),
      config: { allowNames: ["session_token", "PUBLIC_TOKEN"] },
      expect: [{ name: "registration-api", message: "'registration-api' (kubernetes:apps/v1:Deployment): container 'app': env PUBLIC_TOKEN holds a literal value shaped like a PEM private key (found a literal value (not shown)). Fix: remove the value from the manifest and rotate it; mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver \"secrets-store.csi.k8s.io\", a SecretProviderClass with provider gcp) and read the file." }],
    },
    { title: "env unknown at preview", stack: at(KIND.deployment, ENV, UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): 'spec.template.spec.containers[0].env' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "envFrom unknown at preview", stack: at(KIND.deployment, `${C0}.envFrom`, UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): 'spec.template.spec.containers[0].envFrom' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "an envFrom secretRef unknown at preview", stack: at(KIND.deployment, `${C0}.envFrom`, [{ secretRef: UNKNOWN }]), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): 'spec.template.spec.containers[0].envFrom[0]' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "volumes unknown at preview", stack: at(KIND.deployment, "spec.template.spec.volumes", UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): 'spec.template.spec.volumes' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    { title: "a volume's CSI driver unknown at preview", stack: at(KIND.deployment, "spec.template.spec.volumes.0.csi.driver", UNKNOWN), expect: [{ name: "registration-api", kind: "undecided", message: "'registration-api' (kubernetes:apps/v1:Deployment): 'spec.template.spec.volumes[0]' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
  ],
});

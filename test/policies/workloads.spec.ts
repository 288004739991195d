/**
 * What the workload gates' examples (policypack/src/gates/<gate>/examples.ts) cannot say: the
 * service a finding carries, the pack's production and staging config files, and the helpers'
 * unit cases (secret names and shapes, ORM switches, image references, pgbouncer.ini).
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { T } from "../../policypack/src/access/tokens";
import { secretLookingName, secretShape } from "../../policypack/src/lib/secrets";
import { iniPoolMode, pgbouncerTransactionPooling } from "../../policypack/src/gates/pgbouncer-transaction-pooling/gate";
import { workloadAutoscaling } from "../../policypack/src/gates/workload-autoscaling/gate";
import { DEFAULT_PROBES_BY_IMAGE, imageEntry, imageRepositoryName, workloadHealthProbes } from "../../policypack/src/gates/workload-health-probes/gate";
import { imageProblems } from "../../policypack/src/gates/workload-image-provenance/gate";
import { ormSyncProblem } from "../../policypack/src/gates/workload-no-orm-synchronize/gate";
import { workloadSecretsNotInEnv } from "../../policypack/src/gates/workload-secrets-not-in-env/gate";
import { childOf, cloudRunService, database, deployment, helmChart, hpa, PEM } from "../fixtures/k8s";
import { C0, RUN0, withEnv } from "../fixtures/workloads";
import { expectClean, expectOne, mutate, res, run } from "../support/fixtures";

function packConfig(env: "production" | "staging", policy: string): Record<string, unknown> {
  const all = JSON.parse(readFileSync(resolve(__dirname, `../../../policypack/config/${env}.json`), "utf8")) as Record<string, unknown>;
  assert.ok(policy in all, `${env}.json configures ${policy}`);
  return { [policy]: all[policy] };
}

// ------------------------------------------------------------------------------ health probes

describe("workload-health-probes", () => {
  const P = "workload-health-probes";

  it("a finding about a Helm chart child carries the chart's service", () => {
    const chart = helmChart();
    const child = childOf(chart, mutate(deployment(), `${C0}.readinessProbe.httpGet.path`, "/healthz"));
    const hit = expectOne(run(workloadHealthProbes, [chart, child]), { policy: P, name: child.name }, "readinessProbe does not check /health/ready", '"/healthz"');
    assert.equal(hit.service, "registration");
  });

  it("a stack gate whose findings stay on each workload (URN, name, type, service), in stack order", () => {
    const a = mutate(deployment("registration", "a-api"), `${C0}.livenessProbe`, undefined);
    const b = mutate(deployment("config", "b-api"), `${C0}.readinessProbe`, undefined);
    const found = run(workloadHealthProbes, [b, a]).filter((f) => f.policy === P);
    assert.deepEqual(
      found.map((f) => [f.urn, f.name, f.type, f.service, f.kind]),
      [
        [b.urn, "b-api", T.deployment, "config", "violation"],
        [a.urn, "a-api", T.deployment, "registration", "violation"],
      ],
    );
  });

  it("matches probesByImage on the repository name's last path component, without registry, tag or digest", () => {
    const cases: [string, string][] = [
      ["redis", "redis"],
      ["redis:7", "redis"],
      ["docker.io/bitnami/redis:7.2", "redis"],
      [`redis@sha256:${"ab".repeat(32)}`, "redis"],
      [`localhost:5000/team/Redis:7@sha256:${"ab".repeat(32)}`, "redis"],
      ["acme/myredis-exporter:1.0", "myredis-exporter"],
      ["gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.11.0", "cloud-sql-proxy"],
    ];
    for (const [image, name] of cases) assert.equal(imageRepositoryName(image), name, image);
    const entry = (image: string) => imageEntry(image, DEFAULT_PROBES_BY_IMAGE)?.image;
    assert.equal(entry("docker.io/bitnami/redis:7.2"), "redis");
    assert.equal(entry("acme/myredis-exporter:1.0"), undefined);
    assert.equal(entry("oliver006/redis_exporter:v1.62.0"), undefined);
    assert.equal(entry("bitnami/postgresql:16"), "postgresql");
    assert.equal(entry("europe-west1-docker.pkg.dev/acme-prod/infra/pgbouncer@sha256:" + "0".repeat(64)), "pgbouncer");
    assert.equal(entry("acme/registration-pgbouncer:1"), undefined);
    const globbed = [{ image: "kube.proxy*", handlers: ["tcp" as const] }];
    assert.equal(imageEntry("k8s.io/kube.proxy-amd64:1", globbed)?.image, "kube.proxy*");
    assert.equal(imageEntry("k8s.io/kubexproxy:1", globbed), undefined, "a dot in a pattern is a dot");
  });
});

// -------------------------------------------------------------------------------- autoscaling

describe("workload-autoscaling", () => {
  const P = "workload-autoscaling";
  const d = deployment();

  it("a finding names the service of the workload, own label or inherited (Helm chart, yaml/v2 ConfigGroup)", () => {
    assert.equal(expectOne(run(workloadAutoscaling, [d]), { policy: P, name: "registration-api" }, "service 'registration'").service, "registration");
    const chart = helmChart();
    const chartChild = childOf(chart, deployment("registration", "chart-api"));
    assert.equal(expectOne(run(workloadAutoscaling, [chart, chartChild]), { policy: P, name: chartChild.name }, "service 'registration'").service, "registration");
    const group = res(T.configGroupV2, "registration-manifests", { yaml: "kind: Deployment", metadata: { labels: { "app.kubernetes.io/part-of": "registration" } } });
    const groupChild = childOf(group, deployment("registration", "yaml-api"));
    assert.equal(expectOne(run(workloadAutoscaling, [group, groupChild]), { policy: P, name: groupChild.name }, "service 'registration'").service, "registration");
  });

  it("the pack's configs: minReplicas 1 fails in production and passes in staging (HPA and Cloud Run)", () => {
    const one = mutate(hpa(d), "spec.minReplicas", 1);
    expectOne(run(workloadAutoscaling, [d, one], packConfig("production", P)), { policy: P }, "minReplicas 1 is below 2");
    expectClean(run(workloadAutoscaling, [d, one], packConfig("staging", P)));
    expectClean(run(workloadAutoscaling, [mutate(cloudRunService(), "template.scaling.minInstanceCount", 1)], packConfig("staging", P)));
  });
});

// --------------------------------------------------------------------------- secrets not in env

describe("workload-secrets-not-in-env", () => {
  const P = "workload-secrets-not-in-env";

  it("the pack's configs: production is strict, staging allows secretKeyRef (Kubernetes and Cloud Run)", () => {
    const d = withEnv(deployment(), { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } });
    expectClean(run(workloadSecretsNotInEnv, [d], packConfig("staging", P)));
    expectOne(run(workloadSecretsNotInEnv, [d], packConfig("production", P)), { policy: P }, "strict mode");
    const s = mutate(cloudRunService(), `${RUN0}.envs.2`, { name: "DB_PASSWORD", valueSource: { secretKeyRef: { secret: "db-password", version: "latest" } } });
    expectClean(run(workloadSecretsNotInEnv, [s], packConfig("staging", P)));
  });

  it("recognises secret-looking names", () => {
    for (const n of ["DB_PASSWORD", "SMTP_PASS", "JWT_SECRET", "GITHUB_TOKEN", "STRIPE_API_KEY", "APIKEY", "GCP_CREDENTIALS", "PRIVATE_KEY", "aws_secret_access_key", "client-secret", "ENCRYPTION_KEY"]) {
      assert.ok(secretLookingName(n), n);
    }
    for (const n of ["PWD", "OLDPWD", "BYPASS_CACHE", "TOKEN_URL", "DB_PASSWORD_FILE", "SECRET_NAME", "ACCESS_KEY_ID", "CACHE_KEY", "GREETING", "KEYCLOAK_URL", "NODE_ENV"]) {
      assert.ok(!secretLookingName(n), n);
    }
  });

  it("recognises secret-shaped values (and not ordinary ones)", () => {
    const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${"dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk"}`;
    const cases: [string, string | undefined][] = [
      [PEM, "a PEM private key"],
      ["-----BEGIN RSA PRIVATE KEY-----\nabc", "a PEM private key"],
      ['{"type": "service_account", "project_id": "p"}', "a Google service-account key"],
      ['{"private_key": "x", "client_email": "a@b"}', "a Google service-account key"],
      [jwt, "a JSON Web Token"],
      ["AKIAIOSFODNN7EXAMPLE", "an AWS access key"],
      [`AIza${"Sy".repeat(17)}A`, "a Google API key"],
      [`ghp_${"a".repeat(36)}`, "an access token"],
      ["xoxb-1234567890-abcdef", "an access token"],
      ["mysql://root:pw@db:3306/x", "a connection string with an embedded password"],
      ["host=db user=app password=hunter2 dbname=x", "a connection string with an embedded password"],
      ["jdbc:postgresql://db/x?user=app&password=hunter2", "a connection string with an embedded password"],
      ["postgres://app:${DB_PASSWORD}@db/x", undefined],
      ["postgres://app:****@db/x", undefined],
      ["host=db password=$(DB_PASSWORD)", undefined],
      ["PO/F2PUfA6hsBhVdltwSIrb3Fds3oz6eq1iqsfQ+M74=", "a long high-entropy string (a likely key or token)"],
      ["ThisIsALongCamelCaseIdentifierName123", undefined],
      ["eu-west1_PROD_2024_release_candidate_A1B2", undefined],
      ["Zq3k9LmP2xV8nR5tY7wB1cD4fG6hJ0sA", "a long high-entropy string (a likely key or token)"],
      ["0123456789abcdef0123456789abcdef01234567", undefined],
      ["6f1c2a8e-4b7d-4e2a-9c3f-1d2e3f4a5b6c", undefined],
      ["https://otel-collector.observability:4317", undefined],
      ["MyServiceAccountNameForProduction2024", undefined],
      ["production", undefined],
    ];
    for (const [v, want] of cases) assert.equal(secretShape(v), want, v.slice(0, 30));
  });
});

// ------------------------------------------------------------------------- no ORM synchronize

describe("workload-no-orm-synchronize", () => {
  it("knows which names and values turn synchronisation on", () => {
    assert.equal(ormSyncProblem("typeorm_synchronize", "TRUE"), "turns ORM schema synchronisation on");
    assert.equal(ormSyncProblem("SYNCHRONIZE", "on"), "turns ORM schema synchronisation on");
    assert.equal(ormSyncProblem("APP_DATABASE_SYNC", "y"), "turns ORM schema synchronisation on");
    assert.equal(ormSyncProblem("HBM2DDL_AUTO", "create-drop"), "lets Hibernate change the schema at start-up");
    assert.equal(ormSyncProblem("HIBERNATE_DDL_AUTO", "validate"), undefined);
    assert.equal(ormSyncProblem("DB_SYNCHRONIZE", "false"), undefined);
    assert.equal(ormSyncProblem("DATA_SYNC", "true"), undefined);
    assert.equal(ormSyncProblem("DB_SYNC_INTERVAL", "1"), undefined);
  });
});

// --------------------------------------------------------------------------- image provenance

describe("workload-image-provenance", () => {
  it("explains each problem of an image reference", () => {
    assert.deepEqual(imageProblems(`europe-west1-docker.pkg.dev/p/r/i@sha256:${"d".repeat(64)}`, ["europe-west1-docker.pkg.dev/"]), []);
    assert.equal(imageProblems(`europe-west1-docker.pkg.dev/p/r/i:v1@sha256:${"d".repeat(64)}`, ["europe-west1-docker.pkg.dev/"]).length, 0);
    assert.equal(imageProblems("nginx", ["europe-west1-docker.pkg.dev/"]).length, 2);
    assert.match(imageProblems("localhost:5000/x@sha256:abc", ["europe-west1-docker.pkg.dev/"])[0] as string, /"localhost:5000"/);
  });
});

// ------------------------------------------------------------------ pgbouncer transaction pooling

describe("pgbouncer-transaction-pooling", () => {
  const P = "pgbouncer-transaction-pooling";

  it("a finding names the database's service", () => {
    const f = expectOne(run(pgbouncerTransactionPooling, [database(), deployment()]), { policy: P, name: "registration-db" }, "Postgres instance of service 'registration' is not fronted by a PgBouncer workload");
    assert.equal(f.service, "registration");
  });

  it("parses pgbouncer.ini", () => {
    assert.deepEqual(iniPoolMode("[pgbouncer]\n  pool_mode=Transaction\n"), { global: "transaction", overrides: [] });
    assert.deepEqual(iniPoolMode("pool_mode = transaction\n[pgbouncer]\n# pool_mode = transaction\n"), { global: undefined, overrides: [] });
    assert.deepEqual(iniPoolMode("[users]\nbob = pool_mode=statement\r\n[pgbouncer]\npool_mode = session\npool_mode = transaction"), { global: "transaction", overrides: ["statement"] });
  });
});

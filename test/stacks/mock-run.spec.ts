/**
 * The offline program runner (cli/mock-run.ts): what it captures must be what the engine would
 * send the pack. Parents, dependencies and property dependencies come from an internal SDK request
 * (pinned @pulumi/pulumi 3.248.0): these specs fail if a new version changes it.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { CryptoKey } from "@pulumi/gcp/kms/cryptoKey";
import { KeyRing } from "@pulumi/gcp/kms/keyRing";
import { Provider as GcpProvider } from "@pulumi/gcp/provider";
import { DatabaseInstance } from "@pulumi/gcp/sql/databaseInstance";
import { Chart } from "@pulumi/kubernetes/helm/v4/chart";
import { Provider as K8sProvider } from "@pulumi/kubernetes/provider";
import { ConfigGroup as ConfigGroupV1 } from "@pulumi/kubernetes/yaml/yaml";
import { ConfigFile } from "@pulumi/kubernetes/yaml/v2/configFile";
import { ConfigGroup } from "@pulumi/kubernetes/yaml/v2/configGroup";
import {
  k8sTypeToken,
  loadStackConfig,
  parseRunnerArgs,
  runProgram,
  runProgramFile,
  runProgramFileInChild,
  UNKNOWN_STRING,
  type CapturedResource,
  type RunOptions,
} from "../../cli/mock-run";

const OPTS: RunOptions = { project: "readiness", stack: "prod", config: { "gcp:region": "europe-west1", "gcp:project": "acme-prod", "readiness:environment": "production" } };
const ROOT_URN = "urn:pulumi:prod::readiness::pulumi:pulumi:Stack::readiness-prod";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const PROGRAMS = path.join(__dirname, "programs");

/** A custom resource of a made-up type (its inputs are captured as given). */
class Thing extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs = {}, opts?: pulumi.CustomResourceOptions) {
    super("test:index:Thing", name, props, opts);
  }
}

function byName(rs: readonly CapturedResource[], name: string): CapturedResource {
  const r = rs.find((x) => x.name === name);
  assert.ok(r, `no resource named ${name}; have ${rs.map((x) => x.name).join(", ")}`);
  return r;
}

class Demo extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("test:stack:Demo", name, {}, opts);
    const ring = new KeyRing("ring", { name: "ring", location: "europe-west1" }, { parent: this });
    const key = new CryptoKey("key", { name: "key", keyRing: ring.id, rotationPeriod: "7776000s" }, { parent: this, protect: true });
    new DatabaseInstance(
      "db",
      { name: "db", region: "europe-west1", databaseVersion: "POSTGRES_16", encryptionKeyName: key.id, settings: { tier: "db-custom-2-7680", userLabels: { owner: pulumi.secret("team-a") } } },
      { parent: this, dependsOn: [ring] },
    );
    this.registerOutputs({ ringName: ring.name, keyId: key.id });
  }
}

describe("mock-run: capturing a program", function () {
  this.timeout(60_000);
  let rs: CapturedResource[];

  before(async () => {
    rs = await runProgram(() => {
      new Demo("demo");
      const dr = new GcpProvider("dr", { region: "europe-west4", project: "acme-prod" });
      new KeyRing("dr-ring", { name: "dr-ring", location: "europe-west4" }, { provider: dr });
    }, OPTS);
  });

  it("adds the root stack resource and parents top-level resources to it", () => {
    const root = rs[0] as CapturedResource;
    assert.equal(root.type, "pulumi:pulumi:Stack");
    assert.equal(root.urn, ROOT_URN);
    assert.equal(byName(rs, "demo").parent, ROOT_URN);
    assert.equal(byName(rs, "dr").parent, ROOT_URN);
  });

  it("captures component resources (custom false) with their registered outputs", () => {
    const demo = byName(rs, "demo");
    assert.equal(demo.type, "test:stack:Demo");
    assert.equal(demo.custom, false);
    assert.equal(demo.urn, "urn:pulumi:prod::readiness::test:stack:Demo::demo");
    assert.equal(demo.provider, undefined);
    assert.equal(demo.outputs["ringName"], "ring");
    assert.equal(demo.outputs["keyId"], UNKNOWN_STRING);
  });

  it("captures parents, with URNs qualified by the parent type", () => {
    const key = byName(rs, "key");
    assert.equal(key.parent, byName(rs, "demo").urn);
    assert.equal(key.urn, "urn:pulumi:prod::readiness::test:stack:Demo$gcp:kms/cryptoKey:CryptoKey::key");
    assert.equal(key.custom, true);
  });

  it("captures dependencies and property dependencies", () => {
    const ring = byName(rs, "ring");
    const key = byName(rs, "key");
    const db = byName(rs, "db");
    assert.deepEqual(key.propertyDependencies["keyRing"], [ring.urn]);
    assert.ok(key.dependencies.includes(ring.urn));
    assert.deepEqual(db.propertyDependencies["encryptionKeyName"], [key.urn]);
    assert.deepEqual(db.propertyDependencies["region"], []);
    assert.deepEqual([...db.dependencies].sort(), [key.urn, ring.urn].sort(), "dependsOn and inputs both count");
  });

  it("sends values that are unknown at preview as the sentinel, in inputs and outputs", () => {
    const key = byName(rs, "key");
    const db = byName(rs, "db");
    assert.equal(key.inputs["keyRing"], UNKNOWN_STRING);
    assert.equal(db.inputs["encryptionKeyName"], UNKNOWN_STRING);
    assert.equal(db.outputs["encryptionKeyName"], UNKNOWN_STRING);
    assert.equal(db.inputs["region"], "europe-west1");
    assert.equal(db.outputs["region"], "europe-west1");
    assert.equal("connectionName" in db.outputs, false, "a computed output the program did not set is not invented");
  });

  it("keeps secrets wrapped, as on the wire", () => {
    const labels = (byName(rs, "db").inputs["settings"] as Record<string, Record<string, unknown>>)["userLabels"] as Record<string, unknown>;
    const owner = labels["owner"] as Record<string, unknown>;
    assert.equal(owner[SECRET_SIG], "1b47061264138c4ac30d75fd1eb44270");
    assert.equal(owner["value"], "team-a");
  });

  it("captures protect", () => {
    assert.equal(byName(rs, "key").protect, true);
    assert.equal(byName(rs, "ring").protect, false);
  });

  it("gives resources on the default provider the provider the engine builds from stack config", () => {
    const p = byName(rs, "ring").provider;
    assert.ok(p);
    assert.equal(p.type, "pulumi:providers:gcp");
    assert.match(p.name, /^default_\d+_\d+_\d+$/);
    assert.equal(p.urn, `urn:pulumi:prod::readiness::pulumi:providers:gcp::${p.name}`);
    assert.deepEqual({ region: p.props["region"], project: p.props["project"] }, { region: "europe-west1", project: "acme-prod" });
    assert.equal(p.props["environment"], undefined, "only the provider's own namespace");
  });

  it("links resources on an explicit provider to its captured inputs", () => {
    const dr = byName(rs, "dr");
    assert.equal(dr.type, "pulumi:providers:gcp");
    const p = byName(rs, "dr-ring").provider;
    assert.deepEqual(p, { type: "pulumi:providers:gcp", urn: dr.urn, name: "dr", props: dr.inputs });
    assert.equal(p?.props["region"], "europe-west4");
  });

  it("reports no warnings for a program without provider-rendered children", () => {
    assert.deepEqual((rs as unknown as { warnings: string[] }).warnings, []);
  });
});

describe("mock-run: resource references", function () {
  this.timeout(60_000);
  it("sends a custom resource reference as its id (unknown at preview) and a component's as its URN", async () => {
    const rs = await runProgram(() => {
      const comp = new pulumi.ComponentResource("test:index:Comp", "comp", {});
      const thing = new Thing("thing", { size: 1 });
      new Thing("user", { thing, comp, list: [thing] });
    }, OPTS);
    const user = byName(rs, "user");
    assert.equal(user.inputs["thing"], UNKNOWN_STRING);
    assert.equal(user.inputs["comp"], byName(rs, "comp").urn);
    assert.deepEqual(user.inputs["list"], [UNKNOWN_STRING]);
    assert.deepEqual(user.propertyDependencies["thing"], [byName(rs, "thing").urn]);
  });
});

describe("mock-run: Kubernetes YAML and Helm", function () {
  this.timeout(60_000);
  const YAML = `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop, labels: {app.kubernetes.io/part-of: shop}}
spec: {template: {spec: {containers: [{name: api, image: x}]}}}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: settings, namespace: shop}
  data: {a: "1"}
- apiVersion: v1
  kind: Secret
  metadata: {name: creds, namespace: shop}
  stringData: {password: hunter2}
---
apiVersion: configuration.konghq.com/v1
kind: KongPlugin
metadata: {name: jwt, namespace: shop}
plugin: jwt
---
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
`;
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mock-run-"));
    fs.writeFileSync(path.join(dir, "extra.yaml"), "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: robot, namespace: shop}\n");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // pulumi-kubernetes provider/pkg/provider/yaml/v2/yaml.go register(): the name is
  // "<resourcePrefix>:<namespace>/<name>" with a colon (this spec used "<prefix>-<ns>/<name>",
  // which is not what the provider registers); Register() orders the objects by their dependency
  // graph, so the Namespace registers first and every object in it depends on it (yaml_test.go).
  it("renders yaml/v2 ConfigGroup children as the provider names them (<prefix>:<ns>/<name>), parented to the group, Namespace first", async () => {
    const rs = await runProgram(() => {
      const parent = new pulumi.ComponentResource("test:stack:Shop", "shop", {});
      new ConfigGroup("manifests", { yaml: YAML, objs: [{ apiVersion: "v1", kind: "Service", metadata: { name: "api", namespace: "shop" }, spec: { ports: [{ port: 80 }] } }] }, { parent });
    }, OPTS);
    const group = byName(rs, "manifests");
    assert.equal(group.type, "kubernetes:yaml/v2:ConfigGroup");
    assert.equal(group.custom, false);
    const children = rs.filter((r) => r.parent === group.urn);
    assert.deepEqual(
      children.map((c) => [c.type, c.name]),
      [
        ["kubernetes:core/v1:Namespace", "manifests:shop"],
        ["kubernetes:apps/v1:Deployment", "manifests:shop/api"],
        ["kubernetes:core/v1:ConfigMap", "manifests:shop/settings"],
        ["kubernetes:core/v1:Secret", "manifests:shop/creds"],
        ["kubernetes:configuration.konghq.com/v1:KongPlugin", "manifests:shop/jwt"],
        ["kubernetes:core/v1:Service", "manifests:shop/api"],
      ],
    );
    const ns = children[0] as CapturedResource;
    const dep = children[1] as CapturedResource;
    assert.equal(dep.urn, "urn:pulumi:prod::readiness::test:stack:Shop$kubernetes:yaml/v2:ConfigGroup$kubernetes:apps/v1:Deployment::manifests:shop/api");
    assert.equal(dep.custom, true);
    assert.deepEqual(ns.dependencies, []);
    for (const c of children.slice(1)) assert.deepEqual(c.dependencies, [ns.urn], c.name);
    assert.deepEqual((dep.inputs["metadata"] as Record<string, unknown>)["labels"], { "app.kubernetes.io/part-of": "shop" });
    assert.equal(dep.provider?.type, "pulumi:providers:kubernetes");
    const secret = children[3] as CapturedResource;
    assert.equal((secret.inputs["stringData"] as Record<string, unknown>)[SECRET_SIG], "1b47061264138c4ac30d75fd1eb44270", "Secret data is marked secret, as the provider does");
  });

  // configgroup.go: no resourcePrefix → the component's name; "" → none. yaml.go Normalize: a
  // namespaced kind without a namespace gets the provider's default namespace ("default" unless
  // the provider's `namespace` says otherwise), and the name then carries it ("default/a").
  it("uses resourcePrefix (empty: no prefix), fills the default namespace, reads files, renders yaml/v2 ConfigFile, and passes the explicit provider on", async () => {
    const file = path.join(dir, "extra.yaml");
    const rs = await runProgram(() => {
      const k8s = new K8sProvider("cluster", { kubeconfig: "{}" });
      const apps = new K8sProvider("apps", { kubeconfig: "{}", namespace: "apps" });
      new ConfigGroup("plain", { yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n", files: [file], resourcePrefix: "" }, { provider: k8s });
      new ConfigGroup("prefixed", { yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n", resourcePrefix: "pre" }, { providers: [k8s] });
      new ConfigGroup("scoped", { yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\n" }, { provider: apps });
      new ConfigFile("one", { file });
    }, OPTS);
    assert.ok(byName(rs, "shop/robot").urn.includes("kubernetes:yaml/v2:ConfigGroup$kubernetes:core/v1:ServiceAccount::shop/robot"), "files are read first");
    const a = byName(rs, "default/a");
    assert.equal(a.type, "kubernetes:core/v1:ConfigMap");
    assert.equal((a.inputs["metadata"] as Record<string, unknown>)["namespace"], "default");
    assert.equal(a.provider?.name, "cluster");
    assert.equal(byName(rs, "pre:default/b").provider?.name, "cluster", "a providers map reaches the children");
    assert.equal((byName(rs, "scoped:apps/c").inputs["metadata"] as Record<string, unknown>)["namespace"], "apps", "the provider's namespace is the default");
    assert.equal((byName(rs, "scoped:reader").inputs["metadata"] as Record<string, unknown>)["namespace"], undefined, "cluster-scoped kinds get none");
    assert.equal(byName(rs, "one:shop/robot").parent, byName(rs, "one").urn);
  });

  // yaml.go Register(): cli-utils' dependency graph (depends-on annotation, CRD → custom
  // resource) becomes DependsOn; clients.go IsNamespacedKind: a CRD among the objects gives scope.
  it("turns config.kubernetes.io/depends-on annotations and CRDs into dependencies, and registers dependencies first", async () => {
    const crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: crontabs.stable.example.com}\nspec: {group: stable.example.com, scope: Namespaced, names: {kind: CronTab, plural: crontabs}}\n";
    const rs = await runProgram(() => {
      new ConfigGroup("deps", {
        skipAwait: true,
        yaml: [
          "apiVersion: v1\nkind: Pod\nmetadata: {name: p, annotations: {config.kubernetes.io/depends-on: /namespaces/default/ConfigMap/cm}}\n",
          "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: tab}\n",
          crd,
          "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n",
        ].join("---\n"),
      });
    }, OPTS);
    const kids = rs.filter((r) => r.parent === byName(rs, "deps").urn);
    assert.deepEqual(kids.map((k) => k.name), ["deps:crontabs.stable.example.com", "deps:default/cm", "deps:default/p", "deps:default/tab"]);
    assert.deepEqual(byName(rs, "deps:default/p").dependencies, [byName(rs, "deps:default/cm").urn]);
    assert.deepEqual(byName(rs, "deps:default/tab").dependencies, [byName(rs, "deps:crontabs.stable.example.com").urn]);
    const annotations = (byName(rs, "deps:default/cm").inputs["metadata"] as Record<string, unknown>)["annotations"];
    assert.deepEqual(annotations, { "pulumi.com/skipAwait": "true" });
  });

  it("warns, and renders nothing, when the manifests cannot be read offline", async () => {
    const rs = await runProgram(() => {
      const pending = new Thing("pending", {});
      new ConfigGroup("unknown", { yaml: pending.id.apply((id: string) => `# ${id}`) });
      new ConfigGroup("remote", { files: ["https://example.com/x.yaml"] });
      new ConfigGroup("glob", { files: ["manifests/*.yaml"] });
      new ConfigGroup("nameless", { yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n" });
      new ConfigGroup("missing", { files: [path.join(dir, "nope.yaml")] });
    }, OPTS);
    const w = rs.warnings.join("\n");
    assert.match(w, /ConfigGroup::unknown: its manifests are unknown until apply/);
    assert.match(w, /ConfigGroup::remote: children not rendered: it reads the remote file https:\/\/example.com\/x.yaml/);
    assert.match(w, /ConfigGroup::glob: children not rendered: it reads the glob manifests\/\*\.yaml/);
    assert.match(w, /ConfigGroup::nameless: an object without apiVersion, kind or metadata.name was skipped/);
    assert.match(w, /ConfigGroup::missing: children not rendered: ENOENT/);
    assert.equal(rs.filter((r) => r.parent === byName(rs, "nameless").urn).length, 1);
    assert.equal(rs.filter((r) => r.type.startsWith("kubernetes:core")).length, 1);
  });

  it("says plainly that Helm v4 chart children cannot be rendered offline", async () => {
    const rs = await runProgram(() => {
      new Chart("ingress", { chart: "oci://registry-1.docker.io/bitnamicharts/nginx", version: "18.0.0" });
    }, OPTS);
    assert.equal(byName(rs, "ingress").type, "kubernetes:helm.sh/v4:Chart");
    assert.equal(rs.warnings.length, 1);
    assert.match(rs.warnings[0] as string, /helm\.sh\/v4:Chart::ingress: the children of this Helm v4 chart are rendered by the Kubernetes provider and cannot be rendered offline/);
  });

  it("answers kubernetes:yaml:decode so yaml v1 ConfigGroup children register, and warns on other provider functions", async () => {
    const rs = await runProgram(async () => {
      new ConfigGroupV1("v1", { yaml: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: legacy, namespace: shop}\n" });
      await pulumi.runtime.invoke("gcp:organizations/getProject:getProject", {});
    }, OPTS);
    const child = rs.find((r) => r.type === "kubernetes:core/v1:ConfigMap");
    assert.ok(child, "v1 child registered");
    assert.equal(child.parent, byName(rs, "v1").urn);
    assert.match(rs.warnings.join("\n"), /gcp:organizations\/getProject:getProject, which cannot run offline/);
  });

  it("names the resources that received an unanswered lookup's unknown values, not those unknown only through another resource", async () => {
    const one = await runProgram(async () => {
      const zones = pulumi.output(pulumi.runtime.invoke("gcp:compute/getZones:getZones", { region: "europe-west1" }));
      const db = new DatabaseInstance("orders-db", { databaseVersion: "POSTGRES_15", settings: { tier: "db-f1-micro", locationPreference: { zone: zones.apply((z) => String(z["names"])) } } });
      new KeyRing("ring", { location: db.name });
    }, OPTS);
    assert.equal(one.warnings.length, 1);
    assert.match(one.warnings[0] as string, /gcp:compute\/getZones:getZones, which cannot run offline.*; resources that received its unknown values: 'orders-db' \(gcp:sql\/databaseInstance:DatabaseInstance, test\/stacks\/mock-run\.spec\.ts:\d+\); the gates report/);
    const two = await runProgram(async () => {
      const zones = pulumi.output(pulumi.runtime.invoke("gcp:compute/getZones:getZones", { region: "europe-west1" }));
      const project = pulumi.output(pulumi.runtime.invoke("gcp:organizations/getProject:getProject", {}));
      new DatabaseInstance("orders-db", { databaseVersion: "POSTGRES_15", project: project.apply((p) => String(p["projectId"])), settings: { tier: "db-f1-micro", locationPreference: { zone: zones.apply((z) => String(z["names"])) } } });
    }, OPTS);
    assert.equal(two.warnings.length, 2);
    for (const w of two.warnings) assert.match(w, /; resources that received unknown values from this or another unanswered function: 'orders-db' /);
    const none = await runProgram(async () => {
      await pulumi.runtime.invoke("gcp:organizations/getProject:getProject", {});
    }, OPTS);
    assert.match(none.warnings[0] as string, /; no resource received its unknown values$/);
  });

  it("maps apiVersion and kind to type tokens", () => {
    assert.equal(k8sTypeToken("v1", "Pod"), "kubernetes:core/v1:Pod");
    assert.equal(k8sTypeToken("networking.k8s.io/v1", "Ingress"), "kubernetes:networking.k8s.io/v1:Ingress");
  });
});

describe("mock-run: runs, failures and program files", function () {
  this.timeout(60_000);

  it("refuses a second program while one runs, and runs programs one after another", async () => {
    let release: () => void = () => undefined;
    const first = runProgram(() => new Promise<void>((r) => (release = r)), OPTS);
    await assert.rejects(runProgram(() => undefined, OPTS), /another program is running in this process/);
    release();
    await first;
    const again = await runProgram(() => new Thing("again", {}), OPTS);
    // 3, was 2: the root Stack, the default provider the engine registers for Thing's package
    // (pkg/resource/deploy/default_providers.go), and Thing.
    assert.equal(again.length, 3);
  });

  it("rejects when the program throws or logs an error, and restores the stack-trace limit", async () => {
    const limit = Error.stackTraceLimit;
    await assert.rejects(
      runProgram(() => {
        throw new Error("bad config");
      }, OPTS),
      /bad config/,
    );
    assert.equal(Error.stackTraceLimit, limit);
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => errors.push(a);
    try {
      await assert.rejects(
        runProgram(() => {
          void pulumi.log.error("it broke");
        }, OPTS),
        /the program logged 1 error/,
      );
    } finally {
      console.error = original;
    }
    assert.equal(errors.length, 1);
  });

  it("sets the stack config for the program", async () => {
    const rs = await runProgram(() => {
      new Thing("cfg", { env: new pulumi.Config("readiness").require("environment"), stack: pulumi.getStack(), project: pulumi.getProject() });
    }, OPTS);
    assert.deepEqual(byName(rs, "cfg").inputs, { env: "production", stack: "prod", project: "readiness" });
  });

  it("runs a program file's default export, its main, or the module on import (each time)", async () => {
    const opts = { ...OPTS, config: { ...OPTS.config, "demo:size": "3" } };
    const a = await runProgramFile(path.join(PROGRAMS, "default-export.js"), opts);
    assert.deepEqual(byName(a, "from-default").inputs, { size: "3" });
    const b = await runProgramFile(path.join(PROGRAMS, "main-export.js"), OPTS);
    assert.deepEqual(byName(b, "from-main").inputs, { region: "europe-west1" });
    for (let i = 0; i < 2; i++) {
      const c = await runProgramFile(path.join(PROGRAMS, "on-import.js"), OPTS);
      assert.deepEqual(byName(c, "on-import").inputs, { stack: "prod" });
    }
  });

  it("runs a program file in a child process, passing back resources, warnings and errors", async () => {
    const opts = { ...OPTS, config: { ...OPTS.config, "demo:size": "5" } };
    const a = await runProgramFileInChild(path.join(PROGRAMS, "default-export.js"), opts);
    assert.deepEqual(byName(a, "from-default").inputs, { size: "5" });
    assert.deepEqual(a.warnings, []);
    await assert.rejects(runProgramFileInChild(path.join(PROGRAMS, "failing.js"), OPTS), /readiness:environment: is required/);
    await assert.rejects(runProgramFileInChild(path.join(PROGRAMS, "hanging.js"), OPTS, 3_000), /timed out after 3000 ms/);
  });
});

describe("mock-run: stack config and arguments", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "mock-run-cfg-"));
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      [
        "name: shop",
        "runtime: nodejs",
        "config:",
        "  gcp:region: europe-west1",
        "  tier:",
        "    type: string",
        "    default: small",
        "  replicas:",
        "    value: 2",
        "  undocumented:",
        "    type: string",
        "",
      ].join("\n"),
    );
    fs.writeFileSync(
      path.join(dir, "Pulumi.dev.yaml"),
      [
        "config:",
        "  tier: large",
        "  shop:debug: true",
        "  shop:images:",
        "    api: europe-west1-docker.pkg.dev/p/r/api@sha256:abc",
        "  shop:list: [1, 2]",
        "  shop:password:",
        "    secure: AAABAKx",
        "  shop:nothing: null",
        "",
      ].join("\n"),
    );
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("merges project defaults and stack values, namespaces bare keys, JSON-encodes objects, leaves secure values out", () => {
    assert.deepEqual(loadStackConfig(dir, "dev"), {
      "gcp:region": "europe-west1",
      "shop:tier": "large",
      "shop:replicas": "2",
      "shop:debug": "true",
      "shop:images": '{"api":"europe-west1-docker.pkg.dev/p/r/api@sha256:abc"}',
      "shop:list": "[1,2]",
    });
  });

  it("reads the repository's own stacks", () => {
    const prod = loadStackConfig(path.resolve(__dirname, "../../.."), "prod");
    assert.equal(prod["readiness:environment"], "production");
    assert.match(prod["readiness:images"] as string, /"config-api":"europe-west1-docker\.pkg\.dev\//);
  });

  it("fails on a project file without a name", () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), "mock-run-bad-"));
    fs.writeFileSync(path.join(bad, "Pulumi.yaml"), "runtime: nodejs\n");
    assert.throws(() => loadStackConfig(bad, "dev"), /no project name/);
    fs.rmSync(bad, { recursive: true, force: true });
  });

  it("parses the script's arguments", () => {
    const a = parseRunnerArgs(["prog.js", "--stack", "dev", "--dir", dir, "--config", "shop:tier=xl"]);
    assert.equal(a.modulePath, "prog.js");
    assert.equal(a.opts.project, "shop");
    assert.equal(a.opts.config["shop:tier"], "xl");
    assert.equal(a.opts.config["shop:replicas"], "2");
    const b = parseRunnerArgs(["prog.js", "--stack", "other", "--project", "p", "--dir", os.tmpdir()]);
    assert.deepEqual(b.opts, { project: "p", stack: "other", config: {} });
    assert.equal(parseRunnerArgs(["prog.js", "--stack", "x", "--dir", os.tmpdir()]).opts.project, "project");
    assert.throws(() => parseRunnerArgs(["prog.js"]), /usage: mock-run/);
    assert.throws(() => parseRunnerArgs(["prog.js", "--stack"]), /--stack needs a value/);
    assert.throws(() => parseRunnerArgs(["prog.js", "--stack", "x", "--config", "novalue"]), /--config expects key=value/);
  });
});

/**
 * `readiness check` on teams' own projects, run the way `pulumi preview` runs them: from the project
 * directory (or --cwd), no build step, TypeScript as written (type-checked), the project directory as
 * the current directory, the only stack chosen, `secure:` values as secrets, failures as exit 2 with
 * one line. The programs are test/fixtures/programs/projects/* (kept out of this repository's build).
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { invokePlaceholder, parseInvokeToken } from "../../cli/invoke-placeholder";
import { loadStackConfigWithSecrets, runProgramFileInChild, SECRET_PLACEHOLDER, UNKNOWN_STRING } from "../../cli/mock-run";
import { findProjectDir, programOf, readProject, selectStack } from "../../cli/project";
import { programFrame, tsSetup } from "../../cli/ts-host";
import { CLI, ROOT } from "../cli/support";

const PROJECTS = path.join(ROOT, "test", "fixtures", "programs", "projects");
const CONFIG = path.join(ROOT, "test", "fixtures", "programs", "check-config.json");

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function check(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, [CLI, "check", "--config", CONFIG, "--out-dir", "", ...args], {
    cwd,
    encoding: "utf8",
    timeout: 170_000,
    env: { ...process.env, NO_COLOR: "1", PULUMI_NODEJS_TRANSPILE_ONLY: "", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

type Json = {
  summary: { result: string; resources: number };
  notes: string[];
  violations: { policy: string; message: string; name?: string; resource?: string; source?: { file: string; line: number; column: number } }[];
  source: { project: string; stack: string; root?: string };
};

describe("readiness check on a team's own project (e2e)", function () {
  this.timeout(180_000);

  describe("a TypeScript program in several files with a local component, a file read, secrets and a lookup", () => {
    const dir = path.join(PROJECTS, "multi-file");
    let r: Run;
    let j: Json;
    before(() => {
      // From elsewhere, with --cwd: the program still runs from its own directory.
      r = check(["--cwd", path.relative(ROOT, dir), "--format", "json"], ROOT);
      j = JSON.parse(r.stdout) as Json;
    });

    it("runs index.ts as written (type-checked) with the only stack, and exits 1 for its mandatory violations", () => {
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual([j.source.project, j.source.stack], ["multi-file", "dev"]);
      assert.equal(j.summary.result, "fail");
    });

    it("runs from the project directory: the component's bucket gets the location read from default.conf", () => {
      const residency = j.violations.find((v) => v.policy === "data-residency");
      assert.ok(residency, JSON.stringify(j.violations.map((v) => v.policy)));
      assert.match(residency.message, /'reports-archive' .*found "US"/);
    });

    it("names each provider function that cannot run offline once, with where the program calls it and the resources that received its unknown values", () => {
      assert.deepEqual(
        j.notes.filter((n) => n.includes("provider function")),
        [
          "the program called the provider function gcp:compute/getZones:getZones, which cannot run offline (called at index.ts:15:27); it was answered with unknown values for its result (id, names, project, region, status), as a preview answers a lookup whose inputs are unknown; resources that received its unknown values: 'orders-db' (gcp:sql/databaseInstance:DatabaseInstance, index.ts:17); the gates report what they cannot decide on them as undecided",
        ],
      );
    });

    it("each finding carries where the program declared its resource (relative to the project root, given in source.root)", () => {
      assert.equal(j.source.root, "test/fixtures/programs/projects/multi-file");
      const at = new Map(j.violations.map((v) => [v.name, v.source]));
      assert.deepEqual(at.get("reports-archive"), { file: "components/bucket-set.ts", line: 15, column: 20 }, "inside the local component");
      assert.deepEqual(at.get("orders-db"), { file: "index.ts", line: 17, column: 12 });
      const text = check(["--cwd", path.relative(ROOT, dir)], ROOT);
      assert.equal(text.code, 1, text.stderr);
      const lines = text.stdout.split("\n");
      const i = lines.findIndex((l) => l.startsWith("          'reports-archive' (gcp:storage/bucket:Bucket): is stored in a multi-region"));
      assert.equal(lines[i + 1], "          at test/fixtures/programs/projects/multi-file/components/bucket-set.ts:15:20", "relative to where the command ran");
    });

    it("never prints the ciphertext of a secure: value", () => {
      assert.ok(!`${r.stdout}${r.stderr}`.includes("AAABAHdJ"));
    });
  });

  it("judges a Pulumi secret in env as the pack sees it in a preview (the policy SDK unwraps it first): no disagreement, the value by its shape", () => {
    const r = check(["--format", "json"], path.join(PROJECTS, "secret-env"));
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as Json;
    assert.deepEqual(j.notes.filter((n) => n.includes("disagree")), []);
    assert.deepEqual(j.violations.filter((v) => v.policy === "workload-secrets-not-in-env"), [], "a short random-looking value under a plain name is not secret-shaped");
    assert.ok(!r.stdout.includes("s3cr3t-value-1234"));
  });

  it("gives secure: values to the program as secrets (placeholder, never the ciphertext), and getOrganization/getProject/getStack", async () => {
    const dir = path.join(PROJECTS, "multi-file");
    const { config, secretKeys } = loadStackConfigWithSecrets(dir, "dev");
    assert.deepEqual(secretKeys, ["multi-file:dbPassword"]);
    assert.equal(config["multi-file:dbPassword"], SECRET_PLACEHOLDER);
    assert.equal(config["multi-file:owner"], "platform", "project config default");
    const rs = await runProgramFileInChild(path.join(dir, "index.ts"), { project: "multi-file", stack: "dev", config, secretKeys, organization: "acme" }, 120_000, {
      cwd: dir,
      typescript: true,
    });
    const user = rs.find((x) => x.name === "orders-app");
    assert.deepEqual(user?.inputs["password"], { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: SECRET_PLACEHOLDER });
    const bucket = rs.find((x) => x.name === "reports-archive");
    assert.deepEqual(bucket?.inputs["labels"], { org: "acme", owner: "platform", project: "multi-file", stack: "dev" });
    assert.equal(bucket?.parent, rs.find((x) => x.type === "acme:storage:BucketSet")?.urn, "the local component is the parent");
  });

  it("records where the program declared each resource (the new Resource(...) call, in the .ts source, relative to the project)", async () => {
    const dir = path.join(PROJECTS, "multi-file");
    const { config, secretKeys } = loadStackConfigWithSecrets(dir, "dev");
    const rs = await runProgramFileInChild(path.join(dir, "index.ts"), { project: "multi-file", stack: "dev", config, secretKeys }, 120_000, { cwd: dir, typescript: true });
    const at = (name: string) => rs.find((x) => x.name === name)?.sourcePosition;
    assert.deepEqual(at("reports-archive"), { file: "components/bucket-set.ts", line: 15, column: 20 });
    assert.deepEqual(at("orders-db"), { file: "index.ts", line: 17, column: 12 });
    assert.deepEqual(at("reports"), { file: "index.ts", line: 9, column: 13 });
    // The lookup's result is unknown (its type's fields), so what is built from it is unknown, not a crash.
    const settings = rs.find((x) => x.name === "orders-db")?.inputs["settings"] as { locationPreference?: { zone?: unknown } } | undefined;
    assert.equal(settings?.locationPreference?.zone, UNKNOWN_STRING);
  });

  it("a type error is exit 2 with one line naming file:line:column; PULUMI_NODEJS_TRANSPILE_ONLY=true runs it anyway", () => {
    const dir = path.join(PROJECTS, "type-error");
    const r = check([], dir);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "readiness: index.ts: the program failed under the Pulumi mocks: type error: index.ts:3:7: error TS2322: Type 'string' is not assignable to type 'number'.\n");
    const t = check([], dir, { PULUMI_NODEJS_TRANSPILE_ONLY: "true" });
    assert.equal(t.code, 0, t.stderr);
  });

  it("several stacks and no --stack is exit 2 listing them; a throwing program is exit 2 with its error and source line, never 1", () => {
    const dir = path.join(PROJECTS, "throwing");
    const none = check([], dir);
    assert.equal(none.code, 2);
    assert.equal(none.stderr, "readiness: .: several stacks (dev, prod). Fix: pass --stack <name>.\n");
    const r = check(["--stack", "prod"], dir);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "readiness: index.ts: the program failed under the Pulumi mocks: unknown tier 'platinum' (at tiers.ts:6:11)\n");
  });

  it("runs package.json main of a JavaScript project, and reports Helm charts it cannot render instead of failing", () => {
    const r = check(["--format", "json"], path.join(PROJECTS, "helm", "src"));
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as Json;
    assert.deepEqual([j.source.project, j.source.stack], ["helm", "dev"]);
    const charts = j.notes.filter((n) => /the children of this Helm v[34] chart are rendered by the Kubernetes provider and cannot be rendered offline/.test(n));
    assert.equal(charts.length, 2, j.notes.join("\n"));
    assert.ok(!j.notes.some((n) => n.includes("helm:template")), "the chart is reported, not its internal function");
  });

  describe("a Helm v4 chart and a Helm v3 Release: resource-coverage, and the chart's objects given with --rendered", () => {
    const dir = path.join(PROJECTS, "charts");
    const charts = (file: string) => ["--config", path.join(ROOT, "test", "fixtures", "programs", file), "--format", "json"];
    const found = (j: Json) => j.violations.map((v) => [v.policy, (v as { name?: string }).name, (v as { enforcementLevel?: string }).enforcementLevel]);
    const releaseMessage =
      "'ingress' (kubernetes:helm.sh/v3:Release): is a Helm v3 Release: Helm creates the chart's objects inside the Kubernetes provider, so they are never resources of the stack, not even in `pulumi preview`, and no gate checks them. Fix: deploy the chart with kubernetes.helm.v4.Chart, whose objects are resources the gates check; or check its objects offline with `readiness check --rendered ingress=<file>` (its `helm template` output) and then accept the Release in resource-coverage's acceptOpaque ({\"name\": \"ingress\", \"reason\": <why>}), or waive it with a justification (README \"Waivers\").";

    it("without --rendered: the Release and the chart without children are mandatory findings, exit 1 (no longer ready by omission)", () => {
      const r = check(charts("charts-config.json"), dir);
      assert.equal(r.code, 1, r.stderr);
      const j = JSON.parse(r.stdout) as Json;
      assert.equal(j.summary.result, "fail");
      assert.deepEqual(found(j), [
        ["resource-coverage", "ingress", "mandatory"],
        ["resource-coverage", "shop", "mandatory"],
      ]);
      assert.equal(j.violations[0]?.message, releaseMessage);
      assert.match(j.violations[1]?.message ?? "", /^'shop' \(kubernetes:helm\.sh\/v4:Chart\): is a Helm v4 chart with no children in the stack, .*`readiness check --rendered shop=<file\|dir>`/);
      // The runner's note says why offline (and points to --rendered); the verdict is the gate's.
      assert.deepEqual(j.notes.filter((n) => n.includes("cannot be rendered offline")).length, 1, j.notes.join("\n"));
      assert.ok(j.notes.some((n) => n.includes("--rendered shop=<file|dir>")), j.notes.join("\n"));
    });

    it("with --rendered shop=<file>: the chart's Deployment, Service and PVC are its children, every gate checks them, and the chart is no longer reported", () => {
      const r = check([...charts("charts-config.json"), "--rendered", "shop=rendered/shop.yaml"], dir);
      assert.equal(r.code, 1, r.stderr);
      const j = JSON.parse(r.stdout) as Json;
      assert.equal(j.summary.resources, 8, "5 of the program, 3 rendered (the empty document is skipped)");
      assert.deepEqual(found(j), [
        ["resource-coverage", "ingress", "mandatory"],
        ["resource-coverage", "shop:shop/shop-data", "mandatory"],
        ["workload-resource-limits", "shop:shop/shop-web", "mandatory"],
      ]);
      assert.equal(
        j.violations[1]?.message,
        "'shop:shop/shop-data' (kubernetes:core/v1:PersistentVolumeClaim): holds data, but no gate of the pack knows its type, so nothing checks its location, encryption or retention. Fix: accept the type in resource-coverage's acceptOpaque with the reason it is safe ({\"type\": \"kubernetes:core/v1:PersistentVolumeClaim\", \"reason\": <why>}), or waive this resource with a justification (README \"Waivers\").",
      );
      assert.match(j.violations[2]?.message ?? "", /^'shop:shop\/shop-web' \(kubernetes:apps\/v1:Deployment\): container 'web' has no resources\.limits\.cpu, resources\.limits\.memory/);
      assert.ok(!j.notes.some((n) => n.includes("cannot be rendered offline")), j.notes.join("\n"));
      assert.ok(j.notes.includes("--rendered shop=rendered/shop.yaml: 3 object(s) checked as the children of 'shop' (kubernetes:helm.sh/v4:Chart)."), j.notes.join("\n"));
    });

    it("with --rendered shop=<dir> (helm template --output-dir) and the Release and PVCs accepted with reasons: ready, exit 0", () => {
      const r = check([...charts("charts-accept-config.json"), "--rendered", "shop=rendered/shop"], dir);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const j = JSON.parse(r.stdout) as Json;
      assert.deepEqual([j.summary.result, j.summary.resources, j.violations.length], ["pass", 8, 0]);
    });

    it("bad --rendered input is exit 2 with one line naming what, where and the fix", () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "readiness-rendered-"));
      const bad = path.join(tmp, "bad.yaml");
      fs.writeFileSync(bad, "---\n# Source: a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# Source: b.yaml\napiVersion: v1\nkind: Service\nmetadata: {name: x\n  labels: 1\n");
      const noName = path.join(tmp, "no-name.yaml");
      fs.writeFileSync(noName, "---\n# Source: empty.yaml\n---\napiVersion: v1\nkind: Service\nmetadata:\n  labels: {}\n");
      const cases: [string, string][] = [
        [`shop=${bad}`, `readiness: --rendered: ${bad}, document 2: not valid YAML (missed comma between flow collection entries at line 12). Fix: pass the unmodified output of \`helm template <release> <chart>\` (or \`--output-dir\`).\n`],
        [`shop=${noName}`, `readiness: --rendered: ${noName}, document 2: a Kubernetes object without metadata.name. Fix: every object needs apiVersion, kind and metadata.name (as \`helm template\` prints them).\n`],
        ["shop", "readiness: --rendered shop: expected <chart>=<file|dir>. Fix: name the chart resource (its Pulumi name) and the `helm template` output, e.g. --rendered cache=rendered/cache.yaml.\n"],
        ["shops=rendered/shop.yaml", "readiness: --rendered shops=rendered/shop.yaml: no chart named 'shops' in the stack (charts: shop, ingress). Fix: use the Pulumi name of a Helm chart, Helm v3 Release, yaml ConfigGroup/ConfigFile or kustomize Directory of the program.\n"],
      ];
      for (const [arg, stderr] of cases) {
        const r = check(["--rendered", arg], dir);
        assert.equal(r.code, 2, `${arg}: ${r.stdout}`);
        assert.equal(r.stderr, stderr);
      }
    });
  });

  it("outside any Pulumi project is exit 2 with one line", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "readiness-noproject-"));
    const r = check([], dir);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, "readiness: .: no Pulumi.yaml here or in any parent directory. Fix: run from your Pulumi project, or pass --cwd <project dir>.\n");
  });
});

describe("project resolution (cli/project, cli/ts-host)", () => {
  it("finds Pulumi.yaml upwards and resolves main, package.json main, then index.ts", () => {
    assert.equal(findProjectDir(path.join(PROJECTS, "helm", "src")), path.join(PROJECTS, "helm"));
    assert.equal(programOf(readProject(path.join(PROJECTS, "helm"))), path.join(PROJECTS, "helm", "src", "index.js"));
    assert.equal(programOf(readProject(path.join(PROJECTS, "multi-file"))), path.join(PROJECTS, "multi-file", "index.ts"));
    assert.equal(programOf(readProject(ROOT)), path.join(ROOT, "build", "stacks", "index.js"), "this package's own main: the compiled stack");
    assert.equal(selectStack(readProject(path.join(PROJECTS, "throwing")), "prod"), "prod");
  });

  it("type-checks unless PULUMI_NODEJS_TRANSPILE_ONLY says otherwise or the tsconfig has noCheck", () => {
    const ts = require("typescript") as typeof import("typescript");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "readiness-tsconfig-"));
    assert.equal(tsSetup(ts, dir, {}).transpileOnly, false);
    assert.equal(tsSetup(ts, dir, { PULUMI_NODEJS_TRANSPILE_ONLY: "true" }).transpileOnly, true);
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { noCheck: true } }));
    assert.equal(tsSetup(ts, dir, {}).transpileOnly, true);
    assert.equal(tsSetup(ts, dir, { PULUMI_NODEJS_TRANSPILE_ONLY: "false" }).transpileOnly, false);
  });

  it("answers a provider function with its result type's fields unknown, when the provider SDK is there", () => {
    assert.deepEqual(parseInvokeToken("gcp:compute/getZones:getZones"), { pkg: "gcp", module: "compute", fn: "getZones" });
    assert.deepEqual(parseInvokeToken("kubernetes:index:someFn"), { pkg: "kubernetes", module: "", fn: "someFn" });
    assert.deepEqual(invokePlaceholder("gcp:compute/getZones:getZones", ROOT, "?"), { id: "?", names: "?", project: "?", region: "?", status: "?" });
    assert.equal(invokePlaceholder("docker:index/getRegistryImage:getRegistryImage", ROOT, "?"), undefined, "no @pulumi/docker here");
    assert.equal(invokePlaceholder("not a token", ROOT, "?"), undefined);
  });

  it("finds the program's own frame in a stack trace", () => {
    const stack = ["Error: x", "    at f (/p/node_modules/@pulumi/pulumi/config.js:1:1)", "    at Object.<anonymous> (/p/src/index.ts:12:5)"].join("\n");
    assert.equal(programFrame(stack, "/p"), path.join("src", "index.ts") + ":12:5");
    assert.equal(programFrame(stack, "/q"), undefined);
  });
});

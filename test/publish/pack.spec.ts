/**
 * The published pack: `npm pack` in policypack/ gives the tarball `pulumi policy publish` uploads.
 * Unpacked into an empty directory and installed with `npm install --omit=dev` (as Pulumi Cloud
 * does), it must start the way the CLI starts it and announce every policy with its metadata.
 */
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AnalyzerProcess } from "../../cli/analyzer-client";
import { GATES } from "../../policypack/src/catalog";
import { RULES } from "../../policypack/src/gates";

const ROOT = path.resolve(__dirname, "../../..");
const PACK = path.join(ROOT, "policypack");

function dirSize(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += dirSize(p);
    else if (e.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

describe("publishable pack (npm pack → npm install --omit=dev → launch)", function () {
  this.timeout(240_000);
  let tmp: string;
  let installed: string;
  let files: string[];

  before(function () {
    assert.ok(fs.existsSync(path.join(PACK, "bin/index.js")), "run `npm run build` first");
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rg-publish-"));
    const out = execFileSync("npm", ["pack", "--json", "--pack-destination", tmp], { cwd: PACK, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    const info = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    files = (info[0]?.files ?? []).map((f) => f.path);
    installed = path.join(tmp, "installed");
    fs.mkdirSync(installed);
    execFileSync("tar", ["xzf", path.join(tmp, info[0]?.filename ?? ""), "-C", installed, "--strip-components=1"]);
    // As the Pulumi CLI installs a downloaded pack (pkg/backend/httpstate/policypack.go, installRequiredPolicy →
    // the Node.js language host's InstallDependencies: `npm install` in the unpacked directory), which
    // honours the npm-shrinkwrap.json the tarball ships.
    execFileSync("npm", ["install", "--omit=dev", "--no-audit", "--no-fund", "--prefer-offline"], {
      cwd: installed,
      stdio: "ignore",
    });
  });

  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("ships compiled JS, the pack manifest, configs and docs, and no sources", () => {
    for (const f of ["bin/index.js", "PulumiPolicy.yaml", "README.md", "CHANGELOG.md", "package.json", "npm-shrinkwrap.json", "config/production.json", "config/staging.json"]) {
      assert.ok(files.includes(f), `${f} missing from the tarball`);
    }
    assert.ok(!files.some((f) => f.startsWith("src/") || f === "tsconfig.json" || f.endsWith(".ts")), files.join(", "));
    const pkg = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as { main: string; version: string; devDependencies?: object };
    assert.equal(pkg.main, "bin/index.js");
    assert.match(pkg.version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
    assert.equal(pkg.devDependencies, undefined);
  });

  it("installs exactly the dependency tree its npm-shrinkwrap.json pins (the fast AnalyzeStack path hooks into @grpc/grpc-js)", () => {
    const shrinkwrap = JSON.parse(fs.readFileSync(path.join(PACK, "npm-shrinkwrap.json"), "utf8")) as {
      packages: Record<string, { version?: string; dependencies?: Record<string, string> }>;
    };
    const pkg = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    assert.deepEqual(shrinkwrap.packages[""]?.dependencies, pkg.dependencies, "npm-shrinkwrap.json is stale: run `npm install --package-lock-only` in policypack/ and rename");
    const rootLock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as typeof shrinkwrap;
    const grpc = "node_modules/@grpc/grpc-js";
    assert.equal(shrinkwrap.packages[grpc]?.version, rootLock.packages[grpc]?.version, "the pack pins the grpc-js the suite tests");
    let mismatched = 0;
    for (const [key, entry] of Object.entries(shrinkwrap.packages)) {
      if (key === "" || !entry.version) continue;
      const file = path.join(installed, key, "package.json");
      assert.ok(fs.existsSync(file), `${key} not installed`);
      // @pulumi/policy writes its own version as "v1.21.0".
      const version = (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version.replace(/^v/, "");
      if (version !== entry.version) mismatched++;
    }
    assert.equal(mismatched, 0, "installed versions differ from npm-shrinkwrap.json");
  });

  it("starts as the CLI starts it, announces every policy with metadata, and validates config", async () => {
    const pack = await AnalyzerProcess.launch(installed);
    try {
      const info = await pack.getAnalyzerInfo();
      assert.equal(info.name, "readiness-guard");
      assert.deepEqual(info.policies.map((p) => p.name).sort(), RULES.map((r) => r.gate as string).sort());
      for (const p of info.policies) {
        assert.ok(p.displayName && p.description && p.remediationSteps && p.url && p.severity > 0, p.name);
        assert.ok(p.framework?.reference, p.name);
        assert.ok(p.tags.length > 0, p.name);
        assert.ok(p.configSchema && "waivers" in p.configSchema.properties, p.name);
        // What Pulumi Cloud shows: the checklist lines the gate enforces, its area and services, and the defaults the CLI fills.
        const gate = GATES.find((g) => g.name === p.name);
        const rule = RULES.find((r) => r.gate === p.name);
        assert.ok(gate && rule, p.name);
        const reference = gate.sources.length > 0 ? gate.sources.map((src) => `${src.seed} ${src.section}: ${src.line}`).join("; ") : "all checklists: no line of its own";
        assert.equal(p.framework?.reference, reference, p.name);
        assert.ok(p.tags.includes(gate.area), `${p.name} tags ${p.tags.join(", ")}`);
        const properties = p.configSchema.properties as Record<string, { default?: unknown }>;
        for (const [k, v] of Object.entries(rule.settings.parse({}) as Record<string, unknown>)) {
          assert.deepEqual(properties[k]?.default, v, `${p.name}.${k}: the schema's default is the pack's default`);
        }
      }
      const shipped = JSON.parse(fs.readFileSync(path.join(installed, "config/production.json"), "utf8")) as Record<string, { enforcementLevel?: "mandatory" }>;
      await pack.configure(shipped);
      await assert.rejects(pack.configure({ ...shipped, "cloudsql-hardening": { enforcementLevel: "mandatory", minTier: "huge" } }), /cloudsql-hardening\.minTier: must be a Cloud SQL tier/);
      const sizeMb = dirSize(installed) / 1024 / 1024;
      console.log(`      installed size ${sizeMb.toFixed(1)} MiB, cold start to port ${pack.startMs.toFixed(0)} ms`);
    } finally {
      await pack.close();
    }
  });

  it("follows the versioning rule: a changelog entry for this version introducing every gate", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8")) as { version: string };
    const changelog = fs.readFileSync(path.join(PACK, "CHANGELOG.md"), "utf8");
    assert.ok(changelog.includes(`\n## ${pkg.version}\n`), `CHANGELOG.md has no entry for ${pkg.version}`);
    for (const g of GATES) assert.ok(changelog.includes(`\`${g.name}\``), `no changelog entry introduces ${g.name}`);
  });
});

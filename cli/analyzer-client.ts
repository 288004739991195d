/**
 * Launches a policy pack exactly as the Pulumi CLI does and drives it over the Analyzer gRPC
 * protocol: `node <@pulumi/pulumi/cmd/run-policy-pack> <engine-address> .` with the pack directory
 * as cwd, the port read from the first stdout line.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as analyzerRpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import * as pluginPb from "@pulumi/pulumi/proto/plugin_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { ENGINE_RESPONSE_LIMIT } from "../policypack/src/engine/bound";

export type Level = "advisory" | "mandatory" | "disabled" | "remediate";

const LEVELS: Readonly<Record<number, Level>> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const LEVEL_NUM: Readonly<Record<Level, number>> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

export interface WireResource {
  type: string;
  urn: string;
  name: string;
  /** Props as the engine sends them (unknowns as sentinel strings). */
  properties: Record<string, unknown>;
  provider?: { type: string; urn: string; name: string; properties: Record<string, unknown> };
  protect?: boolean;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

export interface Diagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  description: string;
  message: string;
  enforcementLevel: Level;
  urn: string;
  severity: number;
}

export interface PolicyInfoJson {
  name: string;
  displayName: string;
  description: string;
  enforcementLevel: Level;
  policyType: number;
  severity: number;
  tags: string[];
  remediationSteps: string;
  url: string;
  framework?: { name: string; version: string; reference: string; specification: string };
  configSchema?: { properties: Record<string, unknown>; required: string[] };
}

export interface AnalyzerInfoJson {
  name: string;
  version: string;
  description: string;
  supportsConfig: boolean;
  policies: PolicyInfoJson[];
}

type Client = InstanceType<typeof analyzerRpc.AnalyzerClient>;

function struct(o: Record<string, unknown>): Struct {
  return Struct.fromJavaScript(o as Parameters<typeof Struct.fromJavaScript>[0]);
}

function call<Req, Res>(fn: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => {
    fn(req, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

function diagnostics(res: analyzerPb.AnalyzeResponse): Diagnostic[] {
  return res.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    policyPackName: d.getPolicypackname(),
    policyPackVersion: d.getPolicypackversion(),
    description: d.getDescription(),
    message: d.getMessage(),
    enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
    urn: d.getUrn(),
    severity: d.getSeverity(),
  }));
}

function options(r: WireResource): analyzerPb.AnalyzerResourceOptions {
  const o = new analyzerPb.AnalyzerResourceOptions();
  o.setProtect(r.protect === true);
  o.setCustomtimeouts(new analyzerPb.AnalyzerResourceOptions.CustomTimeouts());
  if (r.parent) o.setParent(r.parent);
  return o;
}

function provider(r: WireResource): analyzerPb.AnalyzerProviderResource | undefined {
  if (!r.provider) return undefined;
  const p = new analyzerPb.AnalyzerProviderResource();
  p.setType(r.provider.type);
  p.setUrn(r.provider.urn);
  p.setName(r.provider.name);
  p.setProperties(struct(r.provider.properties));
  return p;
}

export interface LaunchOptions {
  /** Extra environment (PULUMI_CONFIG etc.). */
  env?: NodeJS.ProcessEnv;
  /** How long to wait for the port line. */
  timeoutMs?: number;
}

export class AnalyzerProcess {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    private readonly client: Client,
    readonly startMs: number,
    private readonly stderr: () => string,
  ) {}

  /** Starts the pack in `packDir` the way the Pulumi CLI does and waits for its port. */
  static launch(packDir: string, opts: LaunchOptions = {}): Promise<AnalyzerProcess> {
    const t0 = process.hrtime.bigint();
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [path.resolve(packDir)] });
    const child = spawn(process.execPath, [runner, "127.0.0.1:1", "."], {
      cwd: packDir,
      env: { ...process.env, ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
    });
    return new Promise((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error(`policy pack did not print its port within ${opts.timeoutMs ?? 30_000} ms: ${err.trim()}`));
      }, opts.timeoutMs ?? 30_000);
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const nl = out.indexOf("\n");
        if (nl < 0) return;
        clearTimeout(timer);
        child.stdout?.removeAllListeners("data");
        child.stdout?.resume();
        const port = Number(out.slice(0, nl).trim());
        if (!Number.isInteger(port) || port <= 0) {
          child.kill();
          reject(new Error(`policy pack printed '${out.slice(0, nl)}' instead of a port`));
          return;
        }
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        const client = new analyzerRpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
          // What the engine side accepts from a pack: the Node.js language host dials the pack with grpc.NewClient and
          // no size option (pulumi/pulumi sdk/policy_proxy.go), so gRPC's default 4 MiB receive limit applies.
          "grpc.max_receive_message_length": ENGINE_RESPONSE_LIMIT,
          "grpc.max_send_message_length": 512 * 1024 * 1024,
        });
        resolve(new AnalyzerProcess(child, port, client, ms, () => err));
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`policy pack exited with code ${code} before printing its port: ${err.trim()}`));
      });
    });
  }

  stderrText(): string {
    return this.stderr();
  }

  async getAnalyzerInfo(): Promise<AnalyzerInfoJson> {
    const info = await call<Empty, analyzerPb.AnalyzerInfo>(this.client.getAnalyzerInfo.bind(this.client), new Empty());
    return {
      name: info.getName(),
      version: info.getVersion(),
      description: info.getDescription(),
      supportsConfig: info.getSupportsconfig(),
      policies: info.getPoliciesList().map((p) => {
        const fw = p.getFramework();
        const cs = p.getConfigschema();
        return {
          name: p.getName(),
          displayName: p.getDisplayname(),
          description: p.getDescription(),
          enforcementLevel: LEVELS[p.getEnforcementlevel()] ?? "advisory",
          policyType: p.getPolicyType(),
          severity: p.getSeverity(),
          tags: p.getTagsList(),
          remediationSteps: p.getRemediationSteps(),
          url: p.getUrl(),
          framework: fw
            ? { name: fw.getName(), version: fw.getVersion(), reference: fw.getReference(), specification: fw.getSpecification() }
            : undefined,
          configSchema: cs
            ? { properties: (cs.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>, required: cs.getRequiredList() }
            : undefined,
        };
      }),
    };
  }

  async getPluginInfo(): Promise<string> {
    const info = await call<Empty, pluginPb.PluginInfo>(this.client.getPluginInfo.bind(this.client), new Empty());
    return info.getVersion();
  }

  /**
   * Configure, as the CLI sends it: every policy gets an entry with its level and properties
   * (a PolicyConfig without properties crashes the SDK, so properties are always set).
   */
  async configure(config: Record<string, { enforcementLevel?: Level; [k: string]: unknown }>): Promise<void> {
    const req = new analyzerPb.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const [name, entry] of Object.entries(config)) {
      const { enforcementLevel, ...props } = entry;
      const pc = new analyzerPb.PolicyConfig();
      pc.setEnforcementlevel(LEVEL_NUM[enforcementLevel ?? "mandatory"]);
      pc.setProperties(struct(props));
      map.set(name, pc);
    }
    await call<analyzerPb.ConfigureAnalyzerRequest, Empty>(this.client.configure.bind(this.client), req);
  }

  async analyze(r: WireResource): Promise<Diagnostic[]> {
    const req = new analyzerPb.AnalyzeRequest();
    req.setType(r.type);
    req.setUrn(r.urn);
    req.setName(r.name);
    req.setProperties(struct(r.properties));
    req.setOptions(options(r));
    const p = provider(r);
    if (p) req.setProvider(p);
    const res = await call<analyzerPb.AnalyzeRequest, analyzerPb.AnalyzeResponse>(this.client.analyze.bind(this.client), req);
    return diagnostics(res).map((d) => ({ ...d, urn: d.urn || r.urn }));
  }

  async analyzeStack(resources: readonly WireResource[]): Promise<Diagnostic[]> {
    const req = new analyzerPb.AnalyzeStackRequest();
    req.setResourcesList(
      resources.map((r) => {
        const ar = new analyzerPb.AnalyzerResource();
        ar.setType(r.type);
        ar.setUrn(r.urn);
        ar.setName(r.name);
        ar.setProperties(struct(r.properties));
        ar.setOptions(options(r));
        const p = provider(r);
        if (p) ar.setProvider(p);
        if (r.parent) ar.setParent(r.parent);
        ar.setDependenciesList(r.dependencies ?? []);
        const pd = ar.getPropertydependenciesMap();
        for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
          const deps = new analyzerPb.AnalyzerPropertyDependencies();
          deps.setUrnsList(urns);
          pd.set(k, deps);
        }
        return ar;
      }),
    );
    const res = await call<analyzerPb.AnalyzeStackRequest, analyzerPb.AnalyzeResponse>(this.client.analyzeStack.bind(this.client), req);
    return diagnostics(res);
  }

  async close(): Promise<void> {
    this.client.close();
    if (this.child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.kill("SIGTERM");
      setTimeout(() => {
        this.child.kill("SIGKILL");
        resolve();
      }, 2000).unref();
    });
  }
}

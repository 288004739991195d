/**
 * The Analyzer protocol as the Pulumi engine speaks it, with requests encoded before the clock
 * starts: the benchmark times the pack (transfer, decoding, policies, response), not the
 * JavaScript protobuf encoder of the client (the real engine encodes in Go).
 */
import * as grpc from "@grpc/grpc-js";
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import type { ResourceInput } from "../policypack/src/access/resource";

type Json = Parameters<typeof Struct.fromJavaScript>[0];

function struct(o: Readonly<Record<string, unknown>>): Struct {
  return Struct.fromJavaScript(o as Json);
}

function options(r: ResourceInput): analyzerPb.AnalyzerResourceOptions {
  const o = new analyzerPb.AnalyzerResourceOptions();
  o.setProtect(r.opts?.protect === true);
  o.setCustomtimeouts(new analyzerPb.AnalyzerResourceOptions.CustomTimeouts());
  if (r.parent) o.setParent(r.parent);
  return o;
}

const providerCache = new WeakMap<object, analyzerPb.AnalyzerProviderResource>();

function provider(r: ResourceInput): analyzerPb.AnalyzerProviderResource | undefined {
  const p = r.provider;
  if (!p) return undefined;
  let msg = providerCache.get(p);
  if (!msg) {
    msg = new analyzerPb.AnalyzerProviderResource();
    msg.setType(p.type);
    msg.setUrn(p.urn ?? "");
    msg.setName(p.name ?? "");
    msg.setProperties(struct(p.props));
    providerCache.set(p, msg);
  }
  return msg;
}

/** One Analyze request (a resource's inputs), encoded. */
export function encodeAnalyze(r: ResourceInput): Uint8Array {
  const req = new analyzerPb.AnalyzeRequest();
  req.setType(r.type);
  req.setUrn(r.urn);
  req.setName(r.name);
  req.setProperties(struct(r.props));
  req.setOptions(options(r));
  const p = provider(r);
  if (p) req.setProvider(p);
  return req.serializeBinary();
}

/** One AnalyzeStack request (every resource's outputs, parents and dependencies), encoded. */
export function encodeAnalyzeStack(resources: readonly ResourceInput[]): Uint8Array {
  const req = new analyzerPb.AnalyzeStackRequest();
  req.setResourcesList(
    resources.map((r) => {
      const ar = new analyzerPb.AnalyzerResource();
      ar.setType(r.type);
      ar.setUrn(r.urn);
      ar.setName(r.name);
      ar.setProperties(struct(r.props));
      ar.setOptions(options(r));
      const p = provider(r);
      if (p) ar.setProvider(p);
      if (r.parent) ar.setParent(r.parent);
      ar.setDependenciesList([...(r.dependencies ?? [])]);
      const pd = ar.getPropertydependenciesMap();
      for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
        const deps = new analyzerPb.AnalyzerPropertyDependencies();
        deps.setUrnsList([...urns]);
        pd.set(k, deps);
      }
      return ar;
    }),
  );
  return req.serializeBinary();
}

export interface Diag {
  readonly policyName: string;
  readonly enforcementLevel: number;
  readonly message: string;
  readonly urn: string;
}

function diags(res: analyzerPb.AnalyzeResponse): Diag[] {
  return res.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    enforcementLevel: d.getEnforcementlevel(),
    message: d.getMessage(),
    urn: d.getUrn(),
  }));
}

const identity = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** A raw client over pre-encoded requests. */
export class RawAnalyzer {
  private readonly client: grpc.Client;

  constructor(port: number) {
    this.client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 1024 * 1024 * 1024,
      "grpc.max_send_message_length": 1024 * 1024 * 1024,
    });
  }

  private unary<Res>(method: string, body: Uint8Array, decode: (b: Buffer) => Res): Promise<Res> {
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(method, identity, decode, body, (err: grpc.ServiceError | null, res?: Res) =>
        err || res === undefined ? reject(err ?? new Error(`${method}: no response`)) : resolve(res),
      );
    });
  }

  analyze(body: Uint8Array): Promise<Diag[]> {
    return this.unary("/pulumirpc.Analyzer/Analyze", body, (b) => diags(analyzerPb.AnalyzeResponse.deserializeBinary(b)));
  }

  analyzeStack(body: Uint8Array): Promise<Diag[]> {
    return this.unary("/pulumirpc.Analyzer/AnalyzeStack", body, (b) => diags(analyzerPb.AnalyzeResponse.deserializeBinary(b)));
  }

  /** AnalyzeStack, answering the encoded response's size in bytes and its diagnostic count. */
  analyzeStackSize(body: Uint8Array): Promise<{ bytes: number; diagnostics: number }> {
    return this.unary("/pulumirpc.Analyzer/AnalyzeStack", body, (b) => ({ bytes: b.length, diagnostics: analyzerPb.AnalyzeResponse.deserializeBinary(b).getDiagnosticsList().length }));
  }

  /** Configure as the CLI sends it: every policy with its level and properties. */
  configure(config: Readonly<Record<string, Readonly<Record<string, unknown>>>>): Promise<void> {
    const req = new analyzerPb.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    const levels: Readonly<Record<string, number>> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };
    for (const [name, entry] of Object.entries(config)) {
      const { enforcementLevel, ...props } = entry;
      const pc = new analyzerPb.PolicyConfig();
      pc.setEnforcementlevel(levels[String(enforcementLevel ?? "mandatory")] ?? 1);
      pc.setProperties(struct(props));
      map.set(name, pc);
    }
    return this.unary("/pulumirpc.Analyzer/Configure", req.serializeBinary(), () => new Empty()).then(() => undefined);
  }

  close(): void {
    this.client.close();
  }
}

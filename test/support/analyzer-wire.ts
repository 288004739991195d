/**
 * Analyzer requests encoded by google-protobuf (@pulumi/pulumi/proto/analyzer_pb), as the engine's
 * Go encoder would send them: the reference the fast path's hand-written decoder is tested against.
 */
import * as analyzerPb from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { ResourceInput } from "../../policypack/src/access/resource";

type JsObject = Parameters<typeof Struct.fromJavaScript>[0];

/** An AnalyzeStackRequest for `resources`. */
export function encodeStackRequest(resources: readonly ResourceInput[]): Buffer {
  const req = new analyzerPb.AnalyzeStackRequest();
  req.setResourcesList(
    resources.map((r) => {
      const ar = new analyzerPb.AnalyzerResource();
      ar.setType(r.type);
      ar.setUrn(r.urn);
      ar.setName(r.name);
      ar.setProperties(Struct.fromJavaScript(r.props as JsObject));
      const o = new analyzerPb.AnalyzerResourceOptions();
      o.setProtect(r.opts?.protect === true);
      o.setIgnorechangesList(["x"]);
      if (r.opts?.parent) o.setParent(r.opts.parent);
      ar.setOptions(o);
      if (r.provider) {
        const p = new analyzerPb.AnalyzerProviderResource();
        p.setType(r.provider.type);
        p.setUrn(r.provider.urn ?? "");
        p.setName(r.provider.name ?? "");
        p.setProperties(Struct.fromJavaScript(r.provider.props as JsObject));
        ar.setProvider(p);
      }
      if (r.parent) ar.setParent(r.parent);
      ar.setDependenciesList([...(r.dependencies ?? [])]);
      for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
        const d = new analyzerPb.AnalyzerPropertyDependencies();
        d.setUrnsList([...urns]);
        ar.getPropertydependenciesMap().set(k, d);
      }
      return ar;
    }),
  );
  return Buffer.from(req.serializeBinary());
}

const LEVELS = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 } as const;
export type LevelName = keyof typeof LEVELS;

/** A ConfigureAnalyzerRequest: per policy, its level and its settings (as the CLI sends a policy config file). */
export function encodeConfigureRequest(config: Readonly<Record<string, { readonly level: LevelName; readonly settings: Readonly<Record<string, unknown>> }>>): Buffer {
  const req = new analyzerPb.ConfigureAnalyzerRequest();
  const map = req.getPolicyconfigMap();
  for (const [name, { level, settings }] of Object.entries(config)) {
    const pc = new analyzerPb.PolicyConfig();
    pc.setEnforcementlevel(LEVELS[level]);
    pc.setProperties(Struct.fromJavaScript(settings as JsObject));
    map.set(name, pc);
  }
  return Buffer.from(req.serializeBinary());
}

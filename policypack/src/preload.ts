/**
 * keeps the policy SDK from loading closure serialization at start.
 *
 * @pulumi/policy/deserialize.js requires the whole @pulumi/pulumi index, whose runtime/index.js
 * requires runtime/closure/codePaths.js, which loads @npmcli/arborist, pacote, sigstore, tar...
 * (about 0.45 s of the pack's cold start) for `computeCodePaths`, used only to serialize a
 * function's closure: a policy pack never does. Registering a stub for that one module before the
 * SDK loads skips all of it. Import this module first, before @pulumi/policy.
 */
import Module = require("node:module");

function unavailable(): never {
  throw new Error("closure serialization (computeCodePaths) is not available inside the readiness-guard policy pack");
}

/** Registers the stub; returns false (and changes nothing) when the SDK's layout is not the expected one. */
export function skipClosureSerialization(): boolean {
  let file: string;
  try {
    const sdk = require.resolve("@pulumi/policy");
    file = require.resolve("@pulumi/pulumi/runtime/closure/codePaths.js", { paths: [sdk] });
  } catch {
    return false;
  }
  const cache = require.cache as Record<string, NodeModule | undefined>;
  if (cache[file]) return false;
  const m = new Module(file) as NodeModule & { filename: string; loaded: boolean };
  m.filename = file;
  m.loaded = true;
  m.exports = { computeCodePaths: unavailable, findWorkspaceRoot: unavailable };
  cache[file] = m;
  return true;
}

skipClosureSerialization();

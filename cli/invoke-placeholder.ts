/**
 * Placeholders for provider functions (invokes) that cannot run offline. The function's result
 * type is read from the provider SDK the program uses (`@pulumi/<pkg>/<module>/<fn>.d.ts`,
 * `interface <Fn>Result`, as the provider's schema generates it), and every field of it is answered
 * with the engine's unknown value, as a preview answers a lookup whose inputs are unknown: the
 * program's `apply`s on it do not run, and what is built from it is unknown to the gates, instead
 * of `undefined` that crashes the program. Without a readable result type the answer is `{}`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as TS from "typescript";

/** "gcp:compute/getZones:getZones" → {pkg: "gcp", module: "compute", fn: "getZones"}; index module → "". */
export function parseInvokeToken(token: string): { pkg: string; module: string; fn: string } | undefined {
  const m = /^([a-z0-9-]+):([^:]*):([A-Za-z0-9_]+)$/.exec(token);
  if (!m) return undefined;
  const pkg = m[1] as string;
  const mod = (m[2] as string).split("/")[0] ?? "";
  const fn = m[3] as string;
  return { pkg, module: mod === "index" ? "" : mod, fn };
}

function loadTs(from: string): typeof TS | undefined {
  try {
    return require(require.resolve("typescript", { paths: [from] })) as typeof TS;
  } catch {
    try {
      return require("typescript") as typeof TS;
    } catch {
      return undefined;
    }
  }
}

/** The field names of a provider function's result, from the provider SDK reachable from `from`. */
export function resultFields(token: string, from: string): string[] | undefined {
  const t = parseInvokeToken(token);
  if (!t) return undefined;
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve(`@pulumi/${t.pkg}/package.json`, { paths: [from, __dirname] }));
  } catch {
    return undefined;
  }
  const file = path.join(pkgDir, t.module, `${t.fn}.d.ts`);
  if (!fs.existsSync(file)) return undefined;
  const ts = loadTs(from);
  if (!ts) return undefined;
  const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2020, false);
  const name = `${t.fn.charAt(0).toUpperCase()}${t.fn.slice(1)}Result`;
  for (const st of source.statements) {
    if (!ts.isInterfaceDeclaration(st) || st.name.text !== name) continue;
    return st.members.filter(ts.isPropertySignature).map((p) => (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) ? p.name.text : "")).filter((n) => n !== "");
  }
  return undefined;
}

/** The answer to an unanswerable function: each result field unknown, or undefined when its type is not known. */
export function invokePlaceholder(token: string, from: string, unknown: string): Record<string, unknown> | undefined {
  const fields = resultFields(token, from);
  if (!fields || fields.length === 0) return undefined;
  return Object.fromEntries(fields.map((f) => [f, unknown]));
}

/**
 * Preloaded into the pack process (NODE_OPTIONS=--require) by the benchmark: attributes the time
 * spent loading modules to the component that pulled them in, and writes the breakdown to
 * $BENCH_REQUIRE_OUT when the pack prints its port (its first stdout write).
 *
 * Each module's own load time (minus its children) goes to the innermost enclosing "marker"
 * module: run-policy-pack, typescript/ts-node, the full @pulumi/pulumi index, @pulumi/policy, zod,
 * libpg-query, the pack's own modules.
 */
import * as fs from "node:fs";
import Module = require("node:module");
import { performance } from "node:perf_hooks";

interface Frame {
  readonly group: string | undefined;
  child: number;
}

const MARKERS: readonly (readonly [RegExp, string])[] = [
  [/node_modules\/(typescript|ts-node)\//, "typescript + ts-node (run-policy-pack registers ts-node for every pack)"],
  [/node_modules\/@pulumi\/pulumi\/index\.js$/, "@pulumi/pulumi full index (required by @pulumi/policy/deserialize)"],
  [/node_modules\/zod\//, "zod (policy settings schemas)"],
  [/node_modules\/libpg-query\//, "libpg-query (SQL parser)"],
  [/node_modules\/@pulumi\/policy\//, "@pulumi/policy"],
  [/\/policypack\/bin\/|\/build\/policypack\/src\/|\/build\/bench\/baseline\//, "the pack's own modules"],
  [/node_modules\/@pulumi\/pulumi\/cmd\/run-policy-pack\//, "run-policy-pack + SDK runtime (grpc, log, settings)"],
];

function groupOf(file: string): string | undefined {
  for (const [re, g] of MARKERS) if (re.test(file)) return g;
  return undefined;
}

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;
const mod = Module as unknown as {
  _load: Load;
  _resolveFilename(request: string, parent: unknown, isMain: boolean): string;
  _cache: Record<string, unknown>;
};
const orig = mod._load;
const stack: Frame[] = [];
const totals = new Map<string, number>();
const preloadAt = performance.now();

mod._load = function (this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
  let file: string;
  try {
    file = mod._resolveFilename(request, parent, isMain);
  } catch {
    return orig.call(this, request, parent, isMain);
  }
  if (mod._cache[file] || !file.includes("/")) return orig.call(this, request, parent, isMain);
  const inherited = stack.length > 0 ? stack[stack.length - 1]?.group : undefined;
  const frame: Frame = { group: groupOf(file) ?? inherited, child: 0 };
  stack.push(frame);
  const t0 = performance.now();
  try {
    return orig.call(this, request, parent, isMain);
  } finally {
    const total = performance.now() - t0;
    stack.pop();
    const parentFrame = stack[stack.length - 1];
    if (parentFrame) parentFrame.child += total;
    const g = frame.group ?? "other modules";
    totals.set(g, (totals.get(g) ?? 0) + total - frame.child);
  }
};

const write = process.stdout.write.bind(process.stdout);
let done = false;
process.stdout.write = function (chunk: unknown, ...rest: unknown[]): boolean {
  if (!done && process.env["BENCH_REQUIRE_OUT"]) {
    done = true;
    const readyAt = performance.now();
    const loading = [...totals.values()].reduce((a, b) => a + b, 0);
    fs.writeFileSync(
      process.env["BENCH_REQUIRE_OUT"],
      JSON.stringify({
        nodeBootMs: preloadAt,
        readyMs: readyAt,
        moduleLoadingMs: loading,
        otherWorkMs: readyAt - preloadAt - loading,
        groups: Object.fromEntries([...totals.entries()].sort(([, a], [, b]) => b - a)),
      }),
    );
  }
  return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
} as typeof process.stdout.write;

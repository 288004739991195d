/**
 * `readiness check --rendered <chart>=<file|dir>`: the output of `helm template` (or any rendered
 * manifests) for a chart of the program, checked as that chart's children.
 *
 * Offline, a Helm chart cannot be rendered (no helm binary, no chart repository), so its objects
 * are not in the stack and resource-coverage reports the chart. With --rendered, each object of
 * the given files becomes a resource parented to the chart, with the type token of its
 * apiVersion/kind and the name the yaml/v2 provider gives it (`<chart>:<namespace>/<name>`, see
 * `childrenOf` in mock-run.ts), so every gate checks it and the chart has its children.
 *
 * Input: a file, or a directory whose *.yaml / *.yml files (recursively, in path order) are read,
 * as `helm template` prints them or writes them with --output-dir: multi-document YAML with
 * `# Source:` comments and empty documents. Bad input is an InputError naming the file and the
 * document number.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { isRecord } from "../policypack/src/access/values";
import { CHILD_RENDERING_COMPONENTS } from "../policypack/src/lib/coverage";
import { T } from "../policypack/src/access/tokens";
import { childrenOf, type CapturedResource } from "./mock-run";
import { InputError } from "./state";

/** One `--rendered` argument, read and checked. */
export interface Rendered {
  /** The chart resource's Pulumi name. */
  readonly chart: string;
  /** The argument as given, for messages. */
  readonly spec: string;
  readonly objects: readonly RenderedObject[];
}

export interface RenderedObject {
  readonly obj: Record<string, unknown>;
  /** "<file>, document <n>", as messages show it. */
  readonly where: string;
}

/** The components `--rendered` may name: charts and groups whose children the provider registers, and Helm v3 Releases. */
function renderable(type: string): boolean {
  return type === T.helmReleaseV3 || CHILD_RENDERING_COMPONENTS[type] !== undefined;
}

const FIX_FILE = "Fix: pass the unmodified output of `helm template <release> <chart>` (or `--output-dir`).";

/** The YAML files of a path: itself, or a directory's *.yaml / *.yml files, recursively, sorted by path. */
function filesOf(abs: string): string[] {
  if (!fs.statSync(abs).isDirectory()) return [abs];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && /\.ya?ml$/i.test(e.name)) out.push(p);
    }
  };
  walk(abs);
  return out;
}

/**
 * The documents of a multi-document YAML text, split on `---` lines as `helm template` separates
 * them: each with its 1-based number and the 1-based line of the file it starts on. Text before the first `---` that is only
 * comments or blank lines is not a document.
 */
function documents(text: string): { n: number; line: number; text: string }[] {
  const lines = text.split(/\r?\n/);
  const docs: { line: number; lines: string[] }[] = [{ line: 1, lines: [] }];
  lines.forEach((l, i) => {
    // The document's first line is the `---` line itself (what follows the marker is its content).
    if (/^---(\s|$)/.test(l)) docs.push({ line: i + 1, lines: [l.slice(3)] });
    else (docs[docs.length - 1] as { lines: string[] }).lines.push(l);
  });
  const first = docs[0] as { lines: string[] };
  if (docs.length > 1 && first.lines.every((l) => /^\s*(#.*)?$/.test(l))) docs.shift();
  return docs.map((d, i) => ({ n: i + 1, line: d.line, text: d.lines.join("\n") }));
}

/** The Kubernetes objects of one file; `shown` is the file as messages name it. */
function objectsOfFile(file: string, shown: string): RenderedObject[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`--rendered: ${shown}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Fix: pass a readable file or directory.`);
  }
  const out: RenderedObject[] = [];
  for (const d of documents(text)) {
    const where = `${shown}, document ${d.n}`;
    let doc: unknown;
    try {
      doc = yaml.load(d.text);
    } catch (e) {
      const line = e instanceof yaml.YAMLException ? ` at line ${d.line + e.mark.line}` : "";
      const reason = e instanceof yaml.YAMLException ? e.reason : (e as Error).message;
      throw new InputError(`--rendered: ${where}: not valid YAML (${reason}${line}). ${FIX_FILE}`);
    }
    const add = (o: unknown, item?: number): void => {
      const at = item === undefined ? where : `${where}, item ${item + 1}`;
      if (o === null || o === undefined) return; // an empty document (a template that rendered nothing)
      if (!isRecord(o)) throw new InputError(`--rendered: ${at}: not a Kubernetes object (a YAML ${Array.isArray(o) ? "list" : typeof o}). ${FIX_FILE}`);
      const kind = o["kind"];
      if (typeof kind === "string" && kind.endsWith("List") && Array.isArray(o["items"])) {
        o["items"].forEach((x, i) => add(x, i));
        return;
      }
      const meta = o["metadata"];
      const missing = [
        typeof o["apiVersion"] === "string" && o["apiVersion"] !== "" ? undefined : "apiVersion",
        typeof kind === "string" && kind !== "" ? undefined : "kind",
        isRecord(meta) && typeof meta["name"] === "string" && meta["name"] !== "" ? undefined : "metadata.name",
      ].filter((x): x is string => x !== undefined);
      if (missing.length > 0) {
        throw new InputError(`--rendered: ${at}: a Kubernetes object without ${missing.join(", ")}. Fix: every object needs apiVersion, kind and metadata.name (as \`helm template\` prints them).`);
      }
      out.push({ obj: o, where: at });
    };
    add(doc);
  }
  return out;
}

/** Reads every `--rendered <chart>=<file|dir>` argument (before the program runs: bad input fails fast). */
export function loadRendered(specs: readonly string[], cwd: string, relative: (abs: string) => string): Rendered[] {
  const seen = new Set<string>();
  return specs.map((spec) => {
    const eq = spec.indexOf("=");
    const chart = eq > 0 ? spec.slice(0, eq).trim() : "";
    const file = eq > 0 ? spec.slice(eq + 1).trim() : "";
    if (chart === "" || file === "") throw new InputError(`--rendered ${spec}: expected <chart>=<file|dir>. Fix: name the chart resource (its Pulumi name) and the \`helm template\` output, e.g. --rendered cache=rendered/cache.yaml.`);
    if (seen.has(chart)) throw new InputError(`--rendered ${spec}: chart '${chart}' is given twice. Fix: pass one directory holding all its files.`);
    seen.add(chart);
    const abs = path.resolve(cwd, file);
    if (!fs.existsSync(abs)) throw new InputError(`--rendered ${spec}: ${file}: no such file or directory. Fix: write it with \`helm template <release> <chart> > ${file}\`.`);
    const files = filesOf(abs);
    if (files.length === 0) throw new InputError(`--rendered ${spec}: ${file}: no .yaml or .yml file in this directory. Fix: pass the file or directory \`helm template\` wrote.`);
    return { chart, spec, objects: files.flatMap((f) => objectsOfFile(f, relative(f))) };
  });
}

/**
 * The captured resources with each rendered chart's objects as its children (right after the
 * chart), one note per chart saying what was added, and the URNs of the charts given children.
 */
export function addRendered(
  captured: readonly CapturedResource[],
  rendered: readonly Rendered[],
  opts: { readonly stack: string; readonly project: string },
): { resources: CapturedResource[]; notes: string[]; charts: string[] } {
  if (rendered.length === 0) return { resources: [...captured], notes: [], charts: [] };
  const charts = captured.filter((r) => renderable(r.type));
  const parents = new Set(captured.map((r) => r.parent).filter((p): p is string => p !== undefined));
  const added = new Map<string, CapturedResource[]>();
  const notes: string[] = [];
  for (const r of rendered) {
    const named = charts.filter((c) => c.name === r.chart);
    if (named.length === 0) {
      const other = captured.find((c) => c.name === r.chart);
      const known = charts.map((c) => c.name);
      const what = other ? `'${r.chart}' is a ${other.type}, not a chart` : `no chart named '${r.chart}' in the stack`;
      throw new InputError(
        `--rendered ${r.spec}: ${what} (charts: ${known.length > 0 ? known.join(", ") : "none"}). Fix: use the Pulumi name of a Helm chart, Helm v3 Release, yaml ConfigGroup/ConfigFile or kustomize Directory of the program.`,
      );
    }
    if (named.length > 1) throw new InputError(`--rendered ${r.spec}: ${named.length} charts are named '${r.chart}' (${named.map((c) => c.urn).join(", ")}). Fix: give the charts distinct names.`);
    const chart = named[0] as CapturedResource;
    if (parents.has(chart.urn)) {
      throw new InputError(`--rendered ${r.spec}: the program already registers the children of '${r.chart}' (${chart.type}). Fix: drop this --rendered; the children in the stack are checked.`);
    }
    const warnings: string[] = [];
    const ns = chart.type === T.helmChartV4 || chart.type === T.helmReleaseV3 ? chart.inputs["namespace"] : undefined;
    const children = childrenOf(chart, r.objects.map((o) => o.obj), opts, warnings, typeof ns === "string" && ns !== "" ? ns : undefined);
    const urns = new Set<string>();
    for (const c of children) {
      if (urns.has(c.urn)) {
        throw new InputError(`--rendered ${r.spec}: two objects make the same resource '${c.name}' (${c.type}). Fix: each object of a chart needs its own kind, namespace and name.`);
      }
      urns.add(c.urn);
    }
    added.set(chart.urn, children);
    notes.push(`--rendered ${r.spec}: ${children.length} object(s) checked as the children of '${chart.name}' (${chart.type}).`, ...warnings);
  }
  const resources: CapturedResource[] = [];
  for (const c of captured) {
    resources.push(c);
    const children = added.get(c.urn);
    if (children) resources.push(...children);
  }
  return { resources, notes, charts: [...added.keys()] };
}

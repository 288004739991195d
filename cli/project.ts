/**
 * Pulumi project resolution, as the Pulumi CLI and its Node.js language host do it:
 *
 * - the project is the nearest `Pulumi.yaml` (or `Pulumi.yml`) at or above the start directory
 *   (sdk/go/common/workspace/paths.go DetectProjectPathFrom);
 * - `runtime` is a name or `{name, options}`; `options.typescript: false` turns TypeScript off
 *   (sdk/nodejs/cmd/run/index.ts, PULUMI_NODEJS_TYPESCRIPT);
 * - the program is `main` (a file or a directory), else the project directory; a directory means
 *   its package.json `main`, else its index module (sdk/nodejs/cmd/run/run.ts, which `require`s it);
 * - the stack is the one asked for, else the only `Pulumi.<stack>.yaml`; several and none asked
 *   for is an error naming them (offline there is no selected stack to fall back on).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as yaml from "js-yaml";
import { InputError } from "./state";

export interface PulumiProject {
  /** Absolute directory of Pulumi.yaml. */
  readonly dir: string;
  readonly file: string;
  readonly name: string;
  readonly runtime: string;
  /** False when `runtime.options.typescript` is false. */
  readonly typescript: boolean;
  /** `main` as written, when present. */
  readonly main?: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const PROJECT_FILES = ["Pulumi.yaml", "Pulumi.yml"];

/** The directory of the nearest Pulumi.yaml at or above `start`, or undefined. */
export function findProjectDir(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (PROJECT_FILES.some((f) => fs.existsSync(path.join(dir, f)))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Reads Pulumi.yaml of `dir`; InputError (one line) when it is missing or malformed. */
export function readProject(dir: string): PulumiProject {
  const file = PROJECT_FILES.map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
  if (!file) throw new InputError(`${dir}: no Pulumi.yaml here.`);
  let doc: unknown;
  try {
    doc = yaml.load(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(`${file}: not valid YAML (${(e as Error).message.split("\n")[0]}).`);
  }
  if (!isRecord(doc) || typeof doc["name"] !== "string" || doc["name"] === "") throw new InputError(`${file}: no project name (name:).`);
  const rt = doc["runtime"];
  const runtime = typeof rt === "string" ? rt : isRecord(rt) && typeof rt["name"] === "string" ? rt["name"] : "";
  const options = isRecord(rt) && isRecord(rt["options"]) ? rt["options"] : {};
  const main = typeof doc["main"] === "string" && doc["main"] !== "" ? doc["main"] : undefined;
  return { dir, file, name: doc["name"], runtime, typescript: options["typescript"] !== false, ...(main ? { main } : {}) };
}

/** Resolves a module path the way `require` does (file, file + extension, directory with package.json main or index). */
export function resolveModule(target: string, extensions: readonly string[]): string | undefined {
  const asFile = (p: string): string | undefined => {
    if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
    for (const ext of extensions) if (fs.existsSync(p + ext) && fs.statSync(p + ext).isFile()) return p + ext;
    return undefined;
  };
  const file = asFile(target);
  if (file) return file;
  if (!fs.existsSync(target) || !fs.statSync(target).isDirectory()) return undefined;
  const pkg = path.join(target, "package.json");
  if (fs.existsSync(pkg)) {
    let main: unknown;
    try {
      main = (JSON.parse(fs.readFileSync(pkg, "utf8")) as Record<string, unknown>)["main"];
    } catch {
      main = undefined;
    }
    if (typeof main === "string" && main !== "") {
      const m = asFile(path.resolve(target, main)) ?? asFile(path.join(path.resolve(target, main), "index"));
      if (m) return m;
    }
  }
  return asFile(path.join(target, "index"));
}

/** The program module of a Node.js project: `main` or the project directory, resolved like `require`. */
export function programOf(project: PulumiProject): string {
  if (project.runtime !== "nodejs") {
    throw new InputError(`${project.file}: runtime '${project.runtime || "(none)"}' is not supported; readiness check runs Node.js (TypeScript or JavaScript) programs.`);
  }
  const target = path.resolve(project.dir, project.main ?? ".");
  const exts = project.typescript ? [".js", ".json", ".node", ".ts"] : [".js", ".json", ".node"];
  const found = resolveModule(target, exts);
  if (!found) {
    const what = project.main ? `main '${project.main}'` : "the project directory";
    throw new InputError(
      `${project.file}: ${what} has no program module (no package.json main, no index.${project.typescript ? "ts or index.js" : "js"}).${/(^|\/)(build|bin|dist)\//.test(project.main ?? "") ? " Fix: build the program first (npm run build)." : ""}`,
    );
  }
  return found;
}

/** Stacks with a config file in the project directory, sorted. */
export function stacksOf(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** The stack to check: the one asked for, else the only one with a config file; else InputError listing them. */
export function selectStack(project: PulumiProject, asked: string | undefined, shown: string = project.dir): string {
  if (asked !== undefined && asked !== "") return asked;
  const stacks = stacksOf(project.dir);
  if (stacks.length === 1) return stacks[0] as string;
  if (stacks.length === 0) throw new InputError(`${shown}: no Pulumi.<stack>.yaml in the project. Fix: pass --stack <name>.`);
  throw new InputError(`${shown}: several stacks (${stacks.join(", ")}). Fix: pass --stack <name>.`);
}

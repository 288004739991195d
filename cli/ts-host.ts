/**
 * Runs TypeScript programs as written, the way Pulumi's Node.js language host does
 * (sdk/nodejs/cmd/run/run.ts, v3.248.0), without ts-node: TypeScript's own compiler API.
 *
 * - The compiler is the project's own `typescript` when it has one, else this tool's.
 * - Options: the project's tsconfig (PULUMI_NODEJS_TSCONFIG_PATH, else tsconfig.json in the
 *   project directory; none → TypeScript's defaults), over the language host's defaults
 *   (target ES2020, CommonJS modules, source maps). Modules are emitted as CommonJS with inline
 *   source maps, and Node's source-map support is on, so errors point at the .ts lines.
 * - Type-checking is on by default, like ts-node's: the entry module and what it imports (not the
 *   tsconfig's `files`/`include`, which ts-node does not load by default). It is off when
 *   PULUMI_NODEJS_TRANSPILE_ONLY is "true", or when that is unset and compilerOptions.noCheck is
 *   true. A type error throws a ProgramError naming file:line:column.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as TS from "typescript";

/** A failure of the program itself (not of this tool): a one-line message with its source position. */
export class ProgramError extends Error {}

function loadCompiler(projectDir: string): typeof TS {
  let resolved: string;
  try {
    resolved = require.resolve("typescript", { paths: [projectDir] });
  } catch {
    resolved = require.resolve("typescript");
  }
  return require(resolved) as typeof TS;
}

function relative(projectDir: string, file: string): string {
  const rel = path.relative(projectDir, file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}

function diagnosticLine(ts: typeof TS, projectDir: string, d: TS.Diagnostic): string {
  const text = ts.flattenDiagnosticMessageText(d.messageText, " ").replace(/\s+/g, " ");
  if (d.file && d.start !== undefined) {
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${relative(projectDir, d.file.fileName)}:${line + 1}:${character + 1}: error TS${d.code}: ${text}`;
  }
  return `error TS${d.code}: ${text}`;
}

export interface TsSetup {
  readonly transpileOnly: boolean;
  readonly options: TS.CompilerOptions;
}

/** The compiler options and the type-check switch of a project, as the language host decides them. */
export function tsSetup(ts: typeof TS, projectDir: string, env: NodeJS.ProcessEnv = process.env): TsSetup {
  const defaults: TS.CompilerOptions = {
    target: ts.ScriptTarget.ES2020,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    sourceMap: true,
  };
  const configPath = path.resolve(projectDir, env["PULUMI_NODEJS_TSCONFIG_PATH"] ?? "tsconfig.json");
  let options: TS.CompilerOptions = defaults;
  if (fs.existsSync(configPath)) {
    const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new ProgramError(`${relative(projectDir, configPath)}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
      },
    });
    if (parsed) {
      const errors = parsed.errors.filter((d) => d.category === ts.DiagnosticCategory.Error && d.code !== 18003 /* no inputs */);
      if (errors.length > 0) throw new ProgramError(`${relative(projectDir, configPath)}: ${diagnosticLine(ts, projectDir, errors[0] as TS.Diagnostic)}`);
      options = { ...defaults, ...parsed.options };
    }
  }
  const flag = env["PULUMI_NODEJS_TRANSPILE_ONLY"];
  const transpileOnly = flag ? flag === "true" : (options as { noCheck?: boolean }).noCheck === true;
  return { transpileOnly, options };
}

/** Type-checks the program rooted at `entry`; throws a ProgramError with the first error's file:line. */
export function typeCheck(ts: typeof TS, projectDir: string, entry: string, options: TS.CompilerOptions): void {
  const program = ts.createProgram([entry], { ...options, noEmit: true, noCheck: false });
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length === 0) return;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
  throw new ProgramError(`type error: ${diagnosticLine(ts, projectDir, errors[0] as TS.Diagnostic)}${more}`);
}

let registered = false;

/**
 * Registers `.ts` (and `.tsx`, `.mts`, `.cts`) modules with Node's CommonJS loader, after type-checking
 * the program when the project asks for it. Call once per process, with the current directory set to
 * the project directory.
 */
export function registerTypeScript(projectDir: string, entry: string, env: NodeJS.ProcessEnv = process.env): void {
  if (registered) return;
  const ts = loadCompiler(projectDir);
  const setup = tsSetup(ts, projectDir, env);
  if (!setup.transpileOnly && /\.[cm]?tsx?$/.test(entry)) typeCheck(ts, projectDir, entry, setup.options);
  const emitOptions: TS.CompilerOptions = {
    ...setup.options,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    sourceMap: false,
    inlineSourceMap: true,
    inlineSources: true,
    declaration: false,
    declarationMap: false,
    composite: false,
    noEmit: false,
    emitDeclarationOnly: false,
    isolatedModules: true,
    // The emitted module stands in for the source file itself: its source map points next to it.
    outDir: undefined,
    outFile: undefined,
    rootDir: undefined,
    sourceRoot: undefined,
    mapRoot: undefined,
  };
  process.setSourceMapsEnabled(true);
  type Loader = (module: NodeJS.Module & { _compile(code: string, file: string): void }, file: string) => void;
  const extensions = require.extensions as unknown as Record<string, Loader>;
  const compile: Loader = (module, file) => {
    const source = fs.readFileSync(file, "utf8");
    const out = ts.transpileModule(source, { compilerOptions: emitOptions, fileName: file, reportDiagnostics: false });
    module._compile(out.outputText, file);
  };
  for (const ext of [".ts", ".tsx", ".mts", ".cts"]) extensions[ext] = compile;
  registered = true;
}

const FRAME = /^\s*at (?:.*? \()?(.+?):(\d+):(\d+)\)?$/;

/** The first frame of `stack` in the project's own code (not node_modules, not Node's), as file:line:column. */
export function programFrame(stack: string | undefined, projectDir: string): string | undefined {
  for (const line of (stack ?? "").split("\n")) {
    const m = FRAME.exec(line);
    if (!m) continue;
    let file = m[1] as string;
    if (file.startsWith("file://")) file = decodeURIComponent(new URL(file).pathname);
    if (!path.isAbsolute(file) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    const rel = path.relative(projectDir, file);
    if (rel.startsWith("..") || path.isAbsolute(rel)) continue;
    return `${rel}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

/** One line for a program's failure: its own message, then where in its source it happened. */
export function programErrorLine(e: unknown, projectDir: string): string {
  if (e instanceof ProgramError) return e.message;
  const message = (e instanceof Error ? `${e.name === "Error" ? "" : `${e.name}: `}${e.message}` : String(e)).replace(/\s*\n\s*/g, " ");
  const at = e instanceof Error ? programFrame(e.stack, projectDir) : undefined;
  return at ? `${message} (at ${at})` : message;
}

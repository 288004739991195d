/**
 * `readiness sql <dir>`: the migration gates on a folder of `NNNN_name.up.sql` / `.down.sql`
 * files, with no stack: for teams that want them in CI before they have a Pulumi program. The
 * folder is shipped to the gates exactly as the stack component ships it (one ConfigMap labelled
 * with the service and `app.kubernetes.io/component: migrations`; docs/migrations.md), so the
 * findings are the ones a preview gives, placed at file:line:column.
 *
 * Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 the folder or config cannot be used.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type * as sarif from "sarif";
import type { ResourceInput } from "../policypack/src/access/resource";
import { T } from "../policypack/src/access/tokens";
import { gateByName, gateDocsUrl } from "../policypack/src/catalog";
import { evaluate } from "../policypack/src/engine/evaluate";
import { initRules, type Rule } from "../policypack/src/engine/rule";
import type { Finding } from "../policypack/src/engine/run";
import { RULES } from "../policypack/src/gates";
import { MIGRATIONS_COMPONENT, MIGRATIONS_COMPONENT_LABEL, REQUIRED_EXTENSIONS_ANNOTATION } from "../policypack/src/lib/migrations";
import { configErrorToInput, configInputError, loadPackConfig, packageRoot, parseToday, readInput, relativeToCwd, toolVersion } from "./audit";
import { safeLine } from "./report/safe";
import { artifactLocationOf } from "./report/sarif";
import { InputError } from "./state";

export type SqlFormat = "text" | "json" | "sarif";

export interface SqlOptions {
  readonly dir: string;
  /** The service the migrations belong to (default: the folder's name). */
  readonly service?: string;
  /** Extensions the service needs (the ConfigMap annotation), comma-separated. */
  readonly extensions?: string;
  readonly config?: string;
  readonly format?: SqlFormat;
  readonly today?: string;
  readonly cwd?: string;
}

/** The migration gates: every gate that reads the migrations ConfigMap. */
export const SQL_GATES: readonly Rule[] = RULES.filter((r) => r.gate.startsWith("migrations-") || r.gate === "postgres-required-extensions");

export interface SqlFinding {
  readonly policy: string;
  readonly kind: Finding["kind"];
  readonly level: Finding["level"];
  readonly message: string;
  /** The migration file, relative to the working directory, when the finding names one. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

const SERVICE_RE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const AT_RE = /\bmigration (\S+\.sql)(?: line (\d+)\b)?/;

/** The column of the first character of a statement that starts on `line` (1 when the line is blank). */
function columnOf(text: string, line: number): number {
  const l = text.split("\n")[line - 1] ?? "";
  const i = l.search(/\S/);
  return i < 0 ? 1 : i + 1;
}

function migrationsMap(service: string, files: Record<string, string>, extensions: string | undefined): ResourceInput {
  const name = `${service}-migrations`;
  const annotations = extensions === undefined ? {} : { [REQUIRED_EXTENSIONS_ANNOTATION]: extensions };
  return {
    type: T.configMap,
    name,
    urn: `urn:pulumi:sql::${service}::${T.configMap}::${name}`,
    props: {
      metadata: { name, labels: { "app.kubernetes.io/part-of": service, [MIGRATIONS_COMPONENT_LABEL]: MIGRATIONS_COMPONENT }, annotations },
      data: files,
    },
  };
}

/** Evaluates the migration gates on a folder; throws InputError with one line when it cannot. */
export async function sqlFindings(o: SqlOptions): Promise<{ findings: SqlFinding[]; files: number; service: string }> {
  const cwd = o.cwd ?? process.cwd();
  const dir = path.resolve(cwd, o.dir);
  const shown = relativeToCwd(dir, cwd);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${shown}: cannot read the migrations folder (${code === "ENOENT" ? "no such folder" : code === "ENOTDIR" ? "not a folder" : (e as Error).message}). Fix: give the folder holding NNNN_name.up.sql and .down.sql files.`);
  }
  const names = entries.filter((e) => e.isFile() && e.name.endsWith(".sql")).map((e) => e.name).sort();
  if (names.length === 0) throw new InputError(`${shown}: no .sql files. Fix: give the folder holding NNNN_name.up.sql and .down.sql files.`);
  const service = o.service ?? path.basename(dir).toLowerCase();
  if (!SERVICE_RE.test(service)) {
    throw new InputError(`--service: '${service}' is not a service name (lower-case letters, digits and '-'). Fix: pass --service <name>.`);
  }
  const files: Record<string, string> = {};
  for (const n of names) files[n] = readInput(path.join(dir, n), "migration file", `${shown}/${n}`);
  const configFile = o.config ?? path.join(packageRoot(), "policypack", "config", "production.json");
  const config = loadPackConfig(configFile, relativeToCwd(configFile, cwd));
  const { today } = parseToday(o.today);
  await initRules(SQL_GATES);
  const onlyMigrationGates = Object.fromEntries(Object.entries(config).filter(([k]) => k === "all" || SQL_GATES.some((r) => r.gate === k)));
  let found: readonly Finding[];
  try {
    found = evaluate(SQL_GATES, [migrationsMap(service, files, o.extensions)], onlyMigrationGates, { today }).findings;
  } catch (e) {
    configErrorToInput(relativeToCwd(configFile, cwd), e);
  }
  const bad = configInputError(relativeToCwd(configFile, cwd), found);
  if (bad) throw bad;
  const findings = found
    .filter((f) => f.kind !== "waived")
    .map((f): SqlFinding => {
      const m = AT_RE.exec(f.message);
      const file = m?.[1];
      const text = file !== undefined ? files[file] : undefined;
      if (!m || file === undefined || text === undefined) return { policy: f.policy, kind: f.kind, level: f.level, message: f.message };
      const line = m[2] === undefined ? 1 : Number(m[2]);
      return { policy: f.policy, kind: f.kind, level: f.level, message: f.message, file: relativeToCwd(path.join(dir, file), cwd), line, column: columnOf(text, line) };
    });
  return { findings, files: names.length, service };
}

function blocking(f: SqlFinding): boolean {
  return f.level === "mandatory" && (f.kind === "violation" || f.kind === "config");
}

function renderText(r: { findings: readonly SqlFinding[]; files: number; service: string }): string {
  const lines = r.findings.map((f) => {
    const where = f.file === undefined ? `service ${r.service}` : `${f.file}:${f.line}:${f.column}`;
    const level = f.kind === "violation" || f.kind === "config" ? f.level : "advisory";
    return `${where}: ${level} ${f.policy}: ${f.message}`;
  });
  const mandatory = r.findings.filter(blocking).length;
  lines.push(`${r.files} migration file${r.files === 1 ? "" : "s"} of service ${r.service}, ${SQL_GATES.length} migration gates: ${mandatory} mandatory, ${r.findings.length - mandatory} advisory.`);
  return `${lines.map((l) => safeLine(l)).join("\n")}\n`;
}

function renderSarif(r: { findings: readonly SqlFinding[] }): string {
  const ruleIds = SQL_GATES.map((g) => g.gate);
  const log: sarif.Log = {
    version: "2.1.0",
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    runs: [
      {
        tool: {
          driver: {
            name: "readiness-guard",
            version: toolVersion(),
            informationUri: "https://github.com/readiness-guard/readiness-guard",
            rules: ruleIds.map((id) => ({ id, shortDescription: { text: gateByName(id)?.title ?? id }, helpUri: gateDocsUrl(id) })),
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { description: { text: "The working directory of the run." } } },
        results: r.findings.map((f): sarif.Result => ({
          ruleId: f.policy,
          ruleIndex: ruleIds.indexOf(f.policy),
          level: f.kind === "violation" || f.kind === "config" ? (f.level === "mandatory" ? "error" : "warning") : "note",
          message: { text: f.message },
          ...(f.file === undefined
            ? {}
            : {
                locations: [
                  {
                    physicalLocation: {
                      artifactLocation: artifactLocationOf(f.file),
                      region: { startLine: f.line, startColumn: f.column },
                    },
                  },
                ],
              }),
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/** Runs `readiness sql`: the report text and the exit code. */
export async function runSql(o: SqlOptions): Promise<{ output: string; exitCode: number }> {
  const r = await sqlFindings(o);
  const format = o.format ?? "text";
  const output =
    format === "json"
      ? `${JSON.stringify({ service: r.service, files: r.files, findings: r.findings, summary: { mandatory: r.findings.filter(blocking).length, total: r.findings.length } }, null, 2)}\n`
      : format === "sarif"
        ? renderSarif(r)
        : renderText(r);
  return { output, exitCode: r.findings.some(blocking) ? 1 : 0 };
}

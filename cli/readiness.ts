/**
 * The `readiness` command.
 *
 *   readiness check  [--cwd <project dir>] [--stack <name>] [--org <name>] [--program <module>] [--config <pack config>] [--pack <dir>] [--rendered <chart>=<file|dir> ...] [--out-dir reports] [--format text]
 *   readiness audit  --state <stack export> | --events <event log>  [--config <pack config>] [--format text] [--out <file>]
 *
 * Exit codes: 0 ready (no mandatory violation), 1 mandatory violations, 2 bad input (one line on
 * stderr naming the file and field or line), 3 the check itself failed (e.g. the pack did not start).
 */
import * as path from "node:path";
import { Command, CommanderError, Option } from "commander";
import { runSql, type SqlFormat } from "./sql";
import { packageRoot, readInput, runAudit, toolVersion } from "./audit";
import { runCheck } from "./check";
import { checklistForFile, checklistInputFiles, describeChecklist } from "./checklists";
import { writeFileSafely } from "./output";
import { verifyReport } from "./provenance";
import { FORMATS, type Format } from "./report/index";
import { neutralise, safeLine } from "./report/safe";
import { InputError } from "./state";

export interface Io {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly cwd: string;
}

function formatOption(): Option {
  return new Option("--format <format>", "output format").choices(FORMATS as unknown as string[]).default("text");
}

function collect(v: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), v];
}

function checklistOptions(c: Command): Command {
  return c
    .option("--checklist <service=file>", "a service's readiness checklist (Markdown; repeatable); replaces the seed checklist of that service", collect)
    .option("--checklists <dir>", "a folder of checklists: <dir>/<service>/SERVICE_READINESS.md");
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`--concurrency: '${v}' is not a positive integer.`);
  return n;
}

/** Runs the command line; resolves to the exit code (never calls process.exit). */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let code = 0;
  const program = new Command()
    .name("readiness")
    .description("Service readiness gates as code: check a Pulumi program offline against the policy pack, audit deployed state, write audit reports.")
    .version(toolVersion())
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(neutralise(s)),
      writeErr: (s) => io.stderr.write(neutralise(s)),
    });

  checklistOptions(program
    .command("check"))
    .description("run a Pulumi program under the mocks, drive the real policy pack over the Analyzer protocol, print violations and write the reports")
    .option("--cwd <dir>", "where to find the Pulumi project (Pulumi.yaml here or above; default: the current directory)")
    .option("--program <module>", "program module (default: the project's main, as `pulumi preview` runs it)")
    .option("--stack <name>", "stack name (reads Pulumi.<stack>.yaml; default: the project's only stack)")
    .option("--org <name>", "organization returned by pulumi.getOrganization() (default: organization)")
    .option("--project-dir <dir>", "directory with Pulumi.yaml and the stack config (default: found from --cwd upwards)")
    .option("--config <file>", "pack config (default: policypack/config/production.json)")
    .option("--pack <dir>", "policy pack directory (default: policypack)")
    .option("--rendered <chart=file|dir>", "`helm template` output (a file, or a directory of .yaml files) checked as the children of the named chart resource (repeatable)", collect)
    .option("--out-dir <dir>", "directory for the audit reports (readiness.md, .html, .sarif, .junit.xml, .json); '' for none", "reports")
    .addOption(formatOption())
    .option("--today <YYYY-MM-DD>", "evaluation date (waiver expiry; shown in the reports)")
    .option("--timings", "measure pack start-up and Analyze round trips (sequential calls)")
    .option("--concurrency <n>", "Analyze calls in flight", positiveInt, 8)
    .option("--signoff <file>", "a service's sign-off file (YAML: signed manual lines, roles, not-applicable declarations); repeatable", collect)
    .action(async (o: { cwd?: string; org?: string; program?: string; stack?: string; projectDir?: string; config?: string; pack?: string; outDir: string; format: Format; today?: string; timings?: boolean; concurrency: number; checklist?: string[]; checklists?: string; rendered?: string[]; signoff?: string[] }) => {
      const { cwd: searchDir, ...rest } = o;
      const res = await runCheck({ ...rest, ...(searchDir !== undefined ? { searchDir } : {}), cwd: io.cwd, stderr: io.stderr });
      io.stdout.write(res.output);
      if (res.reports.length > 0) io.stderr.write(`Reports: ${res.reports.join(", ")}\n`);
      if (o.timings) io.stderr.write(`Timings: ${JSON.stringify(res.timings)}\n`);
      code = res.exitCode;
    });

  checklistOptions(program
    .command("audit"))
    .description("evaluate every policy against a `pulumi stack export` file, or report the policy events of a `pulumi preview --event-log` file")
    .option("--state <file>", "pulumi stack export (deployment version 3)")
    .option("--events <file>", "pulumi preview --event-log file (JSON lines)")
    .option("--config <file>", "pack config (default: policypack/config/production.json)")
    .addOption(formatOption())
    .option("--out <file>", "write the report to a file instead of stdout (atomically; never onto an input, never through a symbolic link)")
    .option("--force", "with --out: write through a symbolic link to the file it points to")
    .option("--today <YYYY-MM-DD>", "evaluation date (waiver expiry; shown in the reports)")
    .option("--signoff <file>", "a service's sign-off file (YAML: signed manual lines, roles, not-applicable declarations); repeatable", collect)
    .action(async (o: { state?: string; events?: string; config?: string; format: Format; out?: string; force?: boolean; today?: string; checklist?: string[]; checklists?: string; signoff?: string[] }) => {
      const res = await runAudit({ ...o, cwd: io.cwd });
      if (o.out !== undefined) {
        if (o.out === "") throw new InputError("--out: an empty path. Fix: give a file path, or omit --out to print the report.");
        const config = o.config ?? path.join(packageRoot(), "policypack", "config", "production.json");
        const inputs = [
          ...[o.state, o.events, config, ...(o.signoff ?? [])].filter((x): x is string => x !== undefined).map((x) => path.resolve(io.cwd, x)),
          ...checklistInputFiles({ checklist: o.checklist, checklists: o.checklists, cwd: io.cwd }),
        ];
        writeFileSafely(path.resolve(io.cwd, o.out), res.output, { inputs, force: o.force === true, shown: o.out });
        io.stderr.write(`Report: ${safeLine(o.out)}\n`);
      } else {
        io.stdout.write(res.output);
      }
      code = res.exitCode;
    });

  program
    .command("sql")
    .description("run the migration gates on a folder of NNNN_name.up.sql / .down.sql files, without a stack (file:line:column findings)")
    .argument("<dir>", "the folder of migration files")
    .option("--service <name>", "the service the migrations belong to (default: the folder's name)")
    .option("--extensions <list>", "extensions the service needs, comma-separated (the readiness.dev/required-extensions annotation)")
    .option("--config <file>", "pack config (default: policypack/config/production.json)")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json", "sarif"]).default("text"))
    .option("--today <YYYY-MM-DD>", "evaluation date (waiver expiry)")
    .action(async (dir: string, o: { service?: string; extensions?: string; config?: string; format: SqlFormat; today?: string }) => {
      const res = await runSql({ ...o, dir, cwd: io.cwd });
      io.stdout.write(res.output);
      code = res.exitCode;
    });

  program
    .command("verify")
    .description("recompute the digest of a JSON report (readiness.json): exit 0 when untouched, 1 when edited")
    .argument("<report>", "the JSON report")
    .action((file: string) => {
      const r = verifyReport(readInput(path.resolve(io.cwd, file), "JSON report", file), file);
      if (r.ok) io.stdout.write(`${safeLine(file)}: untouched (sha256 ${r.found}).\n`);
      else io.stdout.write(`${safeLine(file)}: EDITED: its content has sha256 ${r.found}, the report says ${safeLine(r.expected)}.\n`);
      code = r.ok ? 0 : 1;
    });

  program
    .command("checklist")
    .description("read a readiness checklist (Markdown) and print each line with the gates it maps to (marker, gate catalog or phrase) or manual")
    .argument("<file>", "the checklist file")
    .option("--service <name>", "the service it belongs to (default: the file's name, or its folder for SERVICE_READINESS.md)")
    .action((file: string, o: { service?: string }) => {
      io.stdout.write(neutralise(describeChecklist(checklistForFile(path.resolve(io.cwd, file), file, o.service))));
      code = 0;
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; usage errors (unknown option, bad choice) are bad input.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof InputError) {
      io.stderr.write(`readiness: ${safeLine(e.message)}\n`);
      return 2;
    }
    io.stderr.write(`readiness: ${safeLine(String((e as Error).message ?? e).split("\n")[0] ?? "")}\n`);
    return 3;
  }
}

/* c8 ignore start */
const entry = require.main?.filename ?? "";
if (require.main === module || entry.endsWith(path.join("bin", "readiness.js")) || entry.endsWith(path.join("bin", "readiness"))) {
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }).then(
    (c) => {
      process.exitCode = c;
    },
    (e: unknown) => {
      process.stderr.write(`readiness: ${safeLine((e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "")}\n`);
      process.exitCode = 3;
    },
  );
}
/* c8 ignore stop */

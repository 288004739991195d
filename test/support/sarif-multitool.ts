/**
 * Microsoft's SARIF validator (`Sarif.Multitool validate`, npm @microsoft/sarif-multitool, which
 * runs the self-contained .NET binary of @microsoft/sarif-multitool-<platform>).
 *
 * The multitool exits 0 whatever it finds, so the verdict comes from the SARIF log it writes:
 * every "fail" result at level error or warning is a problem, and so is an unsuccessful run or a
 * tool notification at those levels. SARIF2006 (help URIs reachable over HTTP) is switched off:
 * it fetches every rule's helpUri, which makes a test depend on the network (and, with the
 * network, costs seconds); it only ever reports notes.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as sarif from "sarif";

const PLATFORM_PACKAGE = `@microsoft/sarif-multitool-${process.platform}`;

const CONFIG = `<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options">
    <Property Key="RuleEnabled" Value="Disabled" Type="Driver.RuleEnabledState" />
  </Properties>
</Properties>
`;

/** The notification the multitool gives for the rule switched off above (a warning, by SARIF's default level). */
const DISABLED_ON_PURPOSE = (n: sarif.Notification): boolean => n.descriptor?.id === "WRN999.RuleExplicitlyDisabled" && /'SARIF2006'/.test(n.message.text ?? "");

/** The multitool's executable, or why there is none here (the reason a test skips with). */
export function locateMultitool(): { readonly bin: string } | { readonly missing: string } {
  let bin: unknown;
  try {
    bin = require("@microsoft/sarif-multitool");
  } catch (e) {
    return { missing: `@microsoft/sarif-multitool has no binary for this platform: ${PLATFORM_PACKAGE} is not installed (${(e as Error).message.split("\n")[0]}). Fix: npm install (it is an optional dependency of @microsoft/sarif-multitool).` };
  }
  if (typeof bin !== "string") return { missing: `@microsoft/sarif-multitool exported ${typeof bin}, not the path of its binary` };
  if (!fs.existsSync(bin)) return { missing: `${bin} is absent (${PLATFORM_PACKAGE} installed without its binary). Fix: npm ci.` };
  return { bin };
}

export interface Validation {
  /** "SARIF1004 runs[0].artifacts[0].location.uri: The relative reference …", one per problem. */
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  /** Wall-clock time of the multitool run. */
  readonly ms: number;
}

/** "{0}: the URI '{1}' …" with the result's arguments filled in. */
function messageOf(r: sarif.Result, rules: readonly sarif.ReportingDescriptor[]): string {
  if (r.message.text !== undefined) return r.message.text;
  const rule = r.ruleIndex !== undefined ? rules[r.ruleIndex] : rules.find((x) => x.id === r.ruleId);
  const template = (r.message.id !== undefined ? rule?.messageStrings?.[r.message.id]?.text : undefined) ?? `${r.message.id ?? "(no message)"} {0}`;
  return template.replace(/\{(\d+)\}/g, (_, i: string) => r.message.arguments?.[Number(i)] ?? `{${i}}`);
}

function levelOf(r: sarif.Result, rules: readonly sarif.ReportingDescriptor[]): sarif.Result.level {
  const rule = r.ruleIndex !== undefined ? rules[r.ruleIndex] : rules.find((x) => x.id === r.ruleId);
  return r.level ?? rule?.defaultConfiguration?.level ?? "warning";
}

/**
 * Runs `validate` on one SARIF file. Throws when the multitool cannot run or its log is not what
 * it should be (that is a failure, not a pass); returns the problems it found otherwise.
 */
export function validateSarif(bin: string, file: string): Validation {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "readiness-multitool-"));
  const config = path.join(dir, "validation.xml");
  const out = path.join(dir, "validation.sarif");
  fs.writeFileSync(config, CONFIG);
  const start = process.hrtime.bigint();
  const run = spawnSync(bin, ["validate", file, "--config", config, "--output", out, "--log", "ForceOverwrite", "--level", "Error;Warning"], {
    encoding: "utf8",
    timeout: 120_000,
    // No ICU needed (the binary otherwise aborts on machines without libicu); no telemetry.
    env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1", DOTNET_CLI_TELEMETRY_OPTOUT: "1" },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const said = `${run.stdout ?? ""}${run.stderr ?? ""}`.trim().slice(-2000);
  if (run.error) throw new Error(`${bin} could not run: ${run.error.message}\n${said}`);
  if (run.status !== 0) throw new Error(`${bin} validate exited ${run.status ?? run.signal}:\n${said}`);
  if (!fs.existsSync(out)) throw new Error(`${bin} validate wrote no log to ${out}:\n${said}`);
  const log = JSON.parse(fs.readFileSync(out, "utf8")) as sarif.Log;
  if (log.runs.length !== 1) throw new Error(`the multitool's log has ${log.runs.length} runs, expected 1`);
  const errors: string[] = [];
  const warnings: string[] = [];
  const run0 = log.runs[0] as sarif.Run;
  const rules = run0.tool.driver.rules ?? [];
  const invocations = run0.invocations ?? [];
  if (!invocations.length) throw new Error("the multitool's log records no invocation");
  for (const inv of invocations) {
    if (!inv.executionSuccessful) errors.push(`the multitool's run was not successful`);
    for (const n of [...(inv.toolExecutionNotifications ?? []), ...(inv.toolConfigurationNotifications ?? [])]) {
      if (DISABLED_ON_PURPOSE(n)) continue;
      const level = n.level ?? "warning";
      const text = `${n.descriptor?.id ?? "notification"}: ${n.message.text ?? ""}`;
      if (level === "error") errors.push(text);
      else if (level === "warning") warnings.push(text);
    }
  }
  for (const r of run0.results ?? []) {
    if ((r.kind ?? "fail") !== "fail") continue;
    const level = levelOf(r, rules);
    const text = `${r.ruleId ?? "?"} ${messageOf(r, rules)}`;
    if (level === "error") errors.push(text);
    else if (level === "warning") warnings.push(text);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return { errors, warnings, ms };
}

/**
 * Hostile and degenerate input to `readiness audit`, over all six formats: no secret, no escape
 * sequence and no live injected markup in any output; bad input is exit 2 with one safe line.
 *
 * Runs the command in-process (cli/readiness.ts main) on exports, configs, waivers and event logs
 * built here; the property tests generate secrets of many shapes in every place input can carry
 * them (env, labels, annotations, ConfigMap and SQL text, event messages, waiver text, Pulumi
 * secrets of any length) and assert that no format contains them.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as fc from "fast-check";
import type { ResourceInput } from "../../policypack/src/access/resource";
import { T } from "../../policypack/src/access/tokens";
import { main } from "../../cli/readiness";
import { FORMATS, type Format } from "../../cli/report/index";
import { md } from "../../cli/report/markdown";
import { deployment } from "../fixtures/k8s";
import { migrationsMap } from "../fixtures/sql/configmaps";
import { res } from "../support/fixtures";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const TODAY = "2026-11-23";

/** A secret as `pulumi stack export --show-secrets` writes it. */
function exportSecret(v: unknown): Record<string, unknown> {
  return { [SIG]: SECRET_SIG, plaintext: JSON.stringify(v) };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "readiness-hostile-"));
let seq = 0;
function file(name: string, text: string): string {
  const p = path.join(dir, `${seq++}-${name}`);
  fs.writeFileSync(p, text);
  return p;
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function sink(): NodeJS.WritableStream & { text: string } {
  const s = { text: "", write: (c: string) => ((s.text += c), true) };
  return s as unknown as NodeJS.WritableStream & { text: string };
}

async function cli(args: readonly string[]): Promise<Run> {
  const stdout = sink();
  const stderr = sink();
  const code = await main(args, { stdout, stderr, cwd: dir });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** A stack export of `resources` (inputs = outputs), with the root stack and a default gcp provider. */
function exportOf(resources: readonly ResourceInput[], region: unknown = "europe-west1"): string {
  const provider = "urn:pulumi:prod::readiness::pulumi:providers:gcp::default_9_37_0";
  return JSON.stringify({
    version: 3,
    deployment: {
      resources: [
        { urn: "urn:pulumi:prod::readiness::pulumi:pulumi:Stack::readiness-prod", type: "pulumi:pulumi:Stack", custom: false },
        { urn: provider, type: "pulumi:providers:gcp", custom: true, id: "p1", inputs: { region, project: "acme" }, outputs: { region, project: "acme" } },
        ...resources.map((r) => ({ urn: r.urn, type: r.type, custom: true, id: r.name, inputs: r.props, outputs: r.props, provider: `${provider}::p1` })),
      ],
    },
  });
}

function bucket(name: string, location: unknown, labels: Record<string, unknown> = { service: "maintenance", "data-class": "regulated" }): ResourceInput {
  return res(T.bucket, name, { name, location, labels, uniformBucketLevelAccess: true });
}

/** Every control character the output layer neutralises (C0 but tab/newline, DEL, C1, bidi, separators). */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function jsonStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => jsonStrings(x, out));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      jsonStrings(x, out);
    }
  }
  return out;
}

/**
 * Live Markdown from input: after removing backslash escapes and code spans, any link, image,
 * raw HTML other than the report's own anchors and line breaks, or GFM autolink; and any table row
 * with more cells than its header.
 */
/** A line without its backslash escapes and code spans (inside which backslashes are literal), as Markdown reads it. */
function unescaped(line: string): string {
  let out = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "\\") i++;
    else if (c === "`") {
      const end = line.indexOf("`", i + 1);
      if (end < 0) out += c;
      else i = end;
    } else out += c;
  }
  return out;
}

function liveMarkdown(text: string): string[] {
  const problems: string[] = [];
  let cells = 0;
  for (const line of text.split("\n")) {
    const plain = unescaped(line);
    if (line.startsWith("|")) {
      const n = plain.split("|").length;
      if (/^\|(?:---\|)+$/.test(line) || cells === 0) cells = n;
      else if (n !== cells) problems.push(`table row with ${n - 2} cells instead of ${cells - 2}: ${line.slice(0, 200)}`);
    } else cells = 0;
    const html = plain.replace(/<a id="[\w-]+"><\/a>|<br>/g, "");
    if (/<[A-Za-z/!?]/.test(html)) problems.push(`raw HTML: ${line.slice(0, 200)}`);
    const links = plain.replace(/\]\(#[\w-]+\)/g, "");
    if (/\]\(|!\[|\]\[/.test(links)) problems.push(`link or image: ${line.slice(0, 200)}`);
    if (/\b[a-z][a-z0-9+.-]*:\/\/|\bwww\.|[\w.+-]+@[\w-]+\.[\w.-]+/i.test(plain)) problems.push(`autolink: ${line.slice(0, 200)}`);
  }
  return problems;
}

/** Forms a secret takes in each format's escaping. */
function forms(secret: string): string[] {
  const html = secret.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  return [...new Set([secret, JSON.stringify(secret).slice(1, -1), html, md(secret)])].map((x) => x.toLowerCase());
}

/** Short secrets (under 4 characters) are redacted where quoted: these forms must not appear. */
function quotedForms(secret: string): string[] {
  return forms(secret).flatMap((f) => [`"${f}"`, `'${f}'`, `\\"${f}\\"`, `&quot;${f}&quot;`, `&#39;${f}&#39;`]);
}

function assertSafe(out: string, format: Format, secrets: readonly string[], where: string): void {
  const low = out.toLowerCase();
  for (const s of secrets) {
    for (const f of s.length >= 4 ? forms(s) : quotedForms(s)) assert.ok(!low.includes(f), `${where} (${format}): the secret ${JSON.stringify(s)} is printed`);
  }
  assert.ok(!CONTROL.test(out), `${where} (${format}): a control character is printed: ${JSON.stringify(out.match(CONTROL)?.[0])}`);
  if (format === "json" || format === "sarif") {
    for (const s of jsonStrings(JSON.parse(out))) assert.ok(!CONTROL.test(s), `${where} (${format}): a JSON string holds a control character`);
  }
  if (format === "markdown") assert.deepEqual(liveMarkdown(out), [], `${where}: live Markdown from input`);
  if (format === "html" || format === "junit") {
    assert.ok(!/<(?:script|img|iframe|svg)\b|<a [^>]*href="(?!#|https:\/\/github\.com\/)/i.test(out), `${where} (${format}): injected HTML`);
  }
}

/** Runs `audit` over every format; asserts each output and stderr safe; returns the exit codes. */
async function auditAll(input: string[], secrets: readonly string[], where: string, extra: string[] = []): Promise<number[]> {
  const codes: number[] = [];
  for (const format of FORMATS) {
    const r = await cli(["audit", ...input, "--format", format, "--today", TODAY, ...extra]);
    codes.push(r.code);
    if (r.code <= 1) assertSafe(r.stdout, format, secrets, where);
    assertSafe(r.stderr, "text", secrets, `${where} stderr`);
    assert.ok(r.stderr.split("\n").filter((l) => l !== "").length <= 1, `${where}: more than one line on stderr: ${r.stderr}`);
    assert.ok(!/\n\s+at /.test(r.stderr), `${where}: a stack trace`);
    assert.ok(r.code !== 3, `${where} (${format}): exit 3: ${r.stderr}`);
  }
  return codes;
}

/** Injection payloads for names and free text. */
const INJECTIONS = [
  "db|[Sign-off approved, click to confirm](https://evil.example/ok)|![x](https://evil.example/i.png)",
  "x\u001b[2J\u001b]0;pwned\u0007y",
  "\u001b]8;;https://evil.example/\u001b\\click me\u001b]8;;\u001b\\",
  "<script>alert(1)</script><img src=x onerror=alert(2)>",
  "back`tick`|pipe",
  "rtl\u202egnp.exe\u2066",
  "www.evil.example-and-a@evil.example",
  "c1\u009b31mred\u0085nel",
];

const AWS = "AKIAIOSFODNN7EXAMPLE";
const GHP = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
const URL_PW = "Pw9urlSecretZ";
const SQL_PW = "Sq1PasswordZq";

after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("robustness: hostile input to `readiness audit`, all six formats", function () {
  this.timeout(120_000);

  it("names, labels and env carrying Markdown, HTML and terminal escapes are inert in every format", async () => {
    const resources = INJECTIONS.flatMap((inj, i) => [
      bucket(`b${i}-${inj}`, "EU", { service: "maintenance", "data-class": inj }),
      deployment("registration", `api${i}-${inj}`),
    ]);
    const codes = await auditAll(["--state", file("names.json", exportOf(resources))], [], "injected names");
    assert.deepEqual(codes, [1, 1, 1, 1, 1, 1]);
  });

  it("secrets of the issue: SQL that fails to parse, a short Pulumi secret, an AWS key in env, waiver text", async () => {
    const sql = `CREATE USER app WITH PASSWORD '${SQL_PW}' LOGIN,,;`;
    const d = deployment("registration", "registration-api");
    const containers = (d.props["spec"] as { template: { spec: { containers: { env: unknown[] }[] } } }).template.spec.containers;
    containers[0]?.env.push({ name: "AWS_ACCESS_KEY_ID", value: AWS }, { name: "DATABASE_URL", value: `postgres://app:${URL_PW}@db:5432/app` }, { name: "NOTE", value: JWT });
    const resources = [
      bucket("short-secret", exportSecret("US")),
      bucket("ghp-label", "europe-west1", { service: "maintenance", "data-class": GHP }),
      migrationsMap("registration", { "0001_init.up.sql": sql, "0001_init.down.sql": "DROP USER app;" }),
      d,
    ];
    const config = file(
      "config.json",
      JSON.stringify({
        "data-residency": {
          waivers: [{ resource: "ghp-*", justification: `rolled out with token ${GHP} and \u001b[2J later`, approver: "a@b.example", expires: "2027-01-01", ticket: `T\u001b]0;x\u0007 ${JWT}` }],
        },
      }),
    );
    const codes = await auditAll(["--state", file("secrets.json", exportOf(resources)), "--config", config], [SQL_PW, AWS, URL_PW, JWT, GHP, "US"], "issue secrets");
    assert.deepEqual(codes, [1, 1, 1, 1, 1, 1]);
  });

  it("a location of the wrong type is a data-residency violation saying what was expected and found", async () => {
    for (const [i, bad] of [{ a: 1 }, ["europe-west1"], 42, "", true].entries()) {
      const r = await cli(["audit", "--state", file("loc.json", exportOf([bucket(`typed-${i}`, bad)])), "--format", "json", "--today", TODAY]);
      assert.equal(r.code, 1, JSON.stringify(bad));
      const v = (JSON.parse(r.stdout) as { violations: { policy: string; name?: string; message: string }[] }).violations.find(
        (x) => x.policy === "data-residency" && x.name === `typed-${i}`,
      );
      assert.match(
        v?.message ?? "",
        /has a location of the wrong type in field 'location': expected a region or zone name \(a string such as 'europe-west1'\) \(found (an object|an array \(1 item\)|the number 42|an empty string|the boolean true)\)\. Fix: set location to one of europe-west1\.$/,
        JSON.stringify(bad),
      );
    }
  });

  it("wide waivers ('*', '*-api', '?x') are malformed, exempt nothing and are violations themselves", async () => {
    for (const resource of ["*", "*-api", "?b-*", "ab*", "service:", "urn:pulumi:prod"]) {
      const config = file("wide.json", JSON.stringify({ "data-residency": { waivers: [{ resource, justification: "a justification of twenty chars", approver: "a@b.example", expires: "2027-01-01" }] } }));
      const r = await cli(["audit", "--state", file("w.json", exportOf([bucket("ab-bucket", "EU")])), "--config", config, "--format", "json", "--today", TODAY]);
      assert.equal(r.code, 1, resource);
      const j = JSON.parse(r.stdout) as { violations: { kind: string; message: string; name?: string }[]; waived: unknown[] };
      assert.equal(j.waived.length, 0, resource);
      assert.ok(j.violations.some((v) => v.kind === "config" && /waivers\[0\]\.resource: waiver is malformed and exempts nothing/.test(v.message)), resource);
      assert.ok(j.violations.some((v) => v.kind === "violation" && v.name === "ab-bucket"), resource);
    }
  });

  it("event logs: secrets and escapes in messages are redacted; no event of this pack, or another pack's events, is exit 2", async () => {
    const ev = (o: Record<string, unknown>, i: number) => JSON.stringify({ sequence: i, timestamp: 1763900000 + i, ...o });
    const pe = (message: string, pack = "readiness-guard", urn = "urn:pulumi:prod::readiness::gcp:storage/bucket:Bucket::b") => ({
      policyEvent: { resourceUrn: urn, message, policyName: "data-residency", policyPackName: pack, policyPackVersion: "0.1.0", enforcementLevel: "mandatory" },
    });
    const msgs = [
      `connect to postgres://user:${URL_PW}@db/app failed`,
      `token ${JWT} and key ${AWS}`,
      ...INJECTIONS,
      `CREATE ROLE r PASSWORD '${SQL_PW}'`,
    ];
    const good = msgs.map((m, i) => ev(pe(m, "readiness-guard", `urn:pulumi:prod::readiness::gcp:storage/bucket:Bucket::b${i}-${INJECTIONS[i % INJECTIONS.length]}`), i)).join("\n");
    assert.deepEqual(await auditAll(["--events", file("ev.jsonl", good)], [URL_PW, JWT, AWS, SQL_PW], "event messages"), [1, 1, 1, 1, 1, 1]);

    const cases: [string, string, RegExp][] = [
      ["empty", "", /has no policy event of readiness-guard/],
      ["only a prelude", ev({ preludeEvent: { config: {} } }, 0), /has no policy event of readiness-guard/],
      ["another pack", ev(pe("m", "other-pack"), 0), /policy events of another policy pack \('other-pack'\)/],
      ["ours and another", [ev(pe("m"), 0), ev(pe("m", "aws-guard"), 1)].join("\n"), /another policy pack \('aws-guard'\)/],
      ["not an engine event", '{"hello": "world"}', /line 1: not a Pulumi engine event/],
      ["an array", "[1,2]", /line 1: not a Pulumi engine event/],
      ["a bad sequence", '{"sequence": "x", "policyLoadEvent": {}}', /line 1: sequence: must be a number/],
      ["an escape in a pack name", ev(pe("m", "evil\u001b]0;x\u0007"), 0), /another policy pack/],
    ];
    for (const [what, text, re] of cases) {
      const r = await cli(["audit", "--events", file("bad.jsonl", text)]);
      assert.equal(r.code, 2, what);
      assert.match(r.stderr, re, what);
      assertSafe(r.stderr, "text", [], what);
      assert.equal(r.stderr.trimEnd().split("\n").length, 1, what);
    }
  });

  it("--out: atomic; never onto the input, never through a symlink unless --force; write errors are exit 2 with one line", async () => {
    const state = file("out-state.json", exportOf([bucket("ok", "europe-west1")]));
    const only = file("only-residency.json", JSON.stringify({ all: "disabled", "data-residency": "mandatory" }));
    const ok = path.join(dir, "out", "r.md");
    assert.equal((await cli(["audit", "--state", state, "--config", only, "--format", "markdown", "--out", ok])).code, 0);
    assert.ok(fs.readFileSync(ok, "utf8").startsWith("# Readiness report"));
    assert.deepEqual(fs.readdirSync(path.dirname(ok)), ["r.md"], "no temporary file is left");

    const onInput = await cli(["audit", "--state", state, "--out", state]);
    assert.equal(onInput.code, 2);
    assert.match(onInput.stderr, /is an input file of this command/);
    assert.ok(fs.readFileSync(state, "utf8").startsWith('{"version":3'), "the input is intact");

    const target = path.join(dir, "target.txt");
    fs.writeFileSync(target, "keep");
    const link = path.join(dir, "link.md");
    fs.symlinkSync(target, link);
    const through = await cli(["audit", "--state", state, "--out", link]);
    assert.equal(through.code, 2);
    assert.match(through.stderr, /is a symbolic link.*--force/);
    assert.equal(fs.readFileSync(target, "utf8"), "keep");
    assert.equal((await cli(["audit", "--state", state, "--config", only, "--out", link, "--force"])).code, 0);
    assert.ok(fs.lstatSync(link).isSymbolicLink(), "--force writes the file the link points to");
    assert.match(fs.readFileSync(target, "utf8"), /Readiness: not ready: 0 mandatory violations, 0 advisory, 0 undecided, 0 waived across 3 resources\. 24 checklist lines without evidence\./);

    const configLink = path.join(dir, "config-link.json");
    const config = file("cfg.json", "{}");
    fs.symlinkSync(config, configLink);
    const overConfig = await cli(["audit", "--state", state, "--config", config, "--out", configLink, "--force"]);
    assert.equal(overConfig.code, 2, "not onto an input through a link either");
    assert.equal(fs.readFileSync(config, "utf8"), "{}");

    for (const [out, re] of [
      [dir, /is a directory/],
      ["/dev/full", /system directory|not a regular file/],
      ["/proc/self/comm", /system directory/],
      ["/proc/1/x/y.md", /system directory/],
      [path.join(state, "sub.md"), /cannot create its directory|not a directory/],
      ["", /empty path/],
    ] as const) {
      const r = await cli(["audit", "--state", state, "--out", out]);
      assert.equal(r.code, 2, `${out}: ${r.stderr}`);
      assert.match(r.stderr, re, out);
      assert.equal(r.stderr.trimEnd().split("\n").length, 1, out);
    }
    if (process.getuid?.() !== 0) {
      const ro = path.join(dir, "ro");
      fs.mkdirSync(ro, { mode: 0o555 });
      const r = await cli(["audit", "--state", state, "--out", path.join(ro, "r.md")]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /cannot write the report \(permission denied\)/);
    }
  });

  it("a UTF-8 BOM is accepted in exports, configs and event logs", async () => {
    const state = file("bom.json", `\ufeff${exportOf([bucket("ok", "europe-west1")])}`);
    const config = file("bom-config.json", '\ufeff{"all": "disabled", "data-residency": "mandatory"}');
    assert.equal((await cli(["audit", "--state", state, "--config", config])).code, 0);
    const events = file("bom.jsonl", `\ufeff${fs.readFileSync(path.join(__dirname, "../../../test/fixtures/state/preview-events.jsonl"), "utf8")}`);
    assert.equal((await cli(["audit", "--events", events])).code, 1);
  });

  it("degenerate files are exit 2 with one safe line (never 3, never a stack trace)", async () => {
    const texts: [string, string][] = [
      ["truncated", exportOf([bucket("b", "EU")]).slice(0, 150)],
      ["deep", `${"[".repeat(100_000)}${"]".repeat(100_000)}`],
      ["proto", '{"version":3,"deployment":{"resources":[{"__proto__":{"urn":1},"urn":"x","type":"t","custom":true}]}}'],
      ["null", "null"],
      ["escape in a key", `{"version":3,"deployment":{"resources":[{"urn":"urn:pulumi:a::b::c::d","type":"t","custom":"\u001b[2J ${AWS}"}]}}`],
      ["escape in a provider", `{"version":3,"deployment":{"resources":[{"urn":"urn:pulumi:a::b::c::d","type":"t","custom":true,"provider":"\u001b]0;x\u0007 postgres://u:${URL_PW}@h"}]}}`],
      ["binary", "\u0000\u0001\u0002\u00ff"],
    ];
    for (const [what, text] of texts) {
      const r = await cli(["audit", "--state", file("bad.json", text)]);
      assert.equal(r.code, 2, `${what}: ${r.stderr}`);
      assertSafe(r.stderr, "text", [AWS, URL_PW], what);
      assert.equal(r.stderr.trimEnd().split("\n").length, 1, what);
    }
  });
});

/** The text every report prints whatever the input: a generated secret found in it would be a false alarm. */
let boilerplate = "";

async function boiler(): Promise<string> {
  if (boilerplate) return boilerplate;
  const state = file("clean.json", exportOf([bucket("clean", "EU")]));
  for (const format of FORMATS) boilerplate += (await cli(["audit", "--state", state, "--format", format, "--today", TODAY])).stdout.toLowerCase();
  return boilerplate;
}

function distinct(secret: string, text: string): boolean {
  return secret.length >= 4 ? forms(secret).every((f) => !text.includes(f)) : quotedForms(secret).every((f) => !text.includes(f));
}

const alnum = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${min},${max}}$`));

/** Secrets of many shapes: each with the part that must never be printed. */
const shapedSecret: fc.Arbitrary<{ value: string; secret: string }> = fc.oneof(
  fc.stringMatching(/^AKIA[A-Z0-9]{16}$/).map((s) => ({ value: s, secret: s })),
  alnum(36, 40).map((s) => ({ value: `ghp_${s}`, secret: `ghp_${s}` })),
  fc.tuple(alnum(10, 20), alnum(10, 20), alnum(10, 30)).map(([a, b, c]) => {
    const jwt = `eyJ${a}.eyJ${b}.${c}`;
    return { value: jwt, secret: jwt };
  }),
  alnum(8, 16).map((pw) => ({ value: `postgres://app:Pw9${pw}@db.internal:5432/app`, secret: `Pw9${pw}` })),
  alnum(8, 16).map((pw) => ({ value: `CREATE ROLE app LOGIN PASSWORD 'Sq1${pw}',,;`, secret: `Sq1${pw}` })),
  alnum(8, 16).map((pw) => ({ value: `host=db user=app password=Kv7${pw} sslmode=require`, secret: `Kv7${pw}` })),
);

type Place = "env" | "label" | "annotation" | "configmap" | "sql" | "event" | "waiver" | "name";

function placed(place: Place, value: string): { input: string[] } {
  const d = deployment("registration", "registration-api");
  const spec = d.props["spec"] as { template: { metadata?: { annotations?: Record<string, string> }; spec: { containers: { env: unknown[] }[] } } };
  switch (place) {
    case "env":
      spec.template.spec.containers[0]?.env.push({ name: "SETTING", value });
      return { input: ["--state", file("p.json", exportOf([d, bucket("eu-bucket", "EU")]))] };
    case "label":
      return { input: ["--state", file("p.json", exportOf([bucket("eu-bucket", "EU", { service: "maintenance", "data-class": value, owner: value })]))] };
    case "annotation":
      spec.template.metadata = { ...spec.template.metadata, annotations: { note: value } };
      return { input: ["--state", file("p.json", exportOf([d]))] };
    case "configmap":
      return { input: ["--state", file("p.json", exportOf([res(T.configMap, "settings", { metadata: { name: "settings", namespace: "registration" }, data: { url: value } })]))] };
    case "sql":
      return { input: ["--state", file("p.json", exportOf([migrationsMap("registration", { "0001_x.up.sql": `SELECT '${value}' FROM ,,;`, "0001_x.down.sql": value })]))] };
    case "name":
      return { input: ["--state", file("p.json", exportOf([bucket(`b-${value.replace(/::/g, "-")}`, "EU")]))] };
    case "event": {
      const e = { sequence: 1, policyEvent: { message: `found ${value}`, policyName: "data-residency", policyPackName: "readiness-guard", policyPackVersion: "0.1.0", enforcementLevel: "mandatory" } };
      return { input: ["--events", file("p.jsonl", JSON.stringify(e))] };
    }
    case "waiver": {
      const config = { "data-residency": { waivers: [{ resource: "eu-*", justification: `pending the move, see ${value}`, approver: "a@b.example", expires: "2027-01-01", ticket: value }] } };
      return { input: ["--state", file("p.json", exportOf([bucket("eu-bucket", "EU")])), "--config", file("c.json", JSON.stringify(config))] };
    }
  }
}

describe("robustness: generated secrets never reach any output format (fast-check)", function () {
  this.timeout(300_000);

  it("secret-shaped values anywhere input carries text: env, labels, annotations, ConfigMaps, SQL, names, event messages, waiver text", async () => {
    const text = await boiler();
    const places: Place[] = ["env", "label", "annotation", "configmap", "sql", "event", "waiver", "name"];
    await fc.assert(
      fc.asyncProperty(shapedSecret, fc.constantFrom(...places), async (s, place) => {
        const { input } = placed(place, s.value);
        const codes = await auditAll(input, [s.secret], `${place}: ${s.value}`);
        assert.ok(codes.every((c) => c <= 2), `${place}: exit ${codes.join(",")}`);
      }),
      { numRuns: 40, seed: 20261123 },
    );
    assert.ok(text.length > 0);
  });

  it("Pulumi secrets of any length and content, as a location and as labels, are never printed (short ones never quoted)", async () => {
    const text = await boiler();
    const secret = fc
      .oneof(fc.string({ minLength: 1, maxLength: 3 }), fc.string({ minLength: 4, maxLength: 40 }), fc.stringMatching(/^[A-Za-z]{1,3}$/), fc.stringMatching(/^[a-z]+-[a-z]+[0-9]$/))
      .filter((s) => s.trim() !== "" && distinct(s, text));
    await fc.assert(
      fc.asyncProperty(secret, async (s) => {
        const resources = [bucket("sec-loc", exportSecret(s)), bucket("sec-label", "EU", { service: "maintenance", "data-class": exportSecret(s), owner: exportSecret(s) })];
        await auditAll(["--state", file("s.json", exportOf(resources))], [s], `secret ${JSON.stringify(s)}`);
      }),
      { numRuns: 40, seed: 1123 },
    );
  });
});

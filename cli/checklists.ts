/**
 * Readiness checklists: Markdown files read at run time, each line mapped to the gates that prove
 * it, or to nobody (manual: a person signs it off).
 *
 * The three seed checklists ship as files in `checklists/` (config.md, registration.md,
 * maintenance.md, faithful to the seed documents 000, 001, 002). A team brings its own with
 * `--checklist <service>=<file>` or `--checklists <dir>` (`<dir>/<service>/SERVICE_READINESS.md`).
 *
 * How a line gets its gates, first rule that applies:
 *   1. a marker on the line: `<!-- gate: name[, name] -->` (catalog names; unknown = bad input) or `<!-- manual -->`;
 *   2. for a seed checklist, the gate catalog's `sources` naming this exact line (seed, section, text);
 *   3. the phrasings that mean each gate (the gates' seed lines, plus `checklists/gate-phrases.json`),
 *      compared after normalising case, punctuation and spacing ("5 %" = "5%");
 *   4. otherwise the line is manual.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { GATES, SEEDS, type SeedId, type SourceLine } from "../policypack/src/catalog";
import { ChecklistFileError, parseChecklistMarkdown, splitRoles, type ParsedChecklist } from "./checklist-md";
import { InputError } from "./state";

export interface ChecklistLineData {
  /** The line, as written in the checklist (without markers). */
  readonly text: string;
  /** The document's own note on the line (a table's Notes column). */
  readonly note?: string;
  /** Sub-items listed under the line. */
  readonly sub?: readonly string[];
}

/** How a line got its gates. */
export type MappingRule = "marker" | "catalog" | "phrase" | "manual-marker" | "unmatched";

/** A checklist line with what decides it: the gates that automate it, or nobody (manual). */
export interface ChecklistItem extends ChecklistLineData {
  /** "000/Security/3" (seed) or "billing/Security/3": stable across runs, used in report anchors and SARIF. */
  readonly id: string;
  readonly seed?: SeedId;
  readonly service: string;
  readonly section: string;
  /** Gate names (catalog order) that prove this line; empty for a manual line. */
  readonly gates: readonly string[];
  readonly mapping: MappingRule;
  /** The phrasing that matched (mapping "phrase"). */
  readonly phrase?: string;
  /** 1-based line in the checklist file. */
  readonly lineNo: number;
}

export interface ChecklistSection {
  readonly title: string;
  readonly items: readonly ChecklistItem[];
  readonly signOff?: readonly string[];
}

export interface Checklist {
  /** The seed document this checklist is (000, 001, 002); absent for a team's own checklist. */
  readonly seed?: SeedId;
  readonly service: string;
  readonly title: string;
  /** The heading above the sections. */
  readonly heading: string;
  readonly intro: string;
  /** Who signs the whole checklist off. */
  readonly signOff: string;
  /** The sign-off roles of the whole checklist (a Role | Name | Date table, or the sign-off sentence's roles). */
  readonly signOffRoles: readonly string[];
  /** How the document lays its lines out: bullets (or task lists) or a Gate | Status | Notes table. */
  readonly layout: "bullets" | "table";
  /** The file it was read from, as given (package files relative to the package root). */
  readonly file: string;
  readonly sections: readonly ChecklistSection[];
}

/** The folder holding the shipped checklists (walks up from this file: works from cli/ and build/cli/). */
export function checklistsDir(from = __dirname): string {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, "checklists", "config.md"))) return path.join(dir, "checklists");
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return path.resolve(from, "..", "checklists");
}

/** The seed checklists shipped as files, in seed order. */
export const SEED_FILES: readonly { readonly seed: SeedId; readonly file: string }[] = [
  { seed: "000", file: "config.md" },
  { seed: "001", file: "registration.md" },
  { seed: "002", file: "maintenance.md" },
];

/** Normalises a checklist line for comparison: case, punctuation, spacing, "5 %" = "5%", "≥" = ">=". */
export function normalisePhrase(s: string): string {
  return s
    .normalize("NFKC")
    .toLowerCase()
    .replace(/≥/g, " >= ")
    .replace(/≤/g, " <= ")
    .replace(/(\d)\s+%/g, "$1%")
    .replace(/(\d)\s+(ms|s|d|kb|mb|rps)\b/g, "$1$2")
    .replace(/[^\p{L}\p{N}%<>=]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

const PhrasesFile = z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).describe("gate name → phrasings");

interface Phrase {
  readonly gate: string;
  readonly phrase: string;
}

/** Reads `checklists/gate-phrases.json`: extra phrasings (beyond the gates' seed lines) meaning each gate. */
export function loadPhrases(file = path.join(checklistsDir(), "gate-phrases.json")): ReadonlyMap<string, readonly Phrase[]> {
  const shown = path.basename(file);
  let raw: unknown = {};
  if (fs.existsSync(file)) {
    try {
      raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      throw new InputError(`${shown}: not valid JSON (${(e as Error).message}).`);
    }
  }
  const parsed = PhrasesFile.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${shown}: ${issue ? `${issue.path.join(".") || "(top)"}: ${issue.message}` : "invalid"}. Fix: an object of gate name → list of phrasings.`);
  }
  const known = new Set(GATES.map((g) => g.name));
  const out = new Map<string, Phrase[]>();
  const add = (gate: string, phrase: string) => {
    const k = normalisePhrase(phrase);
    if (k === "") return;
    const list = out.get(k) ?? [];
    if (!list.some((p) => p.gate === gate)) list.push({ gate, phrase });
    out.set(k, list);
  };
  for (const g of GATES) for (const s of g.sources) add(g.name, s.line);
  for (const [gate, phrases] of Object.entries(parsed.data)) {
    if (!known.has(gate)) throw new InputError(`${shown}: unknown gate '${gate}'. Fix: use a name from the gate catalog (GATES.md).`);
    for (const p of phrases) add(gate, p);
  }
  return out;
}

function sourceKey(seed: string, section: string, line: string): string {
  return `${seed}\u0000${section}\u0000${line}`;
}

const GATE_ORDER: ReadonlyMap<string, number> = new Map(GATES.map((g, i) => [g.name, i]));

function byCatalogOrder(names: Iterable<string>): string[] {
  return [...new Set(names)].sort((a, b) => (GATE_ORDER.get(a) ?? 1e9) - (GATE_ORDER.get(b) ?? 1e9) || (a < b ? -1 : a > b ? 1 : 0));
}

let phrasesCache: ReadonlyMap<string, readonly Phrase[]> | undefined;
function phrases(): ReadonlyMap<string, readonly Phrase[]> {
  phrasesCache ??= loadPhrases();
  return phrasesCache;
}

let sourcesCache: ReadonlyMap<string, readonly string[]> | undefined;
function bySource(): ReadonlyMap<string, readonly string[]> {
  if (sourcesCache) return sourcesCache;
  const m = new Map<string, string[]>();
  for (const g of GATES) {
    for (const s of g.sources) {
      const k = sourceKey(s.seed, s.section, s.line);
      const list = m.get(k) ?? [];
      if (!list.includes(g.name)) list.push(g.name);
      m.set(k, list);
    }
  }
  sourcesCache = m;
  return m;
}

function mapLine(
  seed: SeedId | undefined,
  section: string,
  text: string,
  marker: ParsedChecklist["sections"][number]["lines"][number]["marker"],
  file: string,
  lineNo: number,
): { gates: readonly string[]; mapping: MappingRule; phrase?: string } {
  if (marker?.kind === "manual") return { gates: [], mapping: "manual-marker" };
  if (marker?.kind === "gates") {
    const unknown = marker.gates.filter((g) => !GATE_ORDER.has(g));
    if (unknown.length > 0) {
      throw new ChecklistFileError(file, lineNo, `unknown gate '${unknown[0] as string}' in the <!-- gate: --> marker. Fix: use a name from the gate catalog (GATES.md), e.g. ${GATES[0]?.name ?? ""}.`);
    }
    return { gates: byCatalogOrder(marker.gates), mapping: "marker" };
  }
  if (seed) {
    const hit = bySource().get(sourceKey(seed, section, text));
    if (hit) return { gates: byCatalogOrder(hit), mapping: "catalog" };
    // A seed line the catalog does not name is manual: the catalog is the record for the seeds.
    return { gates: [], mapping: "unmatched" };
  }
  const p = phrases().get(normalisePhrase(text));
  if (p && p.length > 0) return { gates: byCatalogOrder(p.map((x) => x.gate)), mapping: "phrase", phrase: (p[0] as Phrase).phrase };
  return { gates: [], mapping: "unmatched" };
}

/** Builds a checklist from Markdown text. `file` is the name errors and the report give. */
export function checklistFromMarkdown(source: string, file: string, service: string, seed?: SeedId): Checklist {
  const parsed = parseChecklistMarkdown(source, file);
  const idPrefix = seed ?? service;
  const sections: ChecklistSection[] = parsed.sections.map((s) => ({
    title: s.title,
    ...(s.signOff ? { signOff: s.signOff } : {}),
    items: s.lines.map((l, i): ChecklistItem => {
      const m = mapLine(seed, s.title, l.text, l.marker, file, l.lineNo);
      return {
        text: l.text,
        ...(l.note ? { note: l.note } : {}),
        ...(l.sub ? { sub: l.sub } : {}),
        id: `${idPrefix}/${s.title}/${i + 1}`,
        ...(seed ? { seed } : {}),
        service,
        section: s.title,
        gates: m.gates,
        mapping: m.mapping,
        ...(m.phrase !== undefined ? { phrase: m.phrase } : {}),
        lineNo: l.lineNo,
      };
    }),
  }));
  const title = parsed.title ?? (seed ? SEEDS[seed].title : `${service} — Service Readiness`);
  const intro = parsed.intro;
  const heading = parsed.heading ?? (/^([^.!?]+)[.!?]\s/.exec(intro)?.[1] ?? "Readiness checklist");
  return {
    ...(seed ? { seed } : {}),
    service,
    title,
    heading,
    intro,
    ...signOffOf(parsed, sections),
    layout: parsed.layout,
    file,
    sections,
  };
}

/** The whole checklist's sign-off: its own sentence, a Role table, or a line saying who signs it off. */
function signOffOf(parsed: ParsedChecklist, sections: readonly ChecklistSection[]): { signOff: string; signOffRoles: readonly string[] } {
  if (parsed.signOff !== undefined) {
    const roles = /sign-?off\s*:\s*([^(.]*)/i.exec(parsed.signOff)?.[1] ?? "";
    return { signOff: parsed.signOff, signOffRoles: splitRoles(roles) };
  }
  if (parsed.signOffRoles.length > 0) {
    return { signOff: `Sign-off: ${parsed.signOffRoles.join(", ")} (name and date each).`, signOffRoles: parsed.signOffRoles };
  }
  for (const s of sections) {
    for (const i of s.items) {
      const m = /signed off by (.+)$/i.exec(i.text);
      if (m) return { signOff: `Sign-off: ${m[1] as string} (the ${s.title} line "${i.text}").`, signOffRoles: splitRoles(m[1] as string) };
    }
  }
  return { signOff: "Sign-off: the checklist names no roles.", signOffRoles: [] };
}

/** Reads one checklist file (InputError naming the file when it cannot be read or is malformed). */
export function readChecklistFile(file: string, service: string, shown = file, seed?: SeedId): Checklist {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${shown}: cannot read the checklist (${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (e as Error).message}).`);
  }
  return checklistFromMarkdown(text, shown, service, seed);
}

function loadSeeds(): readonly Checklist[] {
  const dir = checklistsDir();
  return SEED_FILES.map((s) => readChecklistFile(path.join(dir, s.file), SEEDS[s.seed].service, `checklists/${s.file}`, s.seed));
}

/** The three seed checklists, in seed order, read from `checklists/` with each line's automating gates. */
export const CHECKLISTS: readonly Checklist[] = loadSeeds();

function unmatchedSources(): readonly (SourceLine & { gate: string })[] {
  const found = new Set(CHECKLISTS.flatMap((c) => c.sections.flatMap((s) => s.items.map((i) => sourceKey(c.seed ?? "", s.title, i.text)))));
  return GATES.flatMap((g) => g.sources.filter((s) => !found.has(sourceKey(s.seed, s.section, s.line))).map((s) => ({ ...s, gate: g.name })));
}

/** Catalog sources that name no line of the checklists (a typo in the catalog; must stay empty). */
export const UNMATCHED_SOURCES = unmatchedSources();

/** Every line of every checklist, in document order. */
export function allItems(list: readonly Checklist[] = CHECKLISTS): readonly ChecklistItem[] {
  return list.flatMap((c) => c.sections.flatMap((s) => s.items));
}

/** The checklist whose service is `service`. */
export function checklistOf(service: string, list: readonly Checklist[] = CHECKLISTS): Checklist | undefined {
  return list.find((c) => c.service === service);
}

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export interface ChecklistOptions {
  /** `--checklist <service>=<file>`, repeatable. */
  readonly checklist?: readonly string[];
  /** `--checklists <dir>`: `<dir>/<service>/SERVICE_READINESS.md`. */
  readonly checklists?: string;
  readonly cwd?: string;
}

/**
 * The checklists of a run: the seeds, then the team's own (a team's checklist for a seed service
 * replaces the seed's). Undefined when no option is given (the report uses the seeds).
 */
/**
 * The files `--checklist` and `--checklists` read (absolute paths), for `--out` / `--out-dir` to
 * refuse writing onto one. Never throws: loadChecklists() reports a bad option.
 */
export function checklistInputFiles(opts: ChecklistOptions): string[] {
  const cwd = opts.cwd ?? process.cwd();
  const files: string[] = [];
  if (opts.checklists !== undefined) {
    const dir = path.resolve(cwd, opts.checklists);
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      // loadChecklists() says why.
    }
    for (const d of entries) if (d.isDirectory()) files.push(path.join(dir, d.name, "SERVICE_READINESS.md"));
  }
  for (const spec of opts.checklist ?? []) {
    const eq = spec.indexOf("=");
    if (eq > 0 && eq < spec.length - 1) files.push(path.resolve(cwd, spec.slice(eq + 1)));
  }
  return files;
}

export function loadChecklists(opts: ChecklistOptions): readonly Checklist[] | undefined {
  const cwd = opts.cwd ?? process.cwd();
  const given: Checklist[] = [];
  const seen = new Map<string, string>();
  const add = (service: string, file: string, shown: string, from: string) => {
    if (!SERVICE_NAME.test(service)) throw new InputError(`${from}: '${service}' is not a service name (letters, digits, . _ -).`);
    const before = seen.get(service);
    if (before !== undefined) throw new InputError(`${from}: two checklists for service '${service}' (${before} and ${shown}). Fix: give one.`);
    seen.set(service, shown);
    given.push(readChecklistFile(path.resolve(cwd, file), service, shown));
  };
  if (opts.checklists !== undefined) {
    const dir = path.resolve(cwd, opts.checklists);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(`--checklists: ${opts.checklists}: cannot read the folder (${code === "ENOENT" ? "no such folder" : code === "ENOTDIR" ? "not a folder" : (e as Error).message}).`);
    }
    const found = entries
      .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "SERVICE_READINESS.md")))
      .map((d) => d.name)
      .sort();
    if (found.length === 0) throw new InputError(`--checklists: ${opts.checklists}: has no <service>/SERVICE_READINESS.md. Fix: one folder per service, each with its SERVICE_READINESS.md.`);
    for (const s of found) add(s, path.join(dir, s, "SERVICE_READINESS.md"), path.posix.join(opts.checklists.split(path.sep).join("/"), s, "SERVICE_READINESS.md"), "--checklists");
  }
  for (const spec of opts.checklist ?? []) {
    const eq = spec.indexOf("=");
    if (eq <= 0 || eq === spec.length - 1) throw new InputError(`--checklist: '${spec}' is not <service>=<file>. Fix: e.g. --checklist billing=docs/SERVICE_READINESS.md.`);
    add(spec.slice(0, eq), spec.slice(eq + 1), spec.slice(eq + 1), "--checklist");
  }
  if (given.length === 0 && opts.checklists === undefined) return undefined;
  const replaced = new Set(given.map((c) => c.service));
  return [...CHECKLISTS.filter((c) => !replaced.has(c.service)), ...given];
}

/** The checklist lines a gate automates ("002 · 5. Storage & migrations · Backups: ..."). */
export interface GateLine {
  readonly checklist: SeedId;
  readonly service: string;
  readonly section: string;
  readonly line: string;
}

export function gateLines(gate: string): readonly GateLine[] {
  const g = GATES.find((x) => x.name === gate);
  if (!g) return [];
  return g.sources.map((s) => ({ checklist: s.seed, service: SEEDS[s.seed].service, section: s.section, line: s.line }));
}

const RULE_LABEL: Readonly<Record<MappingRule, string>> = {
  marker: "marker",
  catalog: "gate catalog",
  phrase: "phrase",
  "manual-marker": "marker",
  unmatched: "no phrase matched",
};

/** One line per checklist line with its mapping, for `readiness checklist <file>`. */
export function describeChecklist(c: Checklist): string {
  const items = allItems([c]);
  const automated = items.filter((i) => i.gates.length > 0).length;
  const out = [
    `${c.file}: service ${c.service}, ${c.layout === "table" ? "table" : "bullet"} layout, ${items.length} line${items.length === 1 ? "" : "s"} (${automated} automated, ${items.length - automated} manual)`,
  ];
  for (const s of c.sections) {
    out.push(`## ${s.title}${s.signOff ? ` (sign-off: ${s.signOff.join(", ")})` : ""}`);
    for (const i of s.items) {
      const how =
        i.gates.length > 0
          ? `gate ${i.gates.join(", ")} (${RULE_LABEL[i.mapping]}${i.mapping === "phrase" && i.phrase !== undefined ? `: "${i.phrase}"` : ""})`
          : `manual (${i.mapping === "unmatched" && i.seed ? "not named by the gate catalog" : RULE_LABEL[i.mapping]})`;
      out.push(`  ${c.file}:${i.lineNo}  ${i.text}  →  ${how}`);
    }
  }
  out.push(c.signOff);
  return `${out.join("\n")}\n`;
}

/** The checklist a `readiness checklist <file>` run describes: a shipped seed file keeps its seed mapping. */
export function checklistForFile(file: string, shown: string, service?: string): Checklist {
  const abs = path.resolve(file);
  const dir = checklistsDir();
  const seed = SEED_FILES.find((s) => path.join(dir, s.file) === abs);
  if (seed) return readChecklistFile(abs, service ?? SEEDS[seed.seed].service, `checklists/${seed.file}`, seed.seed);
  const base = path.basename(abs, path.extname(abs));
  const guessed = base.toUpperCase() === "SERVICE_READINESS" ? path.basename(path.dirname(abs)) : base;
  return readChecklistFile(abs, service ?? guessed, shown);
}

/** The default template: the automatable lines of the three seeds, for a service without a checklist. */
export function defaultChecklist(service: string): Checklist {
  return readChecklistFile(path.join(checklistsDir(), "default.md"), service, "checklists/default.md");
}

/**
 * The checklists of the services a stack holds, in order: seed services in seed order, then the
 * others by name. Each service gets the team's checklist, else its seed checklist, else the default
 * template (with a note saying so). A team's checklist for a service with no resource in the stack
 * is still reported (its automated lines then have no evidence), with a note.
 */
export function checklistsForServices(available: readonly Checklist[], services: readonly string[]): { checklists: readonly Checklist[]; notes: readonly string[] } {
  const seedOrder = (s: string) => {
    const i = SEED_FILES.findIndex((f) => SEEDS[f.seed].service === s);
    return i < 0 ? SEED_FILES.length : i;
  };
  const ordered = [...new Set(services)].sort((a, b) => seedOrder(a) - seedOrder(b) || (a < b ? -1 : a > b ? 1 : 0));
  const notes: string[] = [];
  const out: Checklist[] = [];
  for (const s of ordered) {
    const own = available.find((c) => c.service === s);
    if (own) out.push(own);
    else {
      out.push(defaultChecklist(s));
      notes.push(`Service '${s}' has no checklist of its own: the default template (checklists/default.md) is used. Fix: give one with --checklist ${s}=<file>.`);
    }
  }
  for (const c of available) {
    if (c.seed || ordered.includes(c.service)) continue;
    out.push(c);
    notes.push(`Service '${c.service}' has a checklist (${c.file}) but no resource in this stack: its automated lines have no evidence.`);
  }
  return { checklists: out, notes };
}

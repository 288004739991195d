/**
 * The real PostgreSQL parser (libpg-query, WebAssembly), loaded lazily.
 *
 * `loadParserOnce()` is the rules' asynchronous one-time set-up (see `init` in engine/rule.ts):
 * requiring libpg-query starts compiling its WebAssembly module, so it is required only there,
 * never at import time, and the pack's cold start does not pay for it. After that, `parseSql()`
 * is synchronous, pure and cached by text.
 */
import type { Node, ParseResult, RawStmt } from "libpg-query";

type PgQuery = typeof import("libpg-query");

/** One top-level statement of a file. */
export interface Statement {
  readonly node: Node;
  /** 1-based line of the statement's first token. */
  readonly line: number;
  /** The statement's text, whitespace collapsed (for messages). */
  readonly text: string;
  /** The statement's text exactly as written (to run it on a database). */
  readonly source: string;
}

export interface ParseError {
  /** The parser's own message, e.g. `syntax error at or near "int"`. */
  readonly message: string;
  /** 1-based line and column of the error, from the parser's cursor position. */
  readonly line: number;
  readonly column: number;
  /** The text of the offending line, trimmed. */
  readonly lineText: string;
}

export type Parsed =
  | {
      readonly ok: true;
      readonly statements: readonly Statement[];
      readonly comments: readonly string[];
      /** The 1-based line of a byte offset of the text (the tree's `location` fields are bytes). */
      readonly lineAt: (byteOffset: number) => number;
    }
  | { readonly ok: false; readonly error: ParseError; readonly comments: readonly string[] };

/**
 * Wraps an asynchronous loader so that it runs once: later calls share the first result; a failed
 * load is forgotten, so the next call tries again.
 */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((e: unknown) => {
      pending = undefined;
      throw e;
    });
    return pending;
  };
}

let parser: PgQuery | undefined;

const loadLibPgQuery = once(async (): Promise<PgQuery> => {
  const mod = await import("libpg-query");
  await mod.loadModule();
  return mod;
});

/** Loads the WebAssembly parser once (the migration rules' `init`). */
export async function loadParserOnce(): Promise<void> {
  parser ??= await loadLibPgQuery();
}

const CACHE_LIMIT = 4096;
const cache = new Map<string, Parsed>();

/** Line starts of a text, as UTF-8 byte offsets (the parser's statement locations are bytes). */
function lineIndexBytes(text: string): { starts: number[]; bytes: Buffer } {
  const bytes = Buffer.from(text, "utf8");
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) starts.push(i + 1);
  return { starts, bytes };
}

function lineOfByte(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Line and column of a character position (the parser counts characters, i.e. code points). */
export function positionOf(text: string, cursor: number): { line: number; column: number; lineText: string } {
  let line = 1;
  let column = 1;
  let i = 0;
  let lineStart = 0;
  let units = 0;
  for (const ch of text) {
    if (i === cursor) break;
    units += ch.length;
    if (ch === "\n") {
      line++;
      column = 1;
      lineStart = units;
    } else {
      column++;
    }
    i++;
  }
  const end = text.indexOf("\n", lineStart);
  const lineText = text.slice(lineStart, end < 0 ? undefined : end).trim();
  return { line, column, lineText };
}

/**
 * The comments at the head of a file, before its first statement (`-- x` and `/* x *\/`), each
 * trimmed of its markers. This is where a migration declares itself (`-- readiness: contract`).
 */
export function leadingComments(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i] as string;
    if (c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\f") {
      i++;
    } else if (text.startsWith("--", i)) {
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? n : end;
      out.push(text.slice(i + 2, stop).trim());
      i = stop;
    } else if (text.startsWith("/*", i)) {
      // Postgres block comments nest.
      let depth = 0;
      let j = i;
      while (j < n) {
        if (text.startsWith("/*", j)) {
          depth++;
          j += 2;
        } else if (text.startsWith("*/", j)) {
          depth--;
          j += 2;
          if (depth === 0) break;
        } else {
          j++;
        }
      }
      out.push(text.slice(i + 2, depth === 0 ? j - 2 : n).trim());
      i = j;
    } else {
      break;
    }
  }
  return out;
}

/**
 * Directives a file declares in its leading comments: `-- readiness: contract` gives "contract".
 * Anything after the first word is a free-text reason.
 */
export function directivesOf(comments: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const c of comments) {
    for (const raw of c.split("\n")) {
      const line = raw.trim().replace(/^\*\s*/, "");
      if (!line.toLowerCase().startsWith("readiness:")) continue;
      const word = line.slice("readiness:".length).trim().split(/[\s,;(]/)[0];
      if (word) out.add(word.toLowerCase());
    }
  }
  return out;
}

function collapse(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

function parseUncached(p: PgQuery, text: string): Parsed {
  const comments = leadingComments(text);
  if (text.trim() === "") return { ok: true, statements: [], comments, lineAt: () => 1 };
  let result: ParseResult;
  try {
    result = p.parseSync(text);
  } catch (e) {
    const details = (e as { sqlDetails?: { cursorPosition?: unknown } }).sqlDetails;
    const cursor = typeof details?.cursorPosition === "number" ? details.cursorPosition : 0;
    const pos = positionOf(text, cursor);
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { message, ...pos }, comments };
  }
  const { starts, bytes } = lineIndexBytes(text);
  const statements: Statement[] = [];
  // The parser always gives a statement list, and a node per statement.
  for (const raw of result.stmts as RawStmt[]) {
    const loc = raw.stmt_location ?? 0;
    const len = raw.stmt_len ?? bytes.length - loc;
    const source = bytes.subarray(loc, loc + len).toString("utf8");
    statements.push({ node: raw.stmt as Node, line: lineOfByte(starts, loc), text: collapse(source), source });
  }
  return { ok: true, statements, comments, lineAt: (offset) => lineOfByte(starts, offset) };
}

/**
 * Parses a SQL file with PostgreSQL's parser. Synchronous; call `loadParserOnce()` first (the
 * rules' init does). Results are cached by text (bounded), so several gates share one parse.
 */
export function parseSql(text: string): Parsed {
  const hit = cache.get(text);
  if (hit) return hit;
  if (!parser) throw new Error("the SQL parser is not loaded: call loadParserOnce() (rule init) before checking");
  const parsed = parseUncached(parser, text);
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next().value as string;
    cache.delete(oldest);
  }
  cache.set(text, parsed);
  return parsed;
}

/** Empties the parse cache (benchmarks measure cold parses with it). */
export function clearParseCache(): void {
  cache.clear();
}

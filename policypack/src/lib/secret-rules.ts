/**
 * A well-kept secret rule set beside the pack's own shapes (lib/secrets.ts): the rules of
 * secretlint's recommended preset (`@secretlint/secretlint-rule-preset-recommend`, pinned), run
 * synchronously.
 *
 * Why not `@secretlint/core`'s `lintSource()`: it is asynchronous, and a gate's check is synchronous
 * (engine/rule.ts): making it async would turn every check, runResource(), evaluate() and the
 * fast AnalyzeStack path into promises for one gate. The preset's rules are written against
 * secretlint's public rule interface (`create(context, options)` returns a `file(source)` handler
 * that calls `context.report()`), and for text every one of them reports synchronously (only the
 * `.p12` branch of the GCP rule is asynchronous, and a `.env` source never takes it). So the rules
 * are run here with the few context members they use; test/policies/secret-rules.spec.ts checks
 * that this gives the same rule ids and message ids as `lintSource()` on a corpus.
 *
 * The preset is an ES module: it is loaded with `require()` (Node ≥ 20.19 and ≥ 22.12 load ES
 * modules that way), or by the gate's `init` with a dynamic import on older Nodes. Its message
 * texts echo the secret; only rule ids and message ids are kept here, never a text.
 */
import { pathToFileURL } from "node:url";
import { memoByString } from "../memo";

const PRESET = "@secretlint/secretlint-rule-preset-recommend";
/**
 * Rules left out: `filter-comments` would let a `secretlint-disable` comment inside an env value
 * silence the others (the pack's exemptions are waivers, with an approver and an expiry).
 */
const LEFT_OUT = new Set(["@secretlint/secretlint-rule-filter-comments"]);

/** The part of secretlint's rule interface (@secretlint/types) that the preset's rules use. */
interface RuleMessage {
  readonly message: string;
  readonly messageId: string;
}
type Translator = (messageId: string, data?: unknown) => RuleMessage;
interface RuleContext {
  readonly sharedOptions: Readonly<Record<string, unknown>>;
  createTranslator(messages: unknown): Translator;
  report(descriptor: { readonly message: RuleMessage; readonly range: readonly number[] }): void;
  ignore(descriptor: unknown): void;
}
interface RuleSource {
  readonly content: string;
  readonly filePath: string;
  readonly ext: string;
  readonly contentType: "text";
}
interface RuleHandler {
  file?: (source: RuleSource) => unknown;
}
interface RuleCreator {
  readonly meta: { readonly id: string };
  create(context: RuleContext, options: Readonly<Record<string, unknown>>): RuleHandler | undefined;
}

/** One finding of the rule set: which rule, which of its messages. Never the matched text. */
export interface RuleSetHit {
  /** The rule's id without the "@secretlint/secretlint-rule-" prefix, e.g. "github". */
  readonly rule: string;
  /** The rule's message id, e.g. "GITHUB_TOKEN". */
  readonly messageId: string;
}

interface Loaded {
  readonly handlers: readonly { readonly id: string; readonly handler: RuleHandler }[];
  /** Filled by the context while one source is scanned. */
  readonly hits: RuleSetHit[];
}

let loaded: Loaded | undefined;

function isPreset(m: unknown): m is { readonly rules: readonly RuleCreator[] } {
  const rules = typeof m === "object" && m !== null ? (m as Record<string, unknown>)["rules"] : undefined;
  return Array.isArray(rules) && rules.every((r) => typeof r === "object" && r !== null && typeof (r as Record<string, unknown>)["create"] === "function");
}

function build(mod: unknown): Loaded {
  if (!isPreset(mod)) throw new Error(`${PRESET} does not export its rules`);
  const hits: RuleSetHit[] = [];
  const handlers: { id: string; handler: RuleHandler }[] = [];
  for (const rule of mod.rules) {
    const id = rule.meta.id;
    if (LEFT_OUT.has(id)) continue;
    const short = id.replace(/^@secretlint\/secretlint-rule-/, "");
    const context: RuleContext = {
      sharedOptions: {},
      // The message text would hold the secret: only the id is kept.
      createTranslator: () => (messageId) => ({ message: "", messageId }),
      report: (d) => {
        hits.push({ rule: short, messageId: d.message.messageId });
      },
      ignore: () => undefined,
    };
    const handler = rule.create(context, {});
    if (handler?.file) handlers.push({ id, handler });
  }
  return { handlers, hits };
}

/** The preset's module, loaded synchronously; undefined where `require()` cannot load an ES module. */
function requirePreset(): Loaded | undefined {
  try {
    return build(require(PRESET) as unknown);
  } catch (e) {
    if ((e as { code?: unknown }).code === "ERR_REQUIRE_ESM") return undefined;
    throw e;
  }
}

/** A real dynamic import (tsc would turn `import()` into `require()` in a CommonJS build). */
const importModule = new Function("url", "return import(url)") as (url: string) => Promise<unknown>;

/** Loads the rule set once (the gate's `init`): require() where it can, else a dynamic import. */
export async function loadSecretRules(): Promise<void> {
  loaded ??= requirePreset() ?? build(await importModule(pathToFileURL(require.resolve(PRESET)).href));
}

function ruleSet(): Loaded {
  loaded ??= requirePreset();
  if (!loaded) throw new Error(`the secret rule set (${PRESET}) is not loaded: await loadSecretRules() (the gate's init) first`);
  return loaded;
}

/**
 * What the rule set finds in one environment variable, scanned as the line `NAME=value` of a
 * `.env` file (so that rules keyed on a name, such as AWS's `SECRET_ACCESS_KEY=`, see it). The
 * first hit, or undefined. Memoised on name and value (bounded).
 */
export const ruleSetHit: (name: string, value: string) => RuleSetHit | undefined = (() => {
  const memo = memoByString((line: string): RuleSetHit | undefined => scan(line));
  return (name: string, value: string) => memo(`${name}=${value}`);
})();

function scan(content: string): RuleSetHit | undefined {
  const set = ruleSet();
  set.hits.length = 0;
  const source: RuleSource = { content, filePath: ".env", ext: "", contentType: "text" };
  for (const { handler } of set.handlers) {
    const r = handler.file?.(source);
    // No rule is asynchronous for a .env text; were one to become so, its answer is not awaited.
    if (typeof r === "object" && r !== null && typeof (r as { then?: unknown }).then === "function") {
      (r as Promise<unknown>).then(undefined, () => undefined);
    }
    if (set.hits.length > 0) break;
  }
  const hit = set.hits[0];
  set.hits.length = 0;
  return hit;
}

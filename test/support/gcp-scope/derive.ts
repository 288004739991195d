/**
 * Derives, from the installed @pulumi/gcp type definitions, which resource types have a location,
 * region or zone input and where each names a Cloud KMS key. Reads the .d.ts files syntactically
 * (the TypeScript parser, no type checker): each resource's `<Class>Args` interface, and the nested
 * input types in types/input.d.ts. Test-time only: the pack reads the checked-in result.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

/** What one resource type offers, before any review. */
export interface DerivedType {
  readonly token: string;
  /** Its top-level location inputs, in the order location, region, zone. */
  readonly locationFields: readonly string[];
  /** Paths of its string inputs that name a Cloud KMS key ("a.b", arrays as "a[].b"). */
  readonly keyPaths: readonly string[];
}

/** Top-level inputs that hold where a resource lives. */
export const LOCATION_INPUTS = ["location", "region", "zone"] as const;

/**
 * Names of string inputs that hold a Cloud KMS CryptoKey name or self link. Key *versions*
 * (signing keys), service accounts, AWS ARNs and raw/RSA-wrapped keys are not customer-managed keys.
 */
export const KEY_FIELD =
  /^(kmsKey|kmsKeyName|kmsKeySelfLink|kmsKeyUri|cryptoKey|cryptoKeyName|defaultKmsKeyName|cmekKeyName|encryptionKey|encryptionKeyName|[a-z][A-Za-z]*EncryptionKeyName|gcePdKmsKeyName|cloudKmsKey|customerManagedKey|customerManagedEncryptionKey|bootDiskKmsKey)$/;

/** Nested inputs deeper than this are not followed (the provider's deepest key field is at 4). */
const MAX_DEPTH = 6;

type Members = ReadonlyMap<string, ts.TypeNode | undefined>;

/** Interfaces of types/input.d.ts by qualified name ("pubsub.TopicMessageStoragePolicy"). */
function readInputTypes(file: string): Map<string, Members> {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
  const out = new Map<string, Members>();
  const visit = (stmts: readonly ts.Statement[], prefix: string): void => {
    for (const s of stmts) {
      if (ts.isInterfaceDeclaration(s)) out.set(prefix + s.name.text, members(s));
      else if (ts.isModuleDeclaration(s) && s.body && ts.isModuleBlock(s.body)) visit(s.body.statements, `${prefix}${s.name.getText(sf)}.`);
    }
  };
  visit(sf.statements, "");
  return out;
}

function members(i: ts.InterfaceDeclaration): Members {
  const m = new Map<string, ts.TypeNode | undefined>();
  for (const p of i.members) {
    if (ts.isPropertySignature(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) m.set(p.name.text, p.type);
  }
  return m;
}

/** The shape of an input's type: a string, a nested input type (by name), an array of one, or other. */
type Shape = { kind: "string" } | { kind: "ref"; name: string } | { kind: "array"; of: Shape } | { kind: "other" };

function shapeOf(t: ts.TypeNode | undefined): Shape {
  if (!t) return { kind: "other" };
  if (ts.isParenthesizedTypeNode(t)) return shapeOf(t.type);
  if (ts.isUnionTypeNode(t)) {
    const rest = t.types.filter((x) => x.kind !== ts.SyntaxKind.UndefinedKeyword && !(ts.isLiteralTypeNode(x) && x.literal.kind === ts.SyntaxKind.NullKeyword));
    return rest.length === 1 ? shapeOf(rest[0]) : { kind: "other" };
  }
  if (t.kind === ts.SyntaxKind.StringKeyword) return { kind: "string" };
  if (ts.isArrayTypeNode(t)) return { kind: "array", of: shapeOf(t.elementType) };
  if (ts.isTypeReferenceNode(t)) {
    const name = entityName(t.typeName);
    if ((name === "pulumi.Input" || name === "Input") && t.typeArguments?.length === 1) return shapeOf(t.typeArguments[0]);
    if (name.startsWith("inputs.")) return { kind: "ref", name: name.slice("inputs.".length) };
  }
  return { kind: "other" };
}

function entityName(n: ts.EntityName): string {
  return ts.isIdentifier(n) ? n.text : `${entityName(n.left)}.${n.right.text}`;
}

/** Every key path under `m`, depth first in declaration order. */
function keyPaths(m: Members, inputs: ReadonlyMap<string, Members>, prefix: string, depth: number, seen: ReadonlySet<string>, out: string[]): void {
  for (const [name, t] of m) {
    let s = shapeOf(t);
    let p = prefix + name;
    while (s.kind === "array") {
      s = s.of;
      p += "[]";
    }
    if (s.kind === "string" && KEY_FIELD.test(name)) out.push(p);
    else if (s.kind === "ref" && depth < MAX_DEPTH && !seen.has(s.name)) {
      const nested = inputs.get(s.name);
      if (nested) keyPaths(nested, inputs, `${p}.`, depth + 1, new Set([...seen, s.name]), out);
    }
  }
}

const CLASS_TOKEN = /class (\w+) extends pulumi\.CustomResource[\s\S]*?static __pulumiType = '(gcp:[^']+)'/;

/** Every resource type of the provider installed at `gcpDir`, sorted by type token. */
export function deriveGcpTypes(gcpDir: string): DerivedType[] {
  const inputs = readInputTypes(path.join(gcpDir, "types", "input.d.ts"));
  const out: DerivedType[] = [];
  for (const dir of fs.readdirSync(gcpDir, { withFileTypes: true })) {
    if (!dir.isDirectory() || dir.name === "types" || dir.name === "config" || dir.name === "node_modules") continue;
    const d = path.join(gcpDir, dir.name);
    for (const f of fs.readdirSync(d)) {
      if (!f.endsWith(".js")) continue;
      const js = fs.readFileSync(path.join(d, f), "utf8");
      const m = CLASS_TOKEN.exec(js);
      if (!m) continue;
      const [, cls, token] = m as unknown as [string, string, string];
      const dtsFile = path.join(d, f.replace(/\.js$/, ".d.ts"));
      const sf = ts.createSourceFile(dtsFile, fs.readFileSync(dtsFile, "utf8"), ts.ScriptTarget.Latest, false);
      const args = sf.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === `${cls}Args`);
      const am: Members = args ? members(args) : new Map();
      const kp: string[] = [];
      keyPaths(am, inputs, "", 0, new Set(), kp);
      out.push({ token, locationFields: LOCATION_INPUTS.filter((x) => am.has(x)), keyPaths: kp });
    }
  }
  return out.sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
}

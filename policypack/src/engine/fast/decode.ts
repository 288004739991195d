/**
 * a direct protobuf wire decoder for AnalyzeStackRequest, straight to
 * the access layer's ResourceInput, with the policy SDK's deserialization semantics (secrets
 * unwrapped, dependencies and parents kept only when they are resources of the stack).
 *
 * google-protobuf decodes a Struct-heavy request at ~0.3 ms of CPU per resource (50,000 resources:
 * ~16 s) and the SDK then converts every Struct to JavaScript once per stack policy. This decoder
 * reads the wire format once.
 *
 * Messages (pulumi/proto/pulumi/analyzer.proto, google/protobuf/struct.proto):
 *   AnalyzeStackRequest { repeated AnalyzerResource resources = 1; }
 *   AnalyzerResource { type 1, Struct properties 2, urn 3, name 4, AnalyzerResourceOptions options 5,
 *                      AnalyzerProviderResource provider 6, parent 7, repeated dependencies 8,
 *                      map<string, AnalyzerPropertyDependencies{repeated urns 1}> propertyDependencies 9 }
 *   AnalyzerResourceOptions { bool protect 1, ..., string parent 8 }
 *   AnalyzerProviderResource { type 1, Struct properties 2, urn 3, name 4 }
 *   Struct { map<string, Value> fields 1 }   ListValue { repeated Value values 1 }
 *   Value { null 1, double 2, string 3, bool 4, Struct 5, ListValue 6 }
 */
import type { ResourceInput } from "../../access/resource";
import { SECRET_VALUE as SECRET_SIG, SIG_KEY } from "../../access/values";

/** Short ASCII strings (property names, regions, labels...) repeat all through a stack. */
const SHORT = 32;
const STRING_CACHE_MAX = 8192;

class Reader {
  pos: number;
  readonly buf: Buffer;
  /**
   * Short strings of this request by FNV-1a hash of their bytes (verified on every hit), so that a
   * repeated key or value is one string: ~4x cheaper than decoding it again, and less garbage.
   * Per request, so that no value outlives the request it came in.
   */
  private readonly shortStrings = new Map<number, string>();

  constructor(
    buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    this.buf = buf;
    this.pos = start;
  }

  varint(): number {
    let b = this.buf[this.pos++] as number;
    if (b < 0x80) return b;
    let result = b & 0x7f;
    let mul = 128;
    for (let i = 1; i < 10; i++) {
      b = this.buf[this.pos++] as number;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new Error("malformed varint");
  }

  /** The end offset of a length-delimited field starting here. */
  len(): number {
    const n = this.varint();
    const end = this.pos + n;
    if (end > this.end) throw new Error("truncated message");
    return end;
  }

  string(): string {
    const end = this.len();
    const s = end - this.pos <= SHORT ? this.short(this.pos, end) : this.buf.toString("utf8", this.pos, end);
    this.pos = end;
    return s;
  }

  private short(start: number, end: number): string {
    const buf = this.buf;
    let h = 2166136261 ^ (end - start);
    for (let i = start; i < end; i++) {
      const c = buf[i] as number;
      if (c >= 0x80) return buf.toString("utf8", start, end);
      h = Math.imul(h ^ c, 16777619);
    }
    const hit = this.shortStrings.get(h);
    if (hit !== undefined && hit.length === end - start) {
      let same = true;
      for (let i = 0; i < hit.length; i++) {
        if (hit.charCodeAt(i) !== buf[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return hit;
    }
    const s = buf.toString("latin1", start, end);
    if (this.shortStrings.size < STRING_CACHE_MAX) this.shortStrings.set(h, s);
    return s;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.pos = this.len();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function value(r: Reader, end: number): unknown {
  let out: unknown = null;
  while (r.pos < end) {
    const tag = r.varint();
    const field = tag >>> 3;
    const wire = tag & 7;
    switch (field) {
      case 1:
        r.varint();
        out = null;
        break;
      case 2:
        out = r.buf.readDoubleLE(r.pos);
        r.pos += 8;
        break;
      case 3:
        out = r.string();
        break;
      case 4:
        out = r.varint() !== 0;
        break;
      case 5:
        out = struct(r, r.len());
        break;
      case 6: {
        const e = r.len();
        const list: unknown[] = [];
        while (r.pos < e) {
          const t = r.varint();
          if (t >>> 3 === 1 && (t & 7) === 2) list.push(value(r, r.len()));
          else r.skip(t & 7);
        }
        out = list;
        break;
      }
      default:
        r.skip(wire);
    }
  }
  r.pos = end;
  return out;
}

/**
 * Sets `key` as an own property, as JSON.parse does: a plain assignment of "__proto__" would set the
 * object's prototype instead (then an inherited key could pass for a secret signature, say).
 */
function setOwn(obj: Record<string, unknown>, key: string, v: unknown): void {
  if (key === "__proto__") Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
  else obj[key] = v;
}

/** A Struct, with the SDK's semantics: secret wrappers replaced by their value. */
function struct(r: Reader, end: number): unknown {
  const obj: Record<string, unknown> = {};
  while (r.pos < end) {
    const tag = r.varint();
    if (tag >>> 3 !== 1 || (tag & 7) !== 2) {
      r.skip(tag & 7);
      continue;
    }
    const e = r.len();
    let key = "";
    let v: unknown = null;
    while (r.pos < e) {
      const t = r.varint();
      if (t >>> 3 === 1 && (t & 7) === 2) key = r.string();
      else if (t >>> 3 === 2 && (t & 7) === 2) v = value(r, r.len());
      else r.skip(t & 7);
    }
    setOwn(obj, key, v);
  }
  r.pos = end;
  if (obj[SIG_KEY] === SECRET_SIG) return obj["value"] ?? null;
  return obj;
}

function options(r: Reader, end: number): { protect: boolean; parent?: string } {
  let protect = false;
  let parent: string | undefined;
  while (r.pos < end) {
    const tag = r.varint();
    if (tag >>> 3 === 1 && (tag & 7) === 0) protect = r.varint() !== 0;
    else if (tag >>> 3 === 8 && (tag & 7) === 2) parent = r.string() || undefined;
    else r.skip(tag & 7);
  }
  return { protect, parent };
}

interface Provider {
  type: string;
  urn: string;
  name: string;
  props: Record<string, unknown>;
}

function provider(r: Reader, end: number, cache: Map<string, Provider>): Provider {
  // Providers repeat (the default provider of every resource): decode each distinct one once.
  const key = r.buf.toString("latin1", r.pos, end);
  const hit = cache.get(key);
  if (hit) {
    r.pos = end;
    return hit;
  }
  const p: Provider = { type: "", urn: "", name: "", props: {} };
  while (r.pos < end) {
    const tag = r.varint();
    const f = tag >>> 3;
    if (f === 1) p.type = r.string();
    else if (f === 2) p.props = struct(r, r.len()) as Record<string, unknown>;
    else if (f === 3) p.urn = r.string();
    else if (f === 4) p.name = r.string();
    else r.skip(tag & 7);
  }
  cache.set(key, p);
  return p;
}

interface Raw {
  type: string;
  urn: string;
  name: string;
  props: Record<string, unknown>;
  opts: { protect: boolean; parent?: string };
  provider: Provider | undefined;
  parent: string | undefined;
  dependencies: readonly string[];
  propertyDependencies: Record<string, readonly string[]>;
}

function resource(r: Reader, end: number, providers: Map<string, Provider>): Raw {
  const deps: string[] = [];
  const out: Raw = { type: "", urn: "", name: "", props: {}, opts: { protect: false, parent: undefined }, provider: undefined, parent: undefined, dependencies: deps, propertyDependencies: {} };
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag >>> 3) {
      case 1:
        out.type = r.string();
        break;
      case 2: {
        const p = struct(r, r.len());
        out.props = typeof p === "object" && p !== null && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
        break;
      }
      case 3:
        out.urn = r.string();
        break;
      case 4:
        out.name = r.string();
        break;
      case 5:
        out.opts = options(r, r.len());
        break;
      case 6:
        out.provider = provider(r, r.len(), providers);
        break;
      case 7:
        out.parent = r.string() || undefined;
        break;
      case 8:
        deps.push(r.string());
        break;
      case 9: {
        const e = r.len();
        let key = "";
        const urns: string[] = [];
        while (r.pos < e) {
          const t = r.varint();
          if (t >>> 3 === 1 && (t & 7) === 2) key = r.string();
          else if (t >>> 3 === 2 && (t & 7) === 2) {
            const ee = r.len();
            while (r.pos < ee) {
              const tt = r.varint();
              if (tt >>> 3 === 1 && (tt & 7) === 2) urns.push(r.string());
              else r.skip(tt & 7);
            }
          } else r.skip(t & 7);
        }
        setOwn(out.propertyDependencies, key, urns);
        break;
      }
      default:
        r.skip(tag & 7);
    }
  }
  r.pos = end;
  return out;
}

/** Decodes an encoded AnalyzeStackRequest into the access layer's inputs (what the adapter builds from the SDK's resources). */
export function decodeAnalyzeStack(buf: Buffer): ResourceInput[] {
  const r = new Reader(buf);
  const raws: Raw[] = [];
  const providers = new Map<string, Provider>();
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag >>> 3 === 1 && (tag & 7) === 2) raws.push(resource(r, r.len(), providers));
    else r.skip(tag & 7);
  }
  // As the SDK does: parents and dependencies are kept only when they are resources of the stack.
  const urns = new Set(raws.map((x) => x.urn));
  const keep = (list: readonly string[]) => (list.every((u) => urns.has(u)) ? list : list.filter((u) => urns.has(u)));
  // Fixed up in place (one object per resource, not two).
  for (const x of raws) {
    x.parent = (x.parent && urns.has(x.parent) ? x.parent : undefined) ?? x.opts.parent;
    x.dependencies = keep(x.dependencies);
    const pd = x.propertyDependencies;
    for (const k of Object.keys(pd)) pd[k] = keep(pd[k] as readonly string[]); // own keys only, as before
  }
  return raws;
}

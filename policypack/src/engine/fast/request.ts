/**
 * An AnalyzeStackRequest encoder: the engine's side of decode.ts, for the pack's warm-up
 * (fast/warmup.ts), which sends a small stack through the same decode as a real request.
 *
 * Fields as the engine sends them (pulumi/proto/pulumi/analyzer.proto, google/protobuf/struct.proto);
 * decode.ts documents the messages. Struct map entries are written in the object's key order.
 */
import type { ResourceInput } from "../../access/resource";
import { varintSize, writeVarint } from "./encode";

/** A growable byte writer. */
class Writer {
  private buf = Buffer.allocUnsafe(4096);
  pos = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A varint of `n` < 2^32 (lengths and booleans: all this encoder writes). */
  varint(n: number): void {
    this.room(5);
    this.pos = writeVarint(this.buf, this.pos, n);
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  double(d: number): void {
    this.room(8);
    this.buf.writeDoubleLE(d, this.pos);
    this.pos += 8;
  }

  string(tag: number, s: string): void {
    const len = Buffer.byteLength(s, "utf8");
    this.byte(tag);
    this.varint(len);
    this.room(len);
    this.pos += this.buf.write(s, this.pos, len, "utf8");
  }

  /** A length-delimited field whose body `write` produces (the length is patched in afterwards). */
  message(tag: number, write: () => void): void {
    this.byte(tag);
    // Reserve 5 bytes for the length (enough for 4 GiB), then move the body back if it needs fewer.
    this.room(5);
    const at = this.pos;
    this.pos += 5;
    write();
    const len = this.pos - at - 5;
    this.buf.copy(this.buf, at + varintSize(len), at + 5, this.pos);
    this.pos = at;
    this.varint(len);
    this.pos += len;
  }

  bytes(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

function value(w: Writer, v: unknown): void {
  if (v === null || v === undefined) {
    w.byte(0x08); // null_value = NULL_VALUE (0)
    w.varint(0);
  } else if (typeof v === "number") {
    w.byte(0x11);
    w.double(v);
  } else if (typeof v === "string") {
    w.string(0x1a, v);
  } else if (typeof v === "boolean") {
    w.byte(0x20);
    w.varint(v ? 1 : 0);
  } else if (Array.isArray(v)) {
    w.message(0x32, () => {
      for (const x of v as unknown[]) w.message(0x0a, () => value(w, x));
    });
  } else if (typeof v === "object") {
    w.message(0x2a, () => struct(w, v as Record<string, unknown>));
  } else {
    throw new Error(`cannot encode a ${typeof v} as a protobuf Value`);
  }
}

function struct(w: Writer, obj: Readonly<Record<string, unknown>>): void {
  for (const [k, v] of Object.entries(obj)) {
    w.message(0x0a, () => {
      w.string(0x0a, k);
      w.message(0x12, () => value(w, v));
    });
  }
}

/** Encodes `resources` as the engine's AnalyzeStackRequest. */
export function encodeAnalyzeStackRequest(resources: readonly ResourceInput[]): Buffer {
  const w = new Writer();
  for (const r of resources) {
    w.message(0x0a, () => {
      w.string(0x0a, r.type);
      w.message(0x12, () => struct(w, r.props));
      w.string(0x1a, r.urn);
      w.string(0x22, r.name);
      w.message(0x2a, () => {
        if (r.opts?.protect) {
          w.byte(0x08);
          w.varint(1);
        }
        if (r.opts?.parent) w.string(0x42, r.opts.parent);
      });
      const p = r.provider;
      if (p) {
        w.message(0x32, () => {
          w.string(0x0a, p.type);
          w.message(0x12, () => struct(w, p.props));
          w.string(0x1a, p.urn ?? "");
          w.string(0x22, p.name ?? "");
        });
      }
      if (r.parent) w.string(0x3a, r.parent);
      for (const d of r.dependencies ?? []) w.string(0x42, d);
      for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
        w.message(0x4a, () => {
          w.string(0x0a, k);
          w.message(0x12, () => {
            for (const u of urns) w.string(0x0a, u);
          });
        });
      }
    });
  }
  return w.bytes();
}

/**
 * Screenshot checks: decodes a PNG with pngjs (any colour type, bit depth or interlacing; pngjs
 * hands back 8-bit RGBA) so a test can look for what must be on the page.
 */
import { PNG } from "pngjs";

export interface Image {
  readonly width: number;
  readonly height: number;
  /** RGBA, one byte a channel, row by row. */
  readonly rgba: Uint8Array;
}

export function readPng(buf: Buffer): Image {
  const { width, height, data } = PNG.sync.read(buf);
  return { width, height, rgba: data };
}

/** How many pixels have exactly the colour "#rrggbb" (alpha ignored: screenshots are opaque). */
export function countColour(img: Image, hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < img.rgba.length; i += 4) if (img.rgba[i] === r && img.rgba[i + 1] === g && img.rgba[i + 2] === b) n++;
  return n;
}

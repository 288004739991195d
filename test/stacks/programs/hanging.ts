/** A program that never finishes (for the child-process timeout). */
export default function main(): Promise<void> {
  return new Promise(() => setInterval(() => undefined, 1000));
}

/** A program whose default export throws (a config error, say). */
export default function main(): void {
  throw new Error("readiness:environment: is required");
}

/** A program module with a default export (what stacks/index.ts is). */
import * as pulumi from "@pulumi/pulumi";
import { Thing } from "./thing";

export default async function main(): Promise<Record<string, unknown>> {
  const cfg = new pulumi.Config("demo");
  new Thing("from-default", { size: cfg.require("size") });
  return { ok: true };
}

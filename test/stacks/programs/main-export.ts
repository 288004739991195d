/** A program module exporting `main`. */
import * as pulumi from "@pulumi/pulumi";
import { Thing } from "./thing";

export function main(): void {
  new Thing("from-main", { region: new pulumi.Config("gcp").get("region") ?? "none" });
}

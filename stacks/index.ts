/**
 * The Pulumi program of the readiness topology: the shared platform and the three services of
 * the readiness checklists (config, registration, maintenance), each a `readiness:stack:Service`.
 *
 *   npm run build
 *   pulumi preview --stack prod --policy-pack policypack --policy-pack-config policypack/config/production.json
 *
 * Pulumi.yaml's main is build/stacks/index.js, so build first. Stack config is validated at start
 * (stacks/config.ts): an invalid key fails the program with the key and its fix. Only a default
 * export: the Pulumi language host rejects a module with both default and named exports.
 */
import * as pulumi from "@pulumi/pulumi";
import { topology } from "./topology";
import { SERVICE_NAMES } from "./services";

export default async function main(): Promise<Record<string, unknown>> {
  const { platform, services } = topology(pulumi.runtime.allConfig());
  return {
    cluster: platform.clusterName,
    registry: platform.registryPrefix,
    urls: Object.fromEntries(services.map((s, i) => [SERVICE_NAMES[i], s.url])),
  };
}

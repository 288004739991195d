/** Stack facts read from the environment the Pulumi CLI gives a policy pack. */
import type { StackFacts } from "./access/resource";

/** PULUMI_CONFIG is the stack's config as JSON ({"gcp:region": "europe-west1", ...}). */
export function stackFactsFromEnv(env: NodeJS.ProcessEnv): StackFacts {
  const raw = env["PULUMI_CONFIG"];
  if (!raw) return {};
  try {
    const cfg = JSON.parse(raw) as Record<string, unknown>;
    const region = cfg["gcp:region"];
    return typeof region === "string" && region !== "" ? { gcpRegion: region } : {};
  } catch {
    return {};
  }
}

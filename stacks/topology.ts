/** The whole topology from raw stack config: the platform and one Service per checklist. */
import { parseStackConfig, type RawConfig } from "./config";
import { Platform } from "./platform";
import { Service } from "./service";
import { SERVICES } from "./services";

export interface Topology {
  readonly platform: Platform;
  readonly services: readonly Service[];
}

/** Validates the config (throws StackConfigError naming each bad key) and builds the topology. */
export function topology(raw: RawConfig): Topology {
  const cfg = parseStackConfig(raw);
  const platform = new Platform("platform", { config: cfg });
  const services = SERVICES.map((def) => new Service(def.name, { definition: def, options: cfg.services[def.name], stack: cfg, platform }));
  return { platform, services };
}

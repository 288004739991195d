/**
 * JSON Schema for each policy's config, generated from its zod settings schema, so that the
 * Pulumi CLI and Pulumi Cloud validate `--policy-pack-config` and fill the defaults.
 */
import { z } from "zod";
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { Rule } from "./rule";

type JsonSchema = Record<string, unknown>;

/** The JSON Schema of a waiver list as the CLI sees it: loose, so that the pack reports bad waivers itself. */
const WAIVERS_SCHEMA: JsonSchema = {
  type: "array",
  description:
    "Waivers exempting one resource (URN, name pattern or service:<name>) from this policy: { resource, justification, approver, expires: YYYY-MM-DD, ticket? }.",
  items: { type: "object" },
};

export function configSchemaOf(rule: Rule): PolicyConfigSchema {
  const js = z.toJSONSchema(rule.settings as z.ZodType, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const properties = { ...((js["properties"] as Record<string, JsonSchema> | undefined) ?? {}) };
  properties["waivers"] = WAIVERS_SCHEMA;
  const required = (js["required"] as string[] | undefined) ?? [];
  return required.length > 0
    ? ({ properties, required } as PolicyConfigSchema)
    : ({ properties } as PolicyConfigSchema);
}

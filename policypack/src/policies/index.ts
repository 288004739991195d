/** Every rule of the pack, in catalog order. Adding a gate: the catalog, one rule here, its fixtures. */
import type { Rule } from "../engine/rule";
import { cloudsqlBackupsPitr, cloudsqlCrossRegionReplica, cloudsqlHardening } from "./database";
import { cmekRequired, kmsKeyHygiene } from "./encryption";
import { dataResidency } from "./residency";

export const RULES: readonly Rule[] = [
  dataResidency,
  cmekRequired,
  kmsKeyHygiene,
  cloudsqlBackupsPitr,
  cloudsqlCrossRegionReplica,
  cloudsqlHardening,
] as readonly Rule[];

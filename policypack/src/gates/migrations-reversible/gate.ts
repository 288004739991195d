/** The `migrations-reversible` gate: its catalog record, settings and check. */
import { z } from "zod";
import type { ResourceView } from "../../access";
import { defineMeta } from "../../engine/meta";
import { stackGate, undecidedMessage, violation } from "../../engine/rule";
import { init, parseErrorMessage, serviceMigrations, undecidedService } from "../../lib/migrations";
import type { MigrationFile, SetProblemKind } from "../../sql/migration-set";
import { parseSql } from "../../sql/parser";

export const meta = defineMeta({
  name: "migrations-reversible",
  title: "Every migration has a down migration",
  area: "migrations",
  kind: "stack",
  severity: "medium",
  level: "mandatory",
  proves: "Every up migration has a down migration.",
  remediation: "Add NNNN_name.down.sql beside NNNN_name.up.sql that undoes it.",
  sources: [
    { seed: "000", section: "Migrations", line: "Rollback migration tested" },
    { seed: "001", section: "Infrastructure", line: "DB migrations idempotent and reversible" },
  ],
});

export const settings = z.strictObject({});

const SET_FIX: Readonly<Record<SetProblemKind, string>> = {
  "bad-name": "rename it NNNN_name.up.sql (and its pair NNNN_name.down.sql)",
  "duplicate-key": "ship each migration file in one ConfigMap of the service only",
  "duplicate-version": "give each migration a version number of its own",
  "not-text": "ship the file's SQL text as the value",
};

export const migrationsReversible = stackGate({
  meta,
  settings,
  init,
  check(stack, _s, report) {
    for (const sm of serviceMigrations(stack)) {
      if (sm.unknownData.length > 0 && undecidedService(sm, report)) continue;
      for (const p of sm.set.problems) {
        report({
          subject: p.source,
          service: sm.service,
          message: violation(`${sm.label} migration ${p.key}`, p.detail, `key ${JSON.stringify(p.key)}`, SET_FIX[p.kind]),
        });
      }
      const unknownDowns: string[] = [];
      for (const m of sm.set.migrations) {
        if (!m.down) {
          const up = m.up as MigrationFile<ResourceView>;
          report({
            subject: up.source,
            service: sm.service,
            message: violation(`${sm.label} migration ${up.key}`, "has no down migration, so a failed release cannot be rolled back", `no ${m.id}.down.sql`, `add ${m.id}.down.sql that undoes it`),
          });
          continue;
        }
        if (!m.up) {
          report({
            subject: m.down.source,
            service: sm.service,
            message: violation(`${sm.label} migration ${m.down.key}`, "has no up migration", `no ${m.id}.up.sql`, `add ${m.id}.up.sql or remove ${m.down.key}`),
          });
          continue;
        }
        if (m.down.text === undefined) {
          unknownDowns.push(m.down.key);
          continue;
        }
        const parsed = parseSql(m.down.text);
        if (!parsed.ok) {
          report({ subject: m.down.source, service: sm.service, message: parseErrorMessage(sm, m.down.key, parsed.error) });
        } else if (parsed.statements.length === 0) {
          report({
            subject: m.down.source,
            service: sm.service,
            message: violation(`${sm.label} migration ${m.down.key}`, `is empty, so it does not undo ${m.up.key}`, "no SQL statement", `write the statements that undo ${m.up.key}, in reverse order`),
          });
        }
      }
      if (unknownDowns.length > 0) {
        report({ subject: sm.maps[0], service: sm.service, undecided: true, message: undecidedMessage(`${sm.label} migrations`, `the SQL of ${unknownDowns.join(", ")}`) });
      }
    }
  },
});

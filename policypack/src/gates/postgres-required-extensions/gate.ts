/** The `postgres-required-extensions` gate: its catalog record, settings and check. */
import { z } from "zod";
import { defineMeta } from "../../engine/meta";
import { stackGate, undecidedMessage, violation } from "../../engine/rule";
import { at, init, quote, REQUIRED_EXTENSIONS_ANNOTATION, serviceMigrations, sourceOf, undecidedService } from "../../lib/migrations";
import type { Where } from "../../sql/replay";

export const meta = defineMeta({
  name: "postgres-required-extensions",
  title: "Required Postgres extensions are created",
  area: "database",
  kind: "stack",
  severity: "medium",
  level: "mandatory",
  proves: "The service's migrations create the extensions it declares it needs (pg_trgm for registration).",
  remediation: "Add CREATE EXTENSION IF NOT EXISTS <name>; to an early migration of the service.",
  sources: [{ seed: "001", section: "Infrastructure", line: "pg_trgm extension enabled in target DB" }],
});

const extensionName = z.string().regex(/^[a-z0-9_]+$/, { message: "must be an extension name such as pg_trgm." });

export const settings = z.strictObject({
  /** Extensions each service needs, whatever its ConfigMap declares. */
  required: z.record(z.string(), z.array(extensionName)).default({ registration: ["pg_trgm"] }),
});

/** The extensions a migrations ConfigMap declares in its annotation ("pg_trgm, citext"). */
export function declaredExtensions(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((x) => x.trim().toLowerCase())
    .filter((x) => x !== "");
}

export const postgresRequiredExtensions = stackGate({
  meta,
  settings,
  init,
  check(stack, s, report) {
    const all = serviceMigrations(stack);
    for (const [service, exts] of Object.entries(s.required)) {
      if (exts.length === 0 || all.some((sm) => sm.service === service)) continue;
      const members = stack.services().get(service) ?? [];
      if (members.length === 0) continue;
      report({
        subject: members[0],
        service,
        message: violation(
          `service '${service}'`,
          `needs the PostgreSQL extension${exts.length > 1 ? "s" : ""} ${exts.join(", ")} but ships no migrations ConfigMap, so nothing shows they are created`,
          "no ConfigMap labelled app.kubernetes.io/component: migrations",
          `ship the service's migrations as a ConfigMap labelled app.kubernetes.io/part-of: ${service} and app.kubernetes.io/component: migrations, with CREATE EXTENSION IF NOT EXISTS ${exts[0]}; in its first migration`,
        ),
      });
    }
    for (const sm of all) {
      const needs = new Map<string, string>();
      let annotationUnknown = false;
      for (const m of sm.maps) {
        const a = m.get(["metadata", "annotations", REQUIRED_EXTENSIONS_ANNOTATION]);
        if (a.kind === "unknown") annotationUnknown = true;
        else if (a.kind === "known" && typeof a.value === "string") {
          for (const e of declaredExtensions(a.value)) needs.set(e, `declared by annotation ${REQUIRED_EXTENSIONS_ANNOTATION} on ConfigMap '${m.k8sName()}'`);
        }
      }
      if (annotationUnknown) {
        report({ subject: sm.maps[0], service: sm.service, undecided: true, message: undecidedMessage(`${sm.label} migrations`, `annotation ${REQUIRED_EXTENSIONS_ANNOTATION}`) });
        continue;
      }
      for (const e of (sm.service !== undefined ? s.required[sm.service] : undefined) ?? []) if (!needs.has(e)) needs.set(e, "required by the pack config");
      if (undecidedService(sm, report, true)) continue;
      const r = sm.replay();
      const order = new Map(r.files.map((f, i) => [f.key, i]));
      const firstUse = new Map<string, Where & { via: string }>();
      for (const ev of r.events) {
        if (ev.kind !== "extension-use" || firstUse.has(ev.extension)) continue;
        firstUse.set(ev.extension, { ...ev.where, via: ev.via });
        if (!needs.has(ev.extension)) needs.set(ev.extension, `used by ${ev.via} in ${ev.where.file} line ${ev.where.line}`);
      }
      const broken = r.files.filter((f) => f.error).map((f) => f.key);
      for (const [ext, why] of [...needs.entries()].sort()) {
        const created = r.extensions.get(ext);
        const use = firstUse.get(ext);
        if (created && (!use || (order.get(use.file) as number) >= created.order)) continue;
        const first = sm.set.migrations.find((m) => m.up)?.up?.key ?? "the first migration";
        report({
          subject: sourceOf(sm, created?.where.file ?? use?.file ?? first),
          service: sm.service,
          message: created
            ? violation(
                at(sm, created.where),
                `creates extension ${ext} only after its first use (${use?.via} in ${use?.file} line ${use?.line}), so that earlier migration fails`,
                `"${quote(created.where.text)}"`,
                `move CREATE EXTENSION IF NOT EXISTS ${ext}; to ${first} or to a migration before ${use?.file}`,
              )
            : violation(
                `${sm.label} migrations`,
                `need the PostgreSQL extension ${ext} (${why}) but no up migration creates it${broken.length > 0 ? ` (${broken.join(", ")} did not parse)` : ""}`,
                `extensions created: ${[...r.extensions.keys()].join(", ") || "none"}`,
                `add CREATE EXTENSION IF NOT EXISTS ${ext}; to ${first}`,
              ),
        });
      }
    }
  },
});

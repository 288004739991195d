/**
 * `node build/bench/migrations-bench.js [--files 500] [--runs 7]`: how long the migration gates
 * take to parse and check a service's migrations, on a synthetic set of N files (N/2 up/down
 * pairs: tables with RLS and policies, same-migration indexes, concurrent indexes, expand steps,
 * a contract step every 20 migrations), shipped in one ConfigMap.
 *
 * Measures: loading the WebAssembly parser (once per pack process), parsing every file cold,
 * all seven migration gates over the ConfigMap cold (empty parse and replay caches: what a pack process pays
 * the first time it sees the SQL) and warm (the SQL already parsed and replayed, e.g. the second stack policy
 * or the next preview in the same process). The generated set passes every gate (checked).
 */
import { performance } from "node:perf_hooks";
import { T } from "../policypack/src/access/tokens";
import { evaluate } from "../policypack/src/engine/evaluate";
import { initRules, type Rule } from "../policypack/src/engine/rule";
import { migrationsConcurrentIndex } from "../policypack/src/gates/migrations-concurrent-index/gate";
import { migrationsExpandContract } from "../policypack/src/gates/migrations-expand-contract/gate";
import { migrationsLockSafety } from "../policypack/src/gates/migrations-lock-safety/gate";
import { migrationsMoneyBigint } from "../policypack/src/gates/migrations-money-bigint/gate";
import { migrationsReversible } from "../policypack/src/gates/migrations-reversible/gate";
import { migrationsTenantRls } from "../policypack/src/gates/migrations-tenant-rls/gate";
import { postgresRequiredExtensions } from "../policypack/src/gates/postgres-required-extensions/gate";
import { clearParseCache, loadParserOnce, parseSql } from "../policypack/src/sql/parser";
import { clearReplayCache } from "../policypack/src/sql/replay";

const RULES: readonly Rule[] = [
  postgresRequiredExtensions,
  migrationsTenantRls,
  migrationsConcurrentIndex,
  migrationsExpandContract,
  migrationsMoneyBigint,
  migrationsReversible,
  migrationsLockSafety,
] as readonly Rule[];

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const TENANT = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid";

/** N files: N/2 migrations, each an up and a down. */
export function syntheticMigrations(files: number): Record<string, string> {
  const data: Record<string, string> = {
    "0000_init.up.sql": "CREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE SCHEMA IF NOT EXISTS bench;\n",
    "0000_init.down.sql": "DROP SCHEMA bench;\nDROP EXTENSION IF EXISTS pg_trgm;\n",
  };
  let tables = 0;
  for (let i = 1; i < files / 2; i++) {
    const v = String(i).padStart(4, "0");
    let up: string;
    let down: string;
    if (i % 20 === 0 && tables > 0) {
      up = `-- readiness: contract - the release before stopped using legacy_note\nSET lock_timeout = '5s';\nALTER TABLE bench.t${tables} DROP COLUMN legacy_note;\n`;
      down = `ALTER TABLE bench.t${tables} ADD COLUMN legacy_note text;\n`;
    } else if (i % 5 === 0 && tables > 0) {
      up = `-- bench.t${tables} is live: build the index concurrently.\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t${tables}_name_trgm_idx\n  ON bench.t${tables} USING gin (name gin_trgm_ops);\n`;
      down = `DROP INDEX CONCURRENTLY IF EXISTS bench.t${tables}_name_trgm_idx;\n`;
    } else if (i % 7 === 0 && tables > 0) {
      up = `-- Expand: a nullable column, no rewrite.\nSET lock_timeout = '5s';\nALTER TABLE bench.t${tables} ADD COLUMN settled_at timestamptz;\nALTER TABLE bench.t${tables} ADD COLUMN settled_amount_micros bigint;\n`;
      down = `ALTER TABLE bench.t${tables} DROP COLUMN settled_amount_micros;\nALTER TABLE bench.t${tables} DROP COLUMN settled_at;\n`;
    } else {
      const t = ++tables;
      up = [
        `-- Table ${t} of the benchmark service.`,
        `CREATE TABLE bench.t${t} (`,
        "  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),",
        "  tenant_id      uuid NOT NULL,",
        "  name           text NOT NULL,",
        "  legacy_note    text,",
        "  amount_micros  bigint NOT NULL DEFAULT 0 CHECK (amount_micros >= 0),",
        "  currency       char(3) NOT NULL DEFAULT 'EUR',",
        "  payload        jsonb NOT NULL DEFAULT '{}'::jsonb,",
        "  created_at     timestamptz NOT NULL DEFAULT now(),",
        `  CONSTRAINT t${t}_tenant_name_key UNIQUE (tenant_id, name)`,
        ");",
        `CREATE INDEX t${t}_created_idx ON bench.t${t} (tenant_id, created_at);`,
        `ALTER TABLE bench.t${t} ENABLE ROW LEVEL SECURITY;`,
        `ALTER TABLE bench.t${t} FORCE ROW LEVEL SECURITY;`,
        `CREATE POLICY t${t}_tenant ON bench.t${t}`,
        `  USING (${TENANT})`,
        `  WITH CHECK (${TENANT});`,
        `COMMENT ON TABLE bench.t${t} IS 'tenant data ${t}';`,
        "",
      ].join("\n");
      down = `DROP TABLE bench.t${t};\n`;
    }
    data[`${v}_step_${i}.up.sql`] = up;
    data[`${v}_step_${i}.down.sql`] = down;
  }
  return data;
}

function configMap(data: Record<string, string>) {
  return {
    type: T.configMap,
    name: "bench-migrations",
    urn: "urn:pulumi:bench::readiness::kubernetes:core/v1:ConfigMap::bench-migrations",
    props: {
      metadata: {
        name: "bench-migrations",
        labels: { "app.kubernetes.io/part-of": "bench", "app.kubernetes.io/component": "migrations" },
        annotations: { "readiness.dev/required-extensions": "pg_trgm" },
      },
      data,
    },
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function ms(x: number): string {
  return `${x.toFixed(1)} ms`;
}

async function main(): Promise<void> {
  const files = arg("--files", 500);
  const runs = arg("--runs", 7);
  const data = syntheticMigrations(files);
  const texts = Object.values(data);
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const statements = { n: 0 };

  let t0 = performance.now();
  await loadParserOnce();
  await initRules(RULES);
  const loadMs = performance.now() - t0;

  const evalOnce = () => evaluate(RULES, [configMap(data)], {}, { today: new Date("2026-11-23T12:00:00Z") }).findings;
  const parseCold: number[] = [];
  const checkCold: number[] = [];
  const checkWarm: number[] = [];
  for (let r = 0; r < runs; r++) {
    clearParseCache();
    t0 = performance.now();
    statements.n = 0;
    for (const t of texts) {
      const p = parseSql(t);
      if (p.ok) statements.n += p.statements.length;
    }
    parseCold.push(performance.now() - t0);

    clearParseCache();
    clearReplayCache();
    t0 = performance.now();
    const cold = evalOnce();
    checkCold.push(performance.now() - t0);
    if (cold.length > 0) throw new Error(`the synthetic migrations should pass every gate, got:\n${cold.map((f) => f.message).join("\n")}`);

    t0 = performance.now();
    evalOnce();
    checkWarm.push(performance.now() - t0);
  }
  const rss = process.memoryUsage().rss / 2 ** 20;
  console.log(`Migration gates benchmark: ${Object.keys(data).length} files (${files / 2} up/down pairs), ${statements.n} statements, ${(bytes / 1024).toFixed(0)} KiB, ${runs} runs, Node ${process.version}`);
  console.log("");
  console.log("| step | median | min | max |");
  console.log("|---|---|---|---|");
  console.log(`| load the WebAssembly parser (once per process) | ${ms(loadMs)} | | |`);
  for (const [label, xs] of [
    [`parse ${texts.length} files, cold`, parseCold],
    [`all 7 migration gates over the ConfigMap, cold (parse + replay + checks)`, checkCold],
    [`all 7 migration gates, warm (SQL already parsed and replayed)`, checkWarm],
  ] as const) {
    console.log(`| ${label} | ${ms(median(xs))} | ${ms(Math.min(...xs))} | ${ms(Math.max(...xs))} |`);
  }
  console.log("");
  console.log(`per file, cold: ${ms(median(checkCold) / texts.length)}; RSS ${rss.toFixed(0)} MiB`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}

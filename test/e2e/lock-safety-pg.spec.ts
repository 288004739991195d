/**
 * migrations-lock-safety's two main hazards shown on a real PostgreSQL 15 (a throwaway cluster, as
 * verify:rls starts it): the hazardous statement makes ordinary traffic wait; the safe sequence the
 * gate's message gives does not. "Waits" is observed as a lock_timeout error (SQLSTATE 55P03) of a
 * second session that sets `lock_timeout = '500ms'`. Set READINESS_SKIP_PG=1 to skip on a machine
 * without PostgreSQL.
 */
import * as assert from "node:assert/strict";
import { Client } from "pg";
import { startCluster, type PgCluster } from "../../cli/pg-cluster";

/** Whether `sql` in a fresh session gives up on a lock within 500 ms (true) or completes (false). */
async function waits(c: PgCluster, sql: string): Promise<boolean> {
  const s = new Client({ host: c.host, port: c.port, user: c.superuser, database: "postgres", application_name: "lock-probe" });
  await s.connect();
  try {
    await s.query("SET lock_timeout = '500ms'");
    await s.query(sql);
    return false;
  } catch (e) {
    if ((e as { code?: string }).code === "55P03") return true;
    throw e;
  } finally {
    await s.end();
  }
}

/** Resolves once a session's statement is waiting for a lock (pg_stat_activity), or fails after 5 s. */
async function untilWaiting(admin: Client, application: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const r = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [application]);
    if ((r.rows[0] as { n: number }).n > 0) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  assert.fail(`${application} never waited for a lock`);
}

describe("migrations-lock-safety on a real PostgreSQL 15: the hazard blocks traffic, the safe form does not", function () {
  this.timeout(120_000);
  let cluster: PgCluster | undefined;
  let admin: Client;
  const sessions: Client[] = [];

  const session = async (name: string): Promise<Client> => {
    const c = cluster as PgCluster;
    const s = new Client({ host: c.host, port: c.port, user: c.superuser, database: "postgres", application_name: name });
    await s.connect();
    sessions.push(s);
    return s;
  };

  before(async function () {
    if (process.env["READINESS_SKIP_PG"] === "1") this.skip();
    cluster = await startCluster();
    admin = await session("admin");
    await admin.query(`
      CREATE TABLE customers (id bigint PRIMARY KEY, email text);
      INSERT INTO customers SELECT g, 'c' || g || '@example.test' FROM generate_series(1, 2000) g;
      CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);
      INSERT INTO orders SELECT g, 1 + g % 2000 FROM generate_series(1, 2000) g;`);
  });

  afterEach(async () => {
    for (const s of sessions.splice(1)) await s.end().catch(() => undefined);
  });

  after(async () => {
    for (const s of sessions) await s.end().catch(() => undefined);
    await cluster?.stop();
  });

  it("ADD UNIQUE queues for an ACCESS EXCLUSIVE lock behind a running read, and every new read queues behind it; CREATE UNIQUE INDEX CONCURRENTLY lets reads and writes through", async () => {
    const c = cluster as PgCluster;
    // A long read (a report, a backup) holds ACCESS SHARE on the table.
    const reader = await session("long-read");
    await reader.query("BEGIN; SELECT count(*) FROM customers");
    // The hazard: the migration waits for ACCESS EXCLUSIVE, and the lock queue stops every new read behind it.
    const migration = await session("migration-add-unique");
    const hazard = migration.query("ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email)");
    await untilWaiting(admin, "migration-add-unique");
    assert.equal(await waits(c, "SELECT count(*) FROM customers"), true, "a new read waits behind the ADD UNIQUE");
    await reader.query("COMMIT");
    await hazard;
    await admin.query("ALTER TABLE customers DROP CONSTRAINT customers_email_key");
    // The safe form: the index is built CONCURRENTLY (SHARE UPDATE EXCLUSIVE); while it waits for the
    // same long read (its snapshot: a REPEATABLE READ report), traffic flows.
    await reader.query("BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM customers");
    const builder = await session("migration-build-index");
    const build = builder.query("CREATE UNIQUE INDEX CONCURRENTLY customers_email_idx ON customers (email)");
    await untilWaiting(admin, "migration-build-index");
    assert.equal(await waits(c, "SELECT count(*) FROM customers"), false, "reads go on during the concurrent build");
    assert.equal(await waits(c, "INSERT INTO customers VALUES (5001, 'new@example.test')"), false, "writes go on during the concurrent build");
    await reader.query("COMMIT");
    await build;
    // Then the constraint is attached to the finished index: no build under the exclusive lock.
    await admin.query("ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE USING INDEX customers_email_idx");
  });

  it("a FOREIGN KEY added without NOT VALID blocks writes to the table while it validates; NOT VALID then VALIDATE CONSTRAINT does not", async () => {
    const c = cluster as PgCluster;
    // The hazard, in the migration's transaction: SHARE ROW EXCLUSIVE on orders until commit, held through the validating scan.
    const migration = await session("migration-add-fk");
    await migration.query("BEGIN; ALTER TABLE orders ADD CONSTRAINT orders_customer_fkey FOREIGN KEY (customer_id) REFERENCES customers (id)");
    assert.equal(await waits(c, "INSERT INTO orders VALUES (9001, 1)"), true, "a write to orders waits for the validating FOREIGN KEY");
    await migration.query("ROLLBACK");
    // The safe form: NOT VALID is catalog-only; VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE, which writes do not conflict with.
    await admin.query("ALTER TABLE orders ADD CONSTRAINT orders_customer_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID");
    await migration.query("BEGIN; ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fkey");
    assert.equal(await waits(c, "INSERT INTO orders VALUES (9002, 1)"), false, "writes go on while the constraint is validated");
    assert.equal(await waits(c, "SELECT count(*) FROM orders"), false, "reads go on while the constraint is validated");
    await migration.query("COMMIT");
  });
});

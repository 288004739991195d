/** The `migrations-money-bigint` gate: its catalog record, settings and check. */
import { z } from "zod";
import { defineMeta } from "../../engine/meta";
import { replayedGate, reportAt } from "../../lib/migrations";
import { memoByObject, memoByString } from "../../memo";

export const meta = defineMeta({
  name: "migrations-money-bigint",
  title: "Money as bigint micro-units",
  area: "migrations",
  kind: "stack",
  severity: "high",
  level: "mandatory",
  proves: "Money columns are bigint micro-units, never numeric/decimal/money/floating point.",
  remediation: "Store amounts as bigint micro-units (amount_micros bigint) with a currency column.",
  sources: [{ seed: "002", section: "5. Storage & migrations", line: "All money columns are bigint micro-units; never numeric decimal" }],
});

const word = z.string().regex(/^[a-z0-9]+$/, { message: "must be one lower-case word (letters and digits)." });

export const settings = z.strictObject({
  /** A column is money when one of the words of its name (split on _) is one of these. */
  moneyWords: z
    .array(word)
    .default([
      "amount", "amounts", "price", "prices", "cost", "costs", "total", "totals", "subtotal", "fee", "fees", "balance",
      "balances", "cents", "micros", "tax", "taxes", "discount", "discounts", "refund", "refunds", "payment", "payments",
      "charge", "charges", "salary", "budget", "revenue", "money", "spend",
    ]),
  /** ...unless one of its words is one of these (quantities, ratios, counters). */
  notMoneyWords: z
    .array(word)
    .default(["count", "qty", "quantity", "hours", "minutes", "seconds", "days", "percent", "pct", "ratio", "rate", "weight", "score", "version", "id", "ids"]),
});

const MONEY_BAD: Readonly<Record<string, string>> = {
  numeric: "numeric/decimal is not the shared bigint micro-units representation and is slow to aggregate",
  money: "the money type depends on the server's lc_monetary and has a fixed scale",
  real: "floating point cannot represent amounts exactly",
  "double precision": "floating point cannot represent amounts exactly",
  integer: "integer overflows at 2,147 currency units in micro-units",
  smallint: "smallint overflows almost at once in micro-units",
};

/** Per settings object, a memoised verdict per column name (services repeat column names). */
const moneyVerdicts = memoByObject((s: z.infer<typeof settings>) =>
  memoByString((c) => {
    const words = c.toLowerCase().split(/[^a-z0-9]+/);
    return words.some((w) => s.moneyWords.includes(w)) && !words.some((w) => s.notMoneyWords.includes(w));
  }),
);

/** True when a column's name says it holds money. */
export function isMoneyName(column: string, s: z.infer<typeof settings>): boolean {
  return moneyVerdicts(s)(column);
}

export const migrationsMoneyBigint = replayedGate({
  meta,
  settings,
  check(sm, r, s, report) {
    for (const e of r.events) {
      if (e.kind !== "column-type" || !isMoneyName(e.column, s)) continue;
      const base = e.type.endsWith("[]") ? e.type.slice(0, -2) : e.type;
      const why = MONEY_BAD[base];
      if (why === undefined || r.notMoney.has(`${e.table}.${e.column}`)) continue;
      const micros = e.column.endsWith("_micros") ? e.column : `${e.column.replace(/_cents$/, "")}_micros`;
      reportAt(
        sm,
        e.where,
        report,
        `money column ${e.table}.${e.column} is ${e.type}${e.domain ? ` (through domain ${e.domain})` : ""}: ${why}`,
        `${e.column} ${e.written}`,
        `store it as bigint micro-units (1 EUR = 1000000): ${micros} bigint NOT NULL, with a currency column; if it is not money, declare it: COMMENT ON COLUMN ${e.table}.${e.column} IS 'readiness:not-money'`,
      );
    }
  },
});

/** The three readiness checklists as data, and their mapping to the gate catalog. */
import * as assert from "node:assert/strict";
import { GATES, SEEDS } from "../../policypack/src/catalog";
import { allItems, CHECKLISTS, checklistOf, gateLines, UNMATCHED_SOURCES } from "../../cli/checklists";

describe("readiness checklists (cli/checklists)", () => {
  it("holds the three seed documents in order, with every line", () => {
    assert.deepEqual(
      CHECKLISTS.map((c) => [c.seed, c.service]),
      [
        ["000", "config"],
        ["001", "registration"],
        ["002", "maintenance"],
      ],
    );
    const lines = (seed: string) => CHECKLISTS.find((c) => c.seed === seed)?.sections.reduce((n, s) => n + s.items.length, 0);
    assert.equal(lines("000"), 34);
    assert.equal(lines("001"), 29);
    assert.equal(lines("002"), 100);
    assert.deepEqual(
      checklistOf("maintenance")?.sections.map((s) => s.title).slice(0, 3),
      ["1. Documentation", "2. Code quality", "3. Test coverage and gates"],
    );
    assert.equal(CHECKLISTS[0]?.title, SEEDS["000"].title);
  });

  it("keeps the documents' own structure: 001's notes, 002's sub-items and sign-off roles", () => {
    const reg = checklistOf("registration");
    const tests = reg?.sections.find((s) => s.title === "Tests");
    assert.equal(tests?.items[0]?.text, "tenant-isolation.integration.spec.ts passes");
    assert.equal(tests?.items[0]?.note, "Mandatory");
    const m = checklistOf("maintenance");
    const mandatory = m?.sections[2]?.items.find((i) => i.text === "Mandatory specs present and green:");
    assert.deepEqual(mandatory?.sub, ["integration/tenant-isolation.spec.ts", "integration/outbox.spec.ts", "integration/inbox.spec.ts"]);
    assert.deepEqual(m?.sections.find((s) => s.title === "5. Storage & migrations")?.signOff, ["DBA", "SRE"]);
    assert.match(m?.signOff ?? "", /^Final cutover sign-off: Engineering lead \+ SRE/);
    assert.equal(checklistOf("nope"), undefined);
  });

  it("finds every catalog source line in the documents (no typo in a gate's sources)", () => {
    assert.deepEqual(UNMATCHED_SOURCES, []);
  });

  it("marks a line automated exactly when a gate names it, and lists each gate on its lines", () => {
    const items = allItems();
    for (const g of GATES) {
      for (const s of g.sources) {
        const hit = items.find((i) => i.seed === s.seed && i.section === s.section && i.text === s.line);
        assert.ok(hit?.gates.includes(g.name), `${g.name} on ${s.seed}/${s.section}/${s.line}`);
      }
    }
    const backups = items.find((i) => i.text.startsWith("Backups: daily full"));
    assert.deepEqual(backups?.gates, ["cloudsql-backups-pitr", "cloudsql-cross-region-replica"]);
    assert.equal(backups?.id, "002/5. Storage & migrations/6");
    const manual = items.find((i) => i.text === "On-call rotation assigned" && i.seed === "000");
    assert.deepEqual(manual?.gates, []);
    const automated = items.filter((i) => i.gates.length > 0).length;
    // Automated lines: exactly the distinct checklist lines the catalog's gates name as sources.
    assert.equal(automated, new Set(GATES.flatMap((g) => g.sources.map((s) => `${s.seed}/${s.section}/${s.line}`))).size);
    // Every line of the three seed checklists (changes only when a seed document does).
    assert.equal(items.length, 163);
  });

  it("gives a gate's checklist lines with the service they belong to", () => {
    assert.deepEqual(gateLines("data-residency"), [
      { checklist: "002", service: "maintenance", section: "12. Compliance", line: "Data residency: confirmed all production storage in europe-west1" },
    ]);
    assert.deepEqual(gateLines("no-such-gate"), []);
  });
});

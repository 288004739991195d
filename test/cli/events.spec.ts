/** `pulumi preview --event-log` reader and pack diagnostics → findings. */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { gateByName } from "../../policypack/src/catalog";
import { findingsFromDiagnostic, parseEventLog, stripColors } from "../../cli/events";
import { InputError } from "../../cli/state";
import { EVENTS } from "./support";

const text = fs.readFileSync(EVENTS, "utf8");

function fails(t: string, ...facts: string[]): void {
  assert.throws(
    () => parseEventLog(t, "ev.jsonl"),
    (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      for (const f of facts) assert.ok(e.message.includes(f), `"${f}" not in: ${e.message}`);
      return true;
    },
  );
}

describe("event log reader (cli/events)", () => {
  const log = parseEventLog(text, "preview-events.jsonl");

  it("reports the policy events: level, policy, resource, message without colours or description", () => {
    assert.equal(log.events, 14);
    const got = log.findings.map((f) => [f.policy, f.kind, f.level, f.name]);
    assert.deepEqual(got, [
      ["data-residency", "violation", "mandatory", "maintenance-invoices"],
      ["cloudsql-hardening", "violation", "mandatory", "registration-db"],
      ["workload-secrets-not-in-env", "undecided", "advisory", "maintenance-api"],
    ]);
    const f = log.findings[0];
    assert.equal(
      f?.message,
      `'maintenance-invoices' (gcp:storage/bucket:Bucket): is stored in a multi-region or global location, from field 'location'; data may leave europe-west1 (found "EU"). Fix: use the single region europe-west1.`,
    );
    assert.equal(f?.severity, "critical");
    assert.equal(f?.type, "gcp:storage/bucket:Bucket");
    assert.equal(f?.urn, "urn:pulumi:prod::readiness::gcp:storage/bucket:Bucket::maintenance-invoices");
    assert.deepEqual(log.packs, [{ name: "readiness-guard", version: "0.1.0" }]);
  });

  it("takes the first line for the description when it is an earlier pack version's (the SDK always puts it first)", () => {
    const finding = "'b' (gcp:storage/bucket:Bucket): is stored in a multi-region or global location (found \"EU\").";
    const [old] = findingsFromDiagnostic({ policy: "data-residency", level: "mandatory", message: `Data stays in europe-west1 (0.1.0 wording).\n${finding}` });
    assert.equal(old?.message, finding);
    const [current] = findingsFromDiagnostic({ policy: "data-residency", level: "mandatory", message: `${gateByName("data-residency")?.proves}\n${finding}` });
    assert.equal(current?.message, finding);
    const [bare] = findingsFromDiagnostic({ policy: "data-residency", level: "mandatory", message: finding });
    assert.equal(bare?.message, finding, "no description, no newline: the message as sent");
  });

  it("collects which policies ran on which resource, and the resources with their labels", () => {
    assert.deepEqual([...(log.checked.get("cmek-required") ?? [])].map((u) => u.split("::").pop()), ["maintenance-invoices", "registration-db"]);
    assert.deepEqual([...log.stackPolicies].sort(), ["log-archive-sink", "service-dashboards", "service-slos"]);
    const inv = log.resources.find((r) => r.name === "maintenance-invoices");
    assert.deepEqual(inv?.props["labels"], { service: "maintenance", "data-class": "regulated" });
    assert.equal(inv?.parent, "urn:pulumi:prod::readiness::pulumi:pulumi:Stack::readiness-prod");
  });

  it("skips blank lines and disabled policies; maps remediate to mandatory and unknown severities", () => {
    const ev = (level: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        policyEvent: { message: "m", color: "raw", policyName: "other-policy", policyPackName: "other", policyPackVersion: "2", enforcementLevel: level, ...extra },
      });
    const l = parseEventLog(["", ev("disabled"), ev("remediate", { severity: 4 }), "  ", ev("advisory", { severity: "low" }), ev("warning", { severity: "weird" })].join("\n"));
    assert.deepEqual(
      l.findings.map((f) => [f.level, f.severity, f.urn]),
      [
        ["mandatory", "critical", undefined],
        ["advisory", "low", undefined],
        ["advisory", "medium", undefined],
      ],
    );
    assert.deepEqual(l.packs, [{ name: "other", version: "2" }]);
  });

  it("rejects a bad line with its number and the field", () => {
    fails(`${text}not json\n`, "ev.jsonl: line 15: not valid JSON");
    fails('{"policyEvent": {"message": "m", "policyName": "p", "policyPackName": "x", "policyPackVersion": "1", "enforcementLevel": "loud"}}', "line 1: policyEvent.enforcementLevel: must be");
    fails('\n{"policyEvent": {"message": 3}}', "line 2: policyEvent.message:");
    fails('[1, 2]', "line 1:");
  });

  it("strips Pulumi colour directives and ANSI escapes", () => {
    assert.equal(stripColors("<{%fg 13%}><{%bold%}>hello<{%reset%}>\n"), "hello");
    assert.equal(stripColors("\u001b[31mred\u001b[0m"), "red");
  });
});

describe("pack diagnostics as findings (findingsFromDiagnostic)", () => {
  const urn = "urn:pulumi:prod::readiness::gcp:sql/databaseInstance:DatabaseInstance::db";
  const description = gateByName("cloudsql-hardening")?.proves ?? "";

  it("drops the policy description the SDK puts before the message", () => {
    const [f] = findingsFromDiagnostic({ policy: "cloudsql-hardening", level: "mandatory", message: `${description}\n'db': bad`, urn });
    assert.equal(f?.message, "'db': bad");
    assert.equal(f?.kind, "violation");
    const [g] = findingsFromDiagnostic({ policy: "x", level: "advisory", message: "D\nmsg", description: "D" });
    assert.equal(g?.message, "msg");
    assert.equal(g?.urn, undefined);
  });

  it("recognises undecided, internal-error and config findings by the engine's texts", () => {
    const und = "'db' (t): 'settings.tier' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: x.";
    const err = "cloudsql-hardening could not evaluate 'db' (t) (boom); the gate is not decided for it. Fix: report this input.";
    assert.deepEqual(
      [und, err, "invalid pack config at cloudsql-hardening.waivers[0]: bad"].map(
        (m) => findingsFromDiagnostic({ policy: "cloudsql-hardening", level: "mandatory", message: m, urn }).map((f) => [f.kind, f.level])[0],
      ),
      [
        ["undecided", "advisory"],
        ["error", "advisory"],
        ["config", "mandatory"],
      ],
    );
  });

  it("splits the SDK's folded \"can't run ... during preview: a | b\" diagnostic", () => {
    const und = "'db' (t): 'x' is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: y.";
    const err = "cloudsql-hardening could not evaluate 'db' (t) (boom); the gate is not decided for it. Fix: z.";
    const fs2 = findingsFromDiagnostic({
      policy: "cloudsql-hardening",
      level: "advisory",
      message: `can't run policy 'cloudsql-hardening' from policy pack 'readiness-guard@v0.1.0' during preview: ${und} | ${err}`,
      urn,
    });
    assert.deepEqual(
      fs2.map((f) => [f.kind, f.level, f.message]),
      [
        ["undecided", "advisory", und],
        ["error", "advisory", err],
      ],
    );
  });
});

/**
 * The secretlint rule set as lib/secret-rules.ts runs it (synchronously, through the rules' own
 * interface) against @secretlint/core's lintSource() (the reference), the PEM armour variants, the
 * pre-test, and what the policy SDK does to a Pulumi secret before a policy sees it.
 */
import * as assert from "node:assert/strict";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { secretWrapper } from "../../policypack/src/access/values";
import { loadSecretRules, ruleSetHit } from "../../policypack/src/lib/secret-rules";
import { literalSecret, ruleSetCandidate, scrubSecrets, secretShape } from "../../policypack/src/lib/secrets";

const deserialize = require("@pulumi/policy/deserialize") as { deserializeProperties(s: Struct, proxySecrets: boolean): Record<string, unknown> };

/** Values built from parts, so that no scanner mistakes this file for a leak. */
const CORPUS: readonly (readonly [string, string])[] = [
  ["CONFIG_A", `ghp_${"wWPw5k4aXcaT4fNP0UcnZwJUVFk6LO0pINUx"}`],
  ["NOTIFY", `https://hooks.slack.com/services/${"T0123ABCD"}/${"B0123ABCD"}/${"a1B2c3D4e5F6g7H8i9J0k1L2"}`],
  ["CHAT", `xoxb-${"123456789012"}-${"1234567890123"}-${"AbCdEfGhIjKlMnOpQrStUvWx"}`],
  ["CONFIG_C", `glpat-${"aB3dE5gH7jK9mN1pQ3sT"}`],
  ["AWS_SECRET_ACCESS_KEY", ["je7MtGbClwBF", "2Zp9Utk", "h3yCo8nvbEXAMPLEKEY"].join("/")],
  ["DB", `postgres://${"app"}:${"Tr0ub4dor3x"}@db.internal:5432/app`],
  ["KEY", `-----BEGIN RSA PRIVATE KEY-----\n${"MIIEowIBAAKCAQEA"}${"q".repeat(120)}\n-----END RSA PRIVATE KEY-----`],
  ["TENANT_ID", "123e4567-e89b-12d3-a456-426614174000"],
  ["IMAGE_DIGEST", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"],
  ["API_BASE", "https://api.example.com/v1/items?page=2"],
  ["PUB", "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----"],
  ["DATABASE_URL", "postgres://app:$(DB_PASSWORD)@127.0.0.1:6432/app"],
];

interface Core {
  lintSource(o: unknown): Promise<{ messages: { ruleId: string; messageId?: string }[] }>;
}
interface PresetModule {
  creator: { meta: { id: string } };
}

describe("secret rule set (lib/secret-rules.ts)", () => {
  before(() => loadSecretRules());

  it("finds what @secretlint/core's lintSource() finds with the same preset, value by value (rule and message ids)", async () => {
    const core = require("@secretlint/core") as Core;
    const preset = require("@secretlint/secretlint-rule-preset-recommend") as PresetModule;
    let found = 0;
    for (const [name, value] of CORPUS) {
      const content = `${name}=${value}`;
      const ref = await core.lintSource({ source: { filePath: ".env", content, contentType: "text" }, options: { config: { rules: [{ id: preset.creator.meta.id, rule: preset.creator }] } } });
      const first = ref.messages[0];
      const want = first && { rule: first.ruleId.replace(/^@secretlint\/secretlint-rule-/, ""), messageId: first.messageId };
      assert.deepEqual(ruleSetHit(name, value), want, name);
      if (want) found++;
    }
    assert.ok(found >= 5, `the corpus exercises the rule set (${found} hits)`);
  });

  it("never keeps a matched text: only rule and message ids", () => {
    const hit = ruleSetHit("CONFIG_C", `glpat-${"aB3dE5gH7jK9mN1pQ3sT"}`);
    assert.deepEqual(hit, { rule: "gitlab", messageId: "GITLAB_PERSONAL_ACCESS_TOKEN" });
    assert.equal(literalSecret("CONFIG_C", `glpat-${"aB3dE5gH7jK9mN1pQ3sT"}`), "a credential (secretlint rule gitlab: GITLAB_PERSONAL_ACCESS_TOKEN)");
  });

  it("ignores a secretlint-disable comment inside a value (exemptions are waivers)", () => {
    const v = `glpat-${"aB3dE5gH7jK9mN1pQ3sT"} # secretlint-disable-line`;
    assert.equal(ruleSetHit("CONFIG_C", v)?.rule, "gitlab");
  });

  it("the pre-test lets ordinary values by and every corpus credential through", () => {
    for (const v of ["info", "3600", "true", "10.0.0.5", "registration", "/var/run/app.sock", "short-value-1", "europe-west1"]) assert.equal(ruleSetCandidate(v), false, v);
    for (const [name, v] of CORPUS) if (ruleSetHit(name, v)) assert.equal(ruleSetCandidate(v), true, name);
  });
});

describe("PEM private-key armour (secretShape, scrubSecrets)", () => {
  const body = "MIIEowIBAAKCAQEA";
  it("any run of three dashes or more, spaces inside, escaped newlines, PGP blocks", () => {
    for (const v of [
      `---BEGIN RSA PRIVATE KEY---\n${body}\n---END RSA PRIVATE KEY---`,
      `--------BEGIN PRIVATE KEY--------\n${body}`,
      `----- BEGIN EC PRIVATE KEY -----\\n${body}\\n----- END EC PRIVATE KEY -----`,
      `-----BEGIN OPENSSH PRIVATE KEY-----\r\n${body}`,
      `-----BEGIN PGP PRIVATE KEY BLOCK-----\n${body}`,
      `-----BEGIN ENCRYPTED PRIVATE KEY-----${body}`,
    ]) {
      assert.equal(secretShape(v), "a PEM private key", v.slice(0, 30));
      assert.ok(!scrubSecrets(`key: ${v} end`).includes(body), v.slice(0, 30));
    }
  });
  it("not a public key, a certificate, two dashes, or prose", () => {
    for (const v of [
      `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----`,
      `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`,
      `--BEGIN RSA PRIVATE KEY--\n${body}`,
      "rotate the PRIVATE KEY --- BEGIN here",
    ]) {
      assert.equal(secretShape(v), undefined, v.slice(0, 30));
    }
  });
});

describe("Pulumi secrets and the policy SDK", () => {
  it("the SDK unwraps a secret before validateResource / validateStack (@pulumi/policy deserialize.js, proxySecrets false)", () => {
    const props = deserialize.deserializeProperties(Struct.fromJavaScript({ env: [{ name: "GREETING", value: secretWrapper("hello") as Record<string, string> }] }), false);
    assert.deepEqual(props, { env: [{ name: "GREETING", value: "hello" }] }, "the marker is gone: a policy under pulumi preview cannot tell");
  });
});

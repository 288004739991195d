/** The `workload-secrets-not-in-env` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asArray, asString, lookup, show, T, typeFromUrn, valueAt } from "../../access";
import { WORKLOAD_TYPES, type Workload } from "../../access/k8s";
import { defineMeta } from "../../engine/meta";
import { undecidedMessage, violation } from "../../engine/rule";
import { memoByObject } from "../../memo";
import { loadSecretRules } from "../../lib/secret-rules";
import { literalSecret, secretLookingName } from "../../lib/secrets";
import { reportUndecided } from "../../lib/undecided";
import { containersOf, workloadGate } from "../../lib/workloads";

export const meta = defineMeta({
  name: "workload-secrets-not-in-env",
  title: "No secrets in environment variables",
  area: "workloads",
  kind: "resource",
  severity: "critical",
  level: "mandatory",
  proves:
    "No literal secret-looking value in container env (by name and by value shape); in strict mode no secret delivered through env at all: secrets are mounted from Secret Manager.",
  remediation:
    "Remove the literal value; mount the secret from Secret Manager (Secrets Store CSI driver volume on GKE, secret volume on Cloud Run).",
  sources: [
    { seed: "000", section: "Code Quality", line: "No hardcoded secrets or credentials" },
    { seed: "002", section: "6. Security", line: "Secrets in Secret Manager, never in env vars" },
  ],
});

/** Literal values that are references to a secret, not the secret itself. */
function referenceLike(v: string): boolean {
  const t = v.trim();
  return (
    t === "" ||
    /^(true|false)$/i.test(t) ||
    /^\d+$/.test(t) ||
    /^(\/|\.\/|~\/)/.test(t) ||
    /^projects\/[^/]+\/secrets\//.test(t) ||
    /^(sm|secretmanager|gcpsm|vault|file):\/\//i.test(t) ||
    /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(t) ||
    /^\$\{[^}]+\}$/.test(t)
  );
}

/** Resource types whose outputs are secrets: an env value computed from one is a literal secret. */
const SECRET_SOURCE_TYPES = new Set([
  "random:index/randomPassword:RandomPassword",
  "tls:index/privateKey:PrivateKey",
  T.serviceAccountKey,
  "gcp:secretmanager/secretVersion:SecretVersion",
  "gcp:sql/user:User",
  "gcp:kms/secretCiphertext:SecretCiphertext",
]);

/** What a Kubernetes pod volume delivers: a Secret Manager mount (CSI driver), a Kubernetes Secret, or neither. */
function secretVolumeKind(raw: unknown): "secret-manager" | "k8s-secret" | "other" | "unknown" {
  if (lookup(raw, "csi.driver").kind === "unknown" || lookup(raw, "secret").kind === "unknown") return "unknown";
  const driver = asString(valueAt(raw, "csi.driver"));
  if (driver === "secrets-store.csi.k8s.io") return "secret-manager";
  if (valueAt(raw, "secret") !== undefined) return "k8s-secret";
  if (asArray(valueAt(raw, "projected.sources")).some((src) => valueAt(src, "secret") !== undefined)) return "k8s-secret";
  return "other";
}

export const settings = z.strictObject({
  /** No secret through env at all (production); secrets are mounted from Secret Manager. */
  strict: z.boolean().default(true),
  /** Env names never treated as secret by name (value-shape detection still applies). */
  allowNames: z.array(z.string().min(1)).default([]),
});

type SecretsSettings = z.infer<typeof settings>;

/** The upper-cased allowNames, built once per settings object. */
const allowedNames: (s: SecretsSettings) => ReadonlySet<string> = memoByObject((s) => new Set(s.allowNames.map((n) => n.toUpperCase())));

const MOUNT_FIX_K8S =
  'mount it from Secret Manager instead: a Secrets Store CSI driver volume (driver "secrets-store.csi.k8s.io", a SecretProviderClass with provider gcp) and read the file';
const MOUNT_FIX_RUN = "mount it from Secret Manager instead: a template.volumes[] entry with secret: {secret: <secret id>} and a volumeMount, and read the file";
const MOUNT_FIX_RUN_V1 = "mount it from Secret Manager instead: a template.spec.volumes[] entry with secret: {secretName: <secret id>} and a volumeMount, and read the file";
const MOUNT_FIX_FUNCTION = "mount it from Secret Manager instead: a secretVolumes[] entry ({mountPath, secret: <secret id>}), and read the file";

/** The remediation that mounts a secret, in the workload's own terms. */
function mountFix(w: Workload): string {
  if (w.platform === "kubernetes") return MOUNT_FIX_K8S;
  if (w.platform === "functions") return MOUNT_FIX_FUNCTION;
  return w.kind === "CloudRunV1Service" ? MOUNT_FIX_RUN_V1 : MOUNT_FIX_RUN;
}

export const workloadSecretsNotInEnv = workloadGate({
  meta,
  types: WORKLOAD_TYPES,
  settings,
  init: loadSecretRules,
  check(w, s: SecretsSettings, report) {
    const r = w.r;
    const fixMount = mountFix(w);
    const allowed = allowedNames(s);
    const deps = r.input.dependencies === undefined ? undefined : r.dependenciesOf(w.dependencyProp).map(typeFromUrn);
    const computedSecret = deps?.find((t) => t !== undefined && SECRET_SOURCE_TYPES.has(t));
    const unknownValues: string[] = [];
    const fail = (problem: string, found: string, fix: string) => report({ message: violation(r.display(), problem, found, fix) });
    for (const c of containersOf(w, report)) {
      const env = w.env(c);
      if (env.unknown) reportUndecided(report, r, `'${env.unknown}'`);
      for (const e of env.list) {
        const name = e.name ?? "(unnamed)";
        const byName = e.name !== undefined && secretLookingName(e.name) && (allowed.size === 0 || !allowed.has(e.name.toUpperCase()));
        if (e.source === "literal") {
          const shape = e.secret ? undefined : literalSecret(e.name ?? "", e.value as string);
          if (e.secret) {
            fail(
              `${c.label}: env ${name} holds a Pulumi secret as a plain value (the workload's spec keeps it in clear text)`,
              "a secret value (not shown)",
              `remove the value from the manifest and rotate it; ${fixMount}`,
            );
          } else if (shape) {
            fail(`${c.label}: env ${name} holds a literal value shaped like ${shape}`, "a literal value (not shown)", `remove the value from the manifest and rotate it; ${fixMount}`);
          } else if (byName && !referenceLike(e.value as string)) {
            fail(`${c.label}: env ${name} has a secret-looking name and holds a literal value`, "a literal value (not shown)", `remove the value from the manifest and rotate it; ${fixMount}`);
          }
        } else if (e.source === "unknown") {
          if (byName || computedSecret) {
            fail(
              `${c.label}: env ${name} is set to a literal value computed at apply${computedSecret ? ` from a ${computedSecret} output` : ""}`,
              `${e.path}.value (a secret-looking ${byName ? "name" : "source"})`,
              fixMount,
            );
          } else if (deps === undefined) {
            unknownValues.push(name);
          }
        } else if (e.source === "secret" && s.strict) {
          const what = w.platform === "kubernetes" ? "Kubernetes Secret" : "Secret Manager secret";
          fail(
            `${c.label}: env ${name} delivers a secret through the environment (strict mode)`,
            `${what} ${show(e.ref?.name)}${e.ref?.key !== undefined ? ` ${w.platform === "kubernetes" ? "key" : "version"} ${show(e.ref.key)}` : ""}`,
            fixMount,
          );
        }
      }
      if (s.strict) {
        const from = w.envFrom(c);
        if (from.unknown) reportUndecided(report, r, `'${from.unknown}'`);
        for (const f of from.list) {
          if (f.kind === "unknown") reportUndecided(report, r, `'${f.path}'`);
          else if (f.kind === "secret") {
            fail(`${c.label}: envFrom loads a whole Kubernetes Secret into the environment (strict mode)`, `${f.path}.secretRef.name ${show(f.name)}`, fixMount);
          }
        }
      }
    }
    if (unknownValues.length > 0) {
      report({
        undecided: true,
        message: undecidedMessage(r.display(), `the value of env ${unknownValues.join(", ")} (so its shape cannot be checked for a secret)`),
      });
    }
    if (s.strict && w.platform === "kubernetes") {
      const vols = w.volumes();
      if (vols.unknown) reportUndecided(report, r, `'${vols.unknown}'`);
      for (const v of vols.list) {
        const kind = secretVolumeKind(v.raw);
        if (kind === "unknown") reportUndecided(report, r, `'${v.path}'`);
        else if (kind === "k8s-secret") {
          fail(
            `volume ${show(v.name)} mounts a Kubernetes Secret, not a Secret Manager secret (strict mode)`,
            `${v.path} ${valueAt(v.raw, "secret") !== undefined ? `secret.secretName ${show(valueAt(v.raw, "secret.secretName"))}` : "a projected secret source"}`,
            'use a Secrets Store CSI driver volume (driver "secrets-store.csi.k8s.io") with a SecretProviderClass of provider gcp',
          );
        }
      }
    }
  },
});

/**
 * Compute Engine instances and instance templates as the gates read them: the encryption of every
 * disk (cmek-required), the service account (workload-identity) and static keys in metadata
 * (no-static-service-account-keys).
 *
 * Disks, per type:
 *   gcp:compute/instance                 bootDisk, attachedDisks[], scratchDisks[]
 *   gcp:compute/instanceFromTemplate     the same, where set (the rest comes from the template, checked in its own right)
 *   gcp:compute/(region)InstanceTemplate disks[] (type SCRATCH: a local SSD)
 * A disk is CMEK-encrypted when it names a Cloud KMS CryptoKey (kmsKeySelfLink,
 * diskEncryptionKey.kmsKeySelfLink). A raw or RSA-wrapped key (diskEncryptionKeyRaw / Rsa) is a
 * customer-supplied key (CSEK), not CMEK. A local SSD (scratch disk) cannot use a customer-managed
 * key. A disk attached from an existing disk (`source`) that names no key passes when the
 * instance depends on a Disk / RegionDisk of the stack through that field: cmek-required checks
 * that disk in its own right.
 */
import { asArray, asString, isRecord, isUnknown, lookup, show, T, typeFromUrn, valueAt, type Lookup, type MemoKey, type ResourceView, type StackView } from "../access";
import { undecidedMessage, violation, type Reporter } from "../engine/rule";
import { reportUndecided } from "./undecided";

/** Compute Engine types whose disks, service account and metadata the gates check. */
export const COMPUTE_TYPES: readonly string[] = [T.computeInstance, T.instanceFromTemplate, T.instanceTemplate, T.regionInstanceTemplate];

const TEMPLATE_TYPES = new Set<string>([T.instanceTemplate, T.regionInstanceTemplate]);
const DISK_TYPES: readonly string[] = [T.disk, T.regionDisk];

/** One disk of an instance or template, as its encryption reads. */
export interface ComputeDisk {
  /** Display path of the disk ("bootDisk", "attachedDisks[1]", "disks[0]"). */
  readonly path: string;
  /** The top-level input whose dependencies settle an unknown key or source. */
  readonly dep: string;
  /** Display path of its KMS key field. */
  readonly keyPath: string;
  /**
   * cmek: names a key (value); csek: a customer-supplied key (field); scratch: a local SSD;
   * source: no key, attached from an existing disk; absent: no key; unknown: the disk or key is
   * unknown until apply (field).
   */
  readonly state: "cmek" | "csek" | "scratch" | "source" | "absent" | "unknown";
  readonly value?: string;
  readonly field?: string;
}

const CSEK_FIELDS = ["diskEncryptionKeyRaw", "diskEncryptionKeyRsa"] as const;

/** An instance's disk (bootDisk or an attached disk): kmsKeySelfLink, or a CSEK, or a source disk. */
function instanceDisk(raw: unknown, path: string, dep: string): ComputeDisk {
  const keyPath = `${path}.kmsKeySelfLink`;
  if (isUnknown(raw)) return { path, dep, keyPath, state: "unknown", field: path };
  for (const f of CSEK_FIELDS) {
    const l = lookup(raw, f);
    if (l.kind !== "absent") return { path, dep, keyPath, state: "csek", field: `${path}.${f}` };
  }
  return keyed(lookup(raw, "kmsKeySelfLink"), raw, path, dep, keyPath);
}

/** A template disk: diskEncryptionKey.kmsKeySelfLink, a scratch disk, or a source disk. */
function templateDisk(raw: unknown, path: string): ComputeDisk {
  const keyPath = `${path}.diskEncryptionKey.kmsKeySelfLink`;
  if (isUnknown(raw)) return { path, dep: "disks", keyPath, state: "unknown", field: path };
  const type = lookup(raw, "type");
  if (type.kind === "unknown") return { path, dep: "disks", keyPath, state: "unknown", field: `${path}.type` };
  if (type.kind === "known" && asString(type.value)?.toUpperCase() === "SCRATCH") return { path, dep: "disks", keyPath, state: "scratch" };
  return keyed(lookup(raw, "diskEncryptionKey.kmsKeySelfLink"), raw, path, "disks", keyPath);
}

function keyed(l: Lookup, raw: unknown, path: string, dep: string, keyPath: string): ComputeDisk {
  if (l.kind === "unknown") return { path, dep, keyPath, state: "unknown", field: keyPath };
  const v = l.kind === "known" ? asString(l.value) : undefined;
  if (v !== undefined && v.trim() !== "") return { path, dep, keyPath, state: "cmek", value: v };
  if (l.kind === "known" && v === undefined) return { path, dep, keyPath, state: "cmek", value: show(l.value) };
  const src = lookup(raw, "source");
  if (src.kind === "unknown" || (src.kind === "known" && asString(src.value))) return { path, dep, keyPath, state: "source" };
  return { path, dep, keyPath, state: "absent" };
}

/** Every disk of a Compute instance or template (memoised on the view). */
export function computeDisks(r: ResourceView): readonly ComputeDisk[] {
  return r.memo(DISKS, readDisks);
}

const DISKS: MemoKey<readonly ComputeDisk[]> = { name: "computeDisks" };

function readDisks(r: ResourceView): readonly ComputeDisk[] {
  const out: ComputeDisk[] = [];
  const listAt = (field: string, each: (raw: unknown, path: string) => ComputeDisk): void => {
    const l = r.get(field);
    if (l.kind === "unknown") out.push({ path: field, dep: field, keyPath: field, state: "unknown", field });
    else if (l.kind === "known") asArray(l.value).forEach((raw, i) => out.push(each(raw, `${field}[${i}]`)));
  };
  if (TEMPLATE_TYPES.has(r.type)) {
    listAt("disks", templateDisk);
    return out;
  }
  const boot = r.get("bootDisk");
  if (boot.kind === "unknown") out.push({ path: "bootDisk", dep: "bootDisk", keyPath: "bootDisk.kmsKeySelfLink", state: "unknown", field: "bootDisk" });
  else if (boot.kind === "known") out.push(instanceDisk(boot.value, "bootDisk", "bootDisk"));
  else if (r.type === T.computeInstance) out.push({ path: "bootDisk", dep: "bootDisk", keyPath: "bootDisk.kmsKeySelfLink", state: "absent" });
  listAt("attachedDisks", (raw, path) => instanceDisk(raw, path, "attachedDisks"));
  listAt("scratchDisks", (_raw, path) => ({ path, dep: "scratchDisks", keyPath: path, state: "scratch" }));
  return out;
}

const CMEK_FIX = "create a gcp.kms.CryptoKey in the instance's region (grant the Compute Engine service agent roles/cloudkms.cryptoKeyEncrypterDecrypter) and set";

/** cmek-required for a Compute instance or template: every disk names a Cloud KMS key. */
export function checkComputeDisks(stack: StackView, r: ResourceView, report: Reporter): void {
  for (const d of computeDisks(r)) {
    switch (d.state) {
      case "cmek":
        if (!d.value?.includes("/cryptoKeys/")) {
          report({
            subject: r,
            message: violation(r.display(), `'${d.keyPath}' is not a Cloud KMS CryptoKey name`, show(d.value), "use a CryptoKey id: projects/<p>/locations/<region>/keyRings/<ring>/cryptoKeys/<key>"),
          });
        }
        break;
      case "unknown":
        if (d.field === d.keyPath && stack.dependsOnType(r, d.dep, T.kmsCryptoKey)) break;
        report({ subject: r, undecided: true, message: undecidedMessage(r.display(), `the encryption of '${d.field ?? d.path}'`) });
        break;
      case "source":
        if (DISK_TYPES.some((t) => stack.dependsOnType(r, d.dep, t))) break; // that Disk is checked in its own right
        report({
          subject: r,
          message: violation(r.display(), `attaches disk ${d.path} without a customer-managed encryption key`, `'${d.keyPath}' not set, and its source is no disk of this stack`, `${CMEK_FIX} ${d.keyPath} (the source disk's key)`),
        });
        break;
      case "csek":
        report({
          subject: r,
          message: violation(
            r.display(),
            `disk ${d.path} is encrypted with a customer-supplied key (CSEK), not a customer-managed Cloud KMS key`,
            `'${d.field as string}' set (not shown)`,
            `remove ${d.field as string}; ${CMEK_FIX} ${d.keyPath}`,
          ),
        });
        break;
      case "scratch":
        report({
          subject: r,
          message: violation(
            r.display(),
            `disk ${d.path} is a local SSD (scratch disk), which cannot use a customer-managed encryption key`,
            d.path,
            "use a persistent disk with a CMEK instead; waive it only if the disk holds no data that must be encrypted with your key",
          ),
        });
        break;
      case "absent":
        report({ subject: r, message: violation(r.display(), `disk ${d.path} has no customer-managed encryption key`, `'${d.keyPath}' not set`, `${CMEK_FIX} ${d.keyPath}`) });
        break;
    }
  }
}

// ------------------------------------------------------------------------------ identity

/** Google's default service accounts: Compute Engine's (<number>-compute@developer) and App Engine's (<project>@appspot). */
export const DEFAULT_SA = /(-compute@developer\.gserviceaccount\.com|@appspot\.gserviceaccount\.com)$/;

/**
 * workload-identity for a Compute instance or template: it runs as a dedicated service account,
 * not without one and not as the default Compute Engine service account. An InstanceFromTemplate
 * without a serviceAccount of its own takes the template's (checked in its own right).
 */
export function checkComputeIdentity(stack: StackView, r: ResourceView, report: Reporter): void {
  const service = stack.serviceOf(r);
  const sa = r.get("serviceAccount");
  if (sa.kind === "absent" && r.type === T.instanceFromTemplate) return;
  if (sa.kind === "unknown") return reportUndecided(report, r, "'serviceAccount'", service);
  const email = r.get("serviceAccount.email");
  if (email.kind === "unknown") {
    if (stack.dependsOnType(r, "serviceAccount", T.gcpServiceAccount)) return; // the email of a service account of this stack
    return reportUndecided(report, r, "'serviceAccount.email'", service);
  }
  const e = email.kind === "known" ? asString(email.value) : undefined;
  if (e !== undefined && e.trim() !== "" && !DEFAULT_SA.test(e) && e.toLowerCase() !== "default") return;
  const what = r.type === T.computeInstance || r.type === T.instanceFromTemplate ? "Compute instance" : "instance template";
  const fix = "create a gcp.serviceaccount.Account for the workload (least-privilege roles) and set serviceAccount: {email: <its email>, scopes: [\"cloud-platform\"]}";
  const found = sa.kind === "absent" ? "serviceAccount not set" : e === undefined || e.trim() === "" ? "serviceAccount.email not set (the default compute service account)" : `serviceAccount.email ${show(e)}`;
  const problem = sa.kind === "absent" ? `${what} runs without a service account of its own` : `${what} runs as the default compute service account`;
  report({ subject: r, service, message: violation(r.display(), service ? `service '${service}' ${problem}` : problem, found, fix) });
}

// ------------------------------------------------------------------------------ static keys

const SSH_KEY_FIELDS = ["ssh-keys", "sshKeys"] as const;

/** What in an instance's metadata is a static credential: SSH keys, a service-account key file, a private key. */
export interface MetadataKeys {
  /** Metadata keys holding SSH public keys (project-independent static SSH access). */
  readonly ssh: readonly string[];
  /** Metadata paths holding a service-account key file or a PEM private key. */
  readonly keyFiles: readonly string[];
  /** The metadata (or the startup script) is unknown until apply. */
  readonly unknown: boolean;
}

const PEM_PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** The static keys in a Compute instance's or template's metadata and startup script. */
export function metadataKeys(r: ResourceView, isKeyFile: (text: string) => boolean): MetadataKeys {
  const ssh: string[] = [];
  const keyFiles: string[] = [];
  let unknown = false;
  const scan = (text: unknown, path: string): void => {
    if (isUnknown(text)) {
      unknown = true;
      return;
    }
    const s = asString(text);
    if (s !== undefined && (isKeyFile(s) || PEM_PRIVATE_KEY.test(s))) keyFiles.push(path);
  };
  const md = r.get("metadata");
  if (md.kind === "unknown") unknown = true;
  else if (md.kind === "known" && isRecord(md.value)) {
    for (const [k, v] of Object.entries(md.value)) {
      if ((SSH_KEY_FIELDS as readonly string[]).includes(k) && (isUnknown(v) || (asString(v) ?? "").trim() !== "")) ssh.push(k);
      else scan(v, `metadata.${k}`);
    }
  }
  const script = r.get("metadataStartupScript");
  if (script.kind === "unknown") unknown = true;
  else if (script.kind === "known") scan(valueAt(r.props, "metadataStartupScript"), "metadataStartupScript");
  return { ssh, keyFiles, unknown };
}

/** The URN of a service-account Key the instance's metadata is computed from, when dependencies are known. */
export function metadataKeyDependency(r: ResourceView): string | undefined {
  if (r.input.dependencies === undefined) return undefined;
  return [...r.dependenciesOf("metadata"), ...r.dependenciesOf("metadataStartupScript")].find((u) => typeFromUrn(u) === T.serviceAccountKey);
}

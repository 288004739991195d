/**
 * Where each finding's resource was declared: parsing a stack export's `sourcePosition`, the
 * fallback to the nearest ancestor declared in the project, and every format that shows it.
 */
import * as assert from "node:assert/strict";
import { auditState } from "../../cli/audit";
import { renderJson } from "../../cli/report/json";
import { renderMarkdown } from "../../cli/report/markdown";
import { renderSarif } from "../../cli/report/sarif";
import { renderText } from "../../cli/report/text";
import { declarationSites, parseExportedPosition } from "../../cli/source-positions";
import { AUDIT_CONFIG, mutatedExport, resourcesOf, ROOT, TODAY } from "./support";

const P = "urn:pulumi:prod::readiness::";

describe("source positions (cli/source-positions)", function () {
  this.timeout(120_000);

  it("reads a stack export's sourcePosition as the engine writes it (project:///<path>#<line>[,<column>])", () => {
    assert.deepEqual(parseExportedPosition("project:///components/db.ts#17,12"), { file: "components/db.ts", line: 17, column: 12 });
    assert.deepEqual(parseExportedPosition("project:///index.ts#4"), { file: "index.ts", line: 4, column: 1 }, "no column: column 1");
    assert.deepEqual(parseExportedPosition("project:///my%20infra/index.ts#2,3"), { file: "my infra/index.ts", line: 2, column: 3 });
    for (const bad of [undefined, "", "file:///abs/index.ts#3,1", "project:///index.ts", "project:///index.ts#0,1", "project:///index.ts#x", "project:///%E0%A4%A.ts#1"]) {
      assert.equal(parseExportedPosition(bad), undefined, String(bad));
    }
  });

  it("uses the resource's own declaration in the project, else its nearest ancestor's (a chart's children are declared in node_modules)", () => {
    const sites = declarationSites([
      { urn: "chart", sourcePosition: { file: "index.ts", line: 9, column: 15 } },
      { urn: "child", parent: "chart", sourcePosition: { file: "node_modules/@pulumi/kubernetes/helm/v4/chart.js", line: 80, column: 20 } },
      { urn: "grandchild", parent: "child" },
      { urn: "own", parent: "chart", sourcePosition: { file: "lib/db.ts", line: 3, column: 5 } },
      { urn: "outside", sourcePosition: { file: "/usr/lib/node/x.js", line: 1, column: 1 } },
      { urn: "above", sourcePosition: { file: "../shared/x.ts", line: 1, column: 1 } },
      { urn: "none" },
    ]);
    assert.deepEqual(Object.fromEntries(sites), {
      chart: { file: "index.ts", line: 9, column: 15 },
      child: { file: "index.ts", line: 9, column: 15 },
      grandchild: { file: "index.ts", line: 9, column: 15 },
      own: { file: "lib/db.ts", line: 3, column: 5 },
    });
  });

  describe("an audit of an export that records where resources were declared", () => {
    const DB = `${P}gcp:sql/databaseInstance:DatabaseInstance::maintenance-db`;
    const BUCKET = `${P}gcp:storage/bucket:Bucket::maintenance-invoices`;
    let report: Awaited<ReturnType<typeof auditState>>;
    before(async () => {
      const file = mutatedExport((doc) => {
        for (const r of resourcesOf(doc)) {
          if (r["urn"] === DB) r["sourcePosition"] = "project:///components/database.ts#41,22";
          if (r["urn"] === BUCKET) r["sourcePosition"] = "project:///index.ts#7";
        }
      });
      report = await auditState(file, { config: AUDIT_CONFIG, today: TODAY, cwd: ROOT });
    });

    it("JSON: each finding of those resources carries source; the others none", () => {
      const j = JSON.parse(renderJson(report)) as { violations: { policy: string; urn: string; source?: unknown }[] };
      const at = j.violations.map((v) => [v.policy, v.urn.slice(v.urn.lastIndexOf("::") + 2), v.source ?? null]);
      assert.deepEqual(at, [
        ["cloudsql-backups-pitr", "maintenance-db", { file: "components/database.ts", line: 41, column: 22 }],
        ["cloudsql-cross-region-replica", "maintenance-db", { file: "components/database.ts", line: 41, column: 22 }],
        ["cloudsql-hardening", "maintenance-db", { file: "components/database.ts", line: 41, column: 22 }],
        ["cmek-required", "maintenance-db", { file: "components/database.ts", line: 41, column: 22 }],
        ["data-residency", "maintenance-invoices", { file: "index.ts", line: 7, column: 1 }],
        ["no-static-service-account-keys", "ci-deployer-key", null],
      ]);
    });

    it("SARIF: the result's physical location is the declaration (relative to %SRCROOT%), listed among the artifacts", () => {
      const log = JSON.parse(renderSarif(report)) as {
        runs: { artifacts: unknown[]; results: { ruleId: string; locations: { physicalLocation: unknown }[] }[] }[];
      };
      const run = log.runs[0];
      const exported = (run?.artifacts[0] as { location: { uri: string } }).location;
      assert.match(exported.uri, /^file:\/\/\/.*\/export\.json$/, "the export (a temp file: absolute) stays artifact 0");
      assert.deepEqual(run?.artifacts.slice(1), [
        { location: { uri: "components/database.ts", uriBaseId: "%SRCROOT%" }, roles: ["analysisTarget"] },
        { location: { uri: "index.ts", uriBaseId: "%SRCROOT%" }, roles: ["analysisTarget"] },
      ]);
      const where = (rule: string) => run?.results.find((r) => r.ruleId === rule)?.locations[0]?.physicalLocation;
      assert.deepEqual(where("data-residency"), { artifactLocation: { uri: "index.ts", uriBaseId: "%SRCROOT%", index: 2 }, region: { startLine: 7, startColumn: 1 } });
      assert.deepEqual(where("cmek-required"), { artifactLocation: { uri: "components/database.ts", uriBaseId: "%SRCROOT%", index: 1 }, region: { startLine: 41, startColumn: 22 } });
      assert.deepEqual(where("no-static-service-account-keys"), { artifactLocation: { ...exported, index: 0 }, region: { startLine: 1 } }, "no position: the export, line 1");
    });

    it("text and Markdown: the declaration under the finding", () => {
      const text = renderText(report, { packLocation: "local: policypack" });
      assert.ok(
        text.includes(
          "          'maintenance-invoices' (gcp:storage/bucket:Bucket): is stored in a multi-region or global location",
        ),
      );
      const residency = text.split("\n").findIndex((l) => l.includes("'maintenance-invoices' (gcp:storage/bucket:Bucket): is stored"));
      assert.equal(text.split("\n")[residency + 1], "          at index.ts:7:1");
      assert.ok(renderMarkdown(report).includes(`| \`${BUCKET}\` at \`index.ts:7:1\` |`));
    });
  });
});

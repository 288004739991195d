/** Examples of `cloudsql-cross-region-replica`, run by test/gates/examples.spec.ts. */
import type { ResourceInput } from "../../access/resource";
import { sqlPrimary, sqlReplica } from "../../../../test/fixtures/gcp";
import { at, change, examples, plus, without } from "../../../../test/support/examples";
import { mutate, UNKNOWN } from "../../../../test/support/fixtures";

/** The resource without dependency information (as from a program that passes plain strings). */
const noDeps = (r: ResourceInput): ResourceInput => ({ ...r, dependencies: [], propertyDependencies: {} });

/** A second primary with the same instance name as the first, later in stack order. */
const twin = (): ResourceInput => ({ ...sqlPrimary(), urn: "urn:pulumi:prod::p::gcp:sql/databaseInstance:DatabaseInstance::registration-db-twin", name: "registration-db-twin" });

export default examples({
  baseline: () => {
    const db = sqlPrimary();
    return [db, sqlReplica(db)];
  },
  compliant: [
    { title: "a replica linked by the primary's name (no dependency info)", stack: change(1, noDeps) },
    { title: "a replica linked by the project-qualified name", stack: change(1, (r) => noDeps(mutate(r, "masterInstanceName", "acme:registration-db"))) },
    { title: "a primary without a name prop, linked by its Pulumi name", stack: (b) => change(1, noDeps)(at(0, "name", undefined)(b)) },
    { title: "disabled by the staging config", stack: without(1), config: { enforcementLevel: "disabled" } },
  ],
  violating: [
    { title: "a primary without any replica", stack: without(1), expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): has no read replica, so it cannot survive the loss of its region (found 0 replicas). Fix: add a gcp.sql.DatabaseInstance with masterInstanceName: <this instance's name> and region: \"europe-west4\"." }] },
    { title: "the replica in the wrong region", stack: at(1, "region", "europe-west1"), expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): has no read replica in the DR region europe-west4 (found replicas in europe-west1: 'registration-db-replica'). Fix: set region: \"europe-west4\" on a replica (masterInstanceName: <primary>)." }] },
    { title: "a second primary without a replica (each primary reported separately)", stack: plus(() => sqlPrimary("b-db")), expect: [{ name: "b-db", message: "'b-db' (gcp:sql/databaseInstance:DatabaseInstance): has no read replica, so it cannot survive the loss of its region (found 0 replicas). Fix: add a gcp.sql.DatabaseInstance with masterInstanceName: <this instance's name> and region: \"europe-west4\"." }] },
    {
      title: "an unknown name prop does not fall back to the Pulumi name",
      stack: (b) => change(1, noDeps)(at(0, "name", UNKNOWN)(b)),
      expect: [{ name: "registration-db", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): has no read replica, so it cannot survive the loss of its region (found 0 replicas). Fix: add a gcp.sql.DatabaseInstance with masterInstanceName: <this instance's name> and region: \"europe-west4\"." }],
    },
    { title: "a name-linked replica links to the first primary of that name only", stack: (b) => plus(twin)(change(1, noDeps)(b)), expect: [{ name: "registration-db-twin", message: "'registration-db-twin' (gcp:sql/databaseInstance:DatabaseInstance): has no read replica, so it cannot survive the loss of its region (found 0 replicas). Fix: add a gcp.sql.DatabaseInstance with masterInstanceName: <this instance's name> and region: \"europe-west4\"." }] },
    { title: "the replica's region unknown", stack: at(1, "region", UNKNOWN), expect: [{ name: "registration-db", kind: "undecided", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): the region of its replica is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }] },
    {
      title: "a replica whose master is unknown and has no dependency info",
      stack: change(1, (r) => noDeps(mutate(r, "masterInstanceName", UNKNOWN))),
      expect: [{ name: "registration-db", kind: "undecided", message: "'registration-db' (gcp:sql/databaseInstance:DatabaseInstance): which replicas point at it ('masterInstanceName') is unknown until apply, so this gate cannot be decided at preview; it is checked again on update. Fix: make the value known at preview (a literal or a value from config) to get a decision now." }],
    },
  ],
});

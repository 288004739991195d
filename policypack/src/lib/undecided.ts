/**
 * The one way a gate reports that it cannot be decided at preview (a value is unknown until
 * apply). Undecided findings are advisory: never a pass, never a block.
 */
import type { ResourceView } from "../access";
import { undecidedMessage, type Reporter } from "../engine/rule";

/** Reports an undecided finding about `subject` (the resource whose value is unknown). */
export function reportUndecided(report: Reporter, subject: ResourceView, what: string, service?: string): void {
  report({ subject, service, undecided: true, message: undecidedMessage(subject.display(), what) });
}

/** Reports "undecided" when the field at `path` of the checked resource is unknown, and returns true; else false. */
export function undecidedField(r: ResourceView, path: string, report: Reporter): boolean {
  if (!r.unknown(path)) return false;
  report({ message: undecidedMessage(r.display(), `'${path}'`), undecided: true });
  return true;
}

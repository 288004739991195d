/** The `alert-runbooks` gate: its catalog record, settings and check. */
import { z } from "zod";
import { asArray, asString, isUnknown, lookup, show, T, typeFromUrn } from "../../access";
import { defineMeta } from "../../engine/meta";
import { resourceGate, undecidedMessage, violation } from "../../engine/rule";
import { undecidedField } from "../../lib/undecided";

export const meta = defineMeta({
  name: "alert-runbooks",
  title: "Alerts have runbooks and channels",
  area: "observability-retention",
  kind: "resource",
  severity: "medium",
  level: "mandatory",
  proves: "Every alert policy has an https runbook link in its documentation and at least one notification channel.",
  remediation: "Set documentation.content with an https runbook link (or documentation.links) and notificationChannels.",
  sources: [
    { seed: "000", section: "Observability", line: "All SLO alerts configured with runbooks linked" },
    { seed: "001", section: "Observability", line: "All SLO alerts configured with runbooks" },
    { seed: "002", section: "7. Observability", line: "Alerts configured per OBSERVABILITY.md §6 with runbook links" },
  ],
});

export const settings = z.strictObject({
  minChannels: z.number().int().min(1).default(1).describe("The fewest notification channels an alert policy must notify."),
});

const NOTIFICATION_CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel";
const HTTPS_LINK = /https:\/\/[^\s<>()"'\]]+/i;
const HTTP_LINK = /http:\/\/[^\s<>()"'\]]+/i;

export const alertRunbooks = resourceGate({
  meta,
  types: [T.alertPolicy],
  settings,
  check(r, s, report) {
    const fail = (problem: string, found: string, fix: string) => report({ message: violation(r.display(), problem, found, fix) });
    // Runbook: an https link in documentation.content or documentation.links[].url.
    const content = r.get("documentation.content");
    const links = r.get("documentation.links");
    let unknown: string | undefined;
    if (content.kind === "unknown") unknown = "documentation.content";
    const text = content.kind === "known" ? (asString(content.value) ?? "") : "";
    let linked = HTTPS_LINK.test(text);
    if (links.kind === "unknown") unknown ??= "documentation.links";
    for (const [i, l] of asArray(links.kind === "known" ? links.value : undefined).entries()) {
      const url = lookup(l, "url");
      if (url.kind === "unknown") unknown ??= `documentation.links[${i}].url`;
      else if (url.kind === "known" && /^https:\/\/\S+$/i.test(asString(url.value) ?? "")) linked = true;
    }
    if (!linked && unknown) report({ undecided: true, message: undecidedMessage(r.display(), `the runbook link ('${unknown}')`) });
    else if (!linked) {
      const http = HTTP_LINK.exec(text);
      fail(
        http ? "links its runbook over plain http" : "has no runbook link in its documentation",
        http ? `link ${show(http[0])}` : `documentation.content ${show(content.kind === "known" ? content.value : undefined)}`,
        'put the runbook URL in documentation.content (e.g. "Runbook: https://runbooks.example.com/<alert>") or documentation.links [{ displayName: "Runbook", url: "https://..." }]',
      );
    }
    // Notification channels: entries unknown at preview are channels created in the stack.
    const ch = r.get("notificationChannels");
    if (ch.kind === "unknown") {
      if (r.dependenciesOf("notificationChannels").some((u) => typeFromUrn(u) === NOTIFICATION_CHANNEL)) return;
      undecidedField(r, "notificationChannels", report);
      return;
    }
    const list = asArray(ch.kind === "known" ? ch.value : undefined).filter((c) => isUnknown(c) || (asString(c) ?? "").trim() !== "");
    if (list.length < s.minChannels) {
      fail(
        s.minChannels === 1 ? "notifies nobody: it has no notification channel" : `notifies ${list.length} channel(s), fewer than ${s.minChannels}`,
        `notificationChannels ${show(ch.kind === "known" ? ch.value : undefined)}`,
        "set notificationChannels to the on-call gcp.monitoring.NotificationChannel ids",
      );
    }
  },
});

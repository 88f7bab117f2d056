import type { Notification } from "../../domain/notification.ts";
import { html, type SafeHtml } from "./html.ts";
import { actionButton, type PageContext } from "./page.ts";
import { accountName, statusCard } from "./status.ts";

const VERB: Record<string, string> = {
  mention: "mentioned you",
  follow: "followed you",
  follow_request: "asked to follow you",
  reblog: "reposted your post",
  favourite: "liked your post",
};

/** A legal notice has no other account behind it: it says what it is and links to the notice. */
function legalNotice(read: boolean): SafeHtml {
  return html`<li class="notification${read ? "" : " unread"}"><p>${read ? "" : html`<span class="visually-hidden">New: </span>`}<strong>Legal notice:</strong> a legal demand names your account. <a href="/legal/notices">Read the notice and respond</a>.</p></li>`;
}

export function notificationsPage(pc: PageContext, p: { notifications: Notification[]; unread: number }): SafeHtml {
  return html`<h1>Notifications</h1>
${p.unread > 0 ? actionButton(pc, "/notifications/read", `Mark all ${p.unread} as read`, { className: "button secondary" }) : ""}
${
  p.notifications.length === 0
    ? html`<p class="empty">Nothing yet.</p>`
    : html`<ol class="notifications">${p.notifications.map((n) =>
        n.type === "legal_notice"
          ? legalNotice(n.read)
          : html`<li class="notification${n.read ? "" : " unread"}">
  <p>${n.read ? "" : html`<span class="visually-hidden">New: </span>`}${accountName(n.account)} ${VERB[n.type] ?? n.type}${n.type === "follow_request" ? html` — <a href="/follow-requests">review</a>` : ""}</p>
  ${n.status ? statusCard(pc, n.status, { key: n.id }) : ""}
</li>`,
      )}</ol>`
}
${p.notifications.length ? html`<nav class="pager" aria-label="Pages"><a href="/notifications?max_id=${p.notifications[p.notifications.length - 1]?.id}" rel="next">Older</a></nav>` : ""}`;
}

// The page frame every view shares: header navigation, main landmark, footer.
import type { Account, StaffRole } from "../../domain/account.ts";
import { html, type SafeHtml } from "./html.ts";

/** What every page needs to know about the request. */
export interface PageContext {
  instanceName: string;
  /** Signed-in account, if any. */
  me: Account | undefined;
  roles: readonly StaffRole[];
  /** The CSRF token for forms on this page. */
  csrf: string;
  unread: number;
  now: Date;
  /** The current path with query, for "return here" fields. */
  path: string;
  notice?: string | undefined;
  /** Legal notices sent to the viewer and not yet opened: a banner on every page. */
  legalNotices?: number | undefined;
  /** Staff (moderator, admin): what waits for them, counted on the Staff link. */
  staffQueue?: { applications: number; reports: number } | undefined;
  /** Signed in with a one-time password that must be replaced first. */
  mustChangePassword?: boolean | undefined;
}

export function csrfField(pc: PageContext): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${pc.csrf}">`;
}

/** A one-button form (like, follow, …) that posts and comes back here (to `back`, if given). */
export function actionButton(
  pc: PageContext,
  action: string,
  label: string | SafeHtml,
  options: {
    pressed?: boolean;
    className?: string;
    ariaLabel?: string;
    extra?: SafeHtml;
    back?: string;
    /** Marks the form for the in-place script (public/publius.js): "like", "repost", "bookmark", "follow". */
    enhance?: string;
  } = {},
): SafeHtml {
  return html`<form method="post" action="${action}" class="inline"${options.enhance ? html` data-inplace="${options.enhance}"` : ""}>${csrfField(pc)}<input type="hidden" name="back" value="${options.back ?? pc.path}">${options.extra}<button type="submit" class="${options.className ?? "link"}"${options.pressed === undefined ? "" : html` aria-pressed="${String(options.pressed)}"`}${options.ariaLabel ? html` aria-label="${options.ariaLabel}"` : ""}>${label}</button></form>`;
}

// The empty data: icon stops browsers from asking for /favicon.ico on every page (a 404 each time).
export function layout(pc: PageContext, title: string, content: SafeHtml, options: { status?: number } = {}): SafeHtml {
  void options;
  const me = pc.me;
  const staff = pc.roles.includes("moderator") || pc.roles.includes("admin");
  const legal = pc.roles.includes("legal");
  const nav = me
    ? html`<li><a href="/home">Home</a></li>
        <li><a href="/local">Local</a></li>
        <li><a href="/notifications">Notifications${pc.unread > 0 ? html` <span class="badge">${pc.unread}<span class="visually-hidden"> unread</span></span>` : ""}</a></li>
        <li><a href="/search">Search</a></li>
        <li><a href="/bookmarks">Bookmarks</a></li>
        <li><a href="/compose">New post</a></li>
        <li><a href="/@${me.handle}">Profile</a></li>
        <li><a href="/settings/profile">Settings</a></li>
        ${staff ? html`<li><a href="/staff">Staff${staffBadge(pc.staffQueue)}</a></li>` : ""}
        ${legal ? html`<li><a href="/staff/legal">Legal</a></li>` : ""}
        <li><form method="post" action="/signout" class="inline">${csrfField(pc)}<button type="submit" class="link">Sign out</button></form></li>`
    : html`<li><a href="/local">Local</a></li>
        <li><a href="/search">Search</a></li>
        <li><a href="/signin">Sign in</a></li>
        <li><a href="/signup">Sign up</a></li>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · ${pc.instanceName}</title>
<link rel="stylesheet" href="/static/publius.css">
<link rel="icon" href="data:,">
${me ? html`<script src="/static/publius.js" defer></script>` : ""}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<nav aria-label="Main">
<a href="/" class="brand">${pc.instanceName}</a>
<ul>${nav}</ul>
</nav>
</header>
<main id="main">
${pc.legalNotices ? html`<p class="notice legal-banner" role="alert"><strong>A legal demand names your account.</strong> <a href="/legal/notices">Read the notice</a> — what was asked, what this server holds, what it intends to do and how you can respond.</p>` : ""}
${pc.notice ? html`<p class="notice" role="status">${pc.notice}</p>` : ""}
${content}
</main>
<footer class="site">
<p>${pc.instanceName === "Publius" ? "This server" : pc.instanceName} runs Publius: no e-mail, no phone number, no IP address is ever kept. <a href="/about">About this server</a> · <a href="/privacy">Privacy policy</a> · <a href="/transparency">Transparency report</a> · <a href="/audit-head">Legal audit log</a> · <a href="/canary">Warrant canary</a> · <a href="/legal/guidelines">Guidelines for law enforcement</a></p>
</footer>
</body>
</html>`;
}

/** Field error text, tied to its input with aria-describedby. */
export function fieldError(fields: Record<string, string> | undefined, name: string): SafeHtml {
  const message = fields?.[name];
  return message ? html`<p class="error" id="${name}-error">${message}</p>` : html``;
}

export function describedBy(fields: Record<string, string> | undefined, name: string): SafeHtml {
  return fields?.[name] ? html` aria-invalid="true" aria-describedby="${name}-error"` : html``;
}

/** " 3" on the Staff link, read out as "2 applications and 1 open report waiting". */
function staffBadge(q: PageContext["staffQueue"]): SafeHtml | string {
  const n = (q?.applications ?? 0) + (q?.reports ?? 0);
  if (!q || n === 0) return "";
  const parts: string[] = [];
  if (q.applications) parts.push(`${q.applications} ${q.applications === 1 ? "application" : "applications"}`);
  if (q.reports) parts.push(`${q.reports} open ${q.reports === 1 ? "report" : "reports"}`);
  return html` <span class="badge" title="${parts.join(", ")}">${n}<span class="visually-hidden"> waiting: ${parts.join(" and ")}</span></span>`;
}

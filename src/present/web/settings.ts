import type { Account } from "../../domain/account.ts";
import { MAX_DISPLAY_NAME, MAX_NOTE } from "../../domain/account.ts";
import { SUPPORTED_MIME_TYPES } from "../../domain/media.ts";
import type { Invite } from "../../services/accounts/invites.ts";
import type { SessionInfo } from "../../services/accounts/sessions.ts";
import type { OAuthApp } from "../../services/oauth/oauth.ts";
import { formatDay } from "./format.ts";
import { html, type SafeHtml } from "./html.ts";
import { avatar, mediaPath } from "./media.ts";
import { scopeWords } from "./oauth.ts";
import { csrfField, describedBy, fieldError, type PageContext } from "./page.ts";

const ACCEPT = SUPPORTED_MIME_TYPES.join(",");

export type SettingsTab = "profile" | "password" | "sessions" | "invites" | "delete" | "apps";

function tabs(current: SettingsTab, showInvites: boolean): SafeHtml {
  const tab = (id: SettingsTab, label: string) =>
    html`<a href="/settings/${id}"${current === id ? html` aria-current="page"` : ""}>${label}</a>`;
  return html`<nav class="tabs" aria-label="Settings">${tab("profile", "Profile")} ${tab("password", "Password")} ${tab("sessions", "Sessions")} ${tab("apps", "Authorised apps")} ${showInvites ? tab("invites", "Invites") : ""} <a href="/scheduled">Publishing delay</a> <a href="/settings/privacy">What we hold about you</a> ${tab("delete", "Delete account")}</nav>`;
}

export interface SettingsFrame {
  showInvites: boolean;
  error?: string | undefined;
  fields?: Record<string, string> | undefined;
}

export function profileSettings(
  pc: PageContext,
  p: SettingsFrame & {
    account: Account;
    values: { displayName: string; note: string; locked: boolean; altTextOptional: boolean };
  },
): SafeHtml {
  const f = p.fields;
  const a = p.account;
  return html`<h1>Settings</h1>${tabs("profile", p.showInvites)}
<form method="post" action="/settings/profile" class="panel" enctype="multipart/form-data">
  ${csrfField(pc)}
  ${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ""}
  <fieldset class="pictures">
  <legend>Pictures</legend>
  <div class="picture-row">
    ${avatar(a, 96)}
    <div>
    <label for="avatar">Avatar <span class="hint">(square; shown at 400 × 400)</span></label>
    <input type="file" id="avatar" name="avatar" accept="${ACCEPT}" aria-describedby="pictures-hint">
    ${a.avatarFile ? html`<div class="check"><input type="checkbox" id="remove_avatar" name="remove_avatar" value="1"><label for="remove_avatar">Remove my avatar (use the generated pattern)</label></div>` : ""}
    </div>
  </div>
  <div class="picture-row">
    ${a.headerFile ? html`<img class="header-preview" src="${mediaPath(a.headerFile)}" width="300" height="100" alt="">` : html`<div class="header-preview header-default" aria-hidden="true"></div>`}
    <div>
    <label for="header">Header <span class="hint">(wide; shown at 1500 × 500)</span></label>
    <input type="file" id="header" name="header" accept="${ACCEPT}" aria-describedby="pictures-hint">
    ${a.headerFile ? html`<div class="check"><input type="checkbox" id="remove_header" name="remove_header" value="1"><label for="remove_header">Remove my header</label></div>` : ""}
    </div>
  </div>
  <p class="hint" id="pictures-hint">The server re-encodes each picture and removes its metadata (camera, place, time). Without an avatar, a pattern made from your handle stands in: it says nothing else about you.</p>
  </fieldset>
  <label for="display_name">Display name</label>
  <input id="display_name" name="display_name" maxlength="${MAX_DISPLAY_NAME}" value="${p.values.displayName}"${describedBy(f, "displayName")}>
  ${fieldError(f, "displayName")}
  <label for="note">About you</label>
  <textarea id="note" name="note" rows="4" maxlength="${MAX_NOTE}"${describedBy(f, "note")}>${p.values.note}</textarea>
  <p class="hint">Up to ${MAX_NOTE} characters. Think twice before writing anything that could identify you.</p>
  ${fieldError(f, "note")}
  <div class="check"><input type="checkbox" id="locked" name="locked" value="1"${p.values.locked ? html` checked` : ""}><label for="locked">Lock my account: I approve each new follower</label></div>
  <div class="check"><input type="checkbox" id="alt_text_optional" name="alt_text_optional" value="1"${p.values.altTextOptional ? html` checked` : ""}><label for="alt_text_optional">Let me post images without a description (alt text)</label></div>
  <button type="submit">Save profile</button>
</form>`;
}

export function passwordSettings(pc: PageContext, p: SettingsFrame): SafeHtml {
  const f = p.fields;
  return html`<h1>Settings</h1>${tabs("password", p.showInvites)}
<form method="post" action="/settings/password" class="panel">
  ${csrfField(pc)}
  ${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ""}
  ${pc.mustChangePassword ? html`<label for="current">One-time password <span class="hint">(the one <code>publius staff create</code> printed)</span></label>` : html`<label for="current">Current password</label>`}
  <input id="current" name="current" type="password" required autocomplete="current-password"${describedBy(f, "current")}>
  ${fieldError(f, "current")}
  <label for="password">New password</label>
  <input id="password" name="password" type="password" required minlength="10" autocomplete="new-password"${describedBy(f, "password")}>
  ${fieldError(f, "password")}
  <button type="submit">Change password</button>
</form>`;
}

export function sessionsSettings(pc: PageContext, p: SettingsFrame & { sessions: SessionInfo[] }): SafeHtml {
  return html`<h1>Settings</h1>${tabs("sessions", p.showInvites)}
<section class="panel">
<p>Each place you are signed in. We keep only the day a session began and the day it ends — no address, no device, no "last seen".</p>
<table>
<caption class="visually-hidden">Your sessions</caption>
<thead><tr><th scope="col">Began</th><th scope="col">Ends</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>${p.sessions.map(
    (s) =>
      html`<tr><td>${formatDay(s.createdDay)}${s.current ? html` <span class="badge">this one</span>` : ""}</td><td>${formatDay(s.expiresDay)}</td><td><form method="post" action="/settings/sessions/${s.id}/revoke" class="inline">${csrfField(pc)}<button type="submit" class="link">End session</button></form></td></tr>`,
  )}</tbody>
</table>
${
  p.sessions.some((s) => !s.current)
    ? html`<form method="post" action="/settings/sessions/end-others">${csrfField(pc)}<button type="submit">Sign out everywhere else</button></form>`
    : ""
}
</section>`;
}

export function invitesSettings(pc: PageContext, p: SettingsFrame & { invites: Invite[]; baseUrl: string }): SafeHtml {
  return html`<h1>Settings</h1>${tabs("invites", p.showInvites)}
<section class="panel">
<p>Give an invite code to someone you trust. We never record who used a code.</p>
<form method="post" action="/settings/invites" class="row">
  ${csrfField(pc)}
  ${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ""}
  <label for="max_uses">Uses</label>
  <select id="max_uses" name="max_uses"><option value="1">1</option><option value="5">5</option><option value="25">25</option><option value="">Unlimited</option></select>
  <label for="expires">Expires after</label>
  <select id="expires" name="expires"><option value="7">7 days</option><option value="30">30 days</option><option value="">Never</option></select>
  <button type="submit">Create invite</button>
</form>
${
  p.invites.length
    ? html`<table><caption class="visually-hidden">Your invites</caption><thead><tr><th scope="col">Code</th><th scope="col">Used</th><th scope="col">Expires</th></tr></thead><tbody>${p.invites.map(
        (i) =>
          html`<tr><td><code>${i.code}</code><br><span class="hint">${p.baseUrl}/signup?invite=${i.code}</span></td><td>${i.uses} of ${i.maxUses ?? "∞"}</td><td>${i.expiresDay ? formatDay(i.expiresDay) : "never"}</td></tr>`,
      )}</tbody></table>`
    : html`<p class="empty">No invites yet.</p>`
}
</section>`;
}

export function deleteSettings(pc: PageContext, p: SettingsFrame & { account: Account }): SafeHtml {
  return html`<h1>Settings</h1>${tabs("delete", p.showInvites)}
<form method="post" action="/settings/delete" class="panel danger-zone">
  ${csrfField(pc)}
  ${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ""}
  <h2>Delete @${p.account.handle}</h2>
  <p>This deletes your profile, ${p.account.statusesCount === 1 ? "your 1 post" : `your ${p.account.statusesCount} posts`}, your likes, follows and sessions from this server's database at once. It cannot be undone. Backups made before today expire on the operator's schedule.</p>
  <label for="password">Your password</label>
  <input id="password" name="password" type="password" required autocomplete="current-password"${describedBy(p.fields, "password")}>
  ${fieldError(p.fields, "password")}
  <button type="submit" class="danger">Delete my account for good</button>
</form>`;
}

export interface AuthorisedApp {
  app: OAuthApp;
  scopes: string[];
  createdDay: string;
}

export function appsSettings(pc: PageContext, p: SettingsFrame & { apps: AuthorisedApp[] }): SafeHtml {
  return html`<h1>Settings</h1>${tabs("apps", p.showInvites)}
<section class="panel">
<p>Apps you have let use your account through the Mastodon API. We keep only the day each got access: no address, no device, no "last used".</p>
${
  p.apps.length
    ? html`<table class="reflow">
<caption class="visually-hidden">Authorised apps</caption>
<thead><tr><th scope="col">App</th><th scope="col">What it may do</th><th scope="col">First authorised</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
<tbody>${p.apps.map(
        (a) =>
          html`<tr><td data-label="App"><strong>${a.app.name}</strong>${a.app.website ? html`<br><span class="hint">${new URL(a.app.website).host}</span>` : ""}</td><td data-label="What it may do"><ul class="scopes">${a.scopes.map((s) => html`<li>${scopeWords(s)} <code>${s}</code></li>`)}</ul></td><td data-label="First authorised">${formatDay(a.createdDay)}</td><td><form method="post" action="/settings/apps/${a.app.id}/revoke" class="inline">${csrfField(pc)}<button type="submit" class="link" aria-label="Revoke access for ${a.app.name}">Revoke access</button></form></td></tr>`,
      )}</tbody>
</table>`
    : html`<p class="empty">No app has access to your account.</p>`
}
</section>`;
}

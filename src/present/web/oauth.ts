// The OAuth consent page and its outcomes, server-rendered and usable without JavaScript.
import { html, type SafeHtml } from "./html.ts";
import { csrfField, type PageContext } from "./page.ts";

/** Each scope in plain words: what an app that holds it can do with the account. */
export const SCOPE_WORDS: Record<string, string> = {
  read: "Read everything in your account: your timelines, posts, notifications, bookmarks, likes, and whom you follow, block and mute",
  write:
    "Act as you: publish, edit and delete posts, like, repost and bookmark, follow, block and mute, and change your profile",
  follow: "See and change whom you follow, block and mute",
  push: "Receive push notifications (this server does not send any)",
  profile: "See your public profile (handle, display name and pictures), and nothing else",
  "read:accounts": "See your profile and your posting preferences",
  "read:blocks": "See whom you block",
  "read:bookmarks": "See your bookmarks",
  "read:favourites": "See the posts you liked",
  "read:filters": "See your filters",
  "read:follows": "See whom you follow and who asks to follow you",
  "read:lists": "See your lists",
  "read:mutes": "See whom you mute",
  "read:notifications": "Read your notifications",
  "read:search": "Search as you",
  "read:statuses": "Read posts as you see them, including followers-only posts shown to you",
  "write:accounts": "Change your profile and your posting preferences",
  "write:blocks": "Block and unblock accounts",
  "write:bookmarks": "Add and remove bookmarks",
  "write:conversations": "Hide conversations",
  "write:favourites": "Like posts and take likes back",
  "write:filters": "Create and change filters",
  "write:follows": "Follow and unfollow accounts, and answer follow requests",
  "write:lists": "Create and change lists",
  "write:media": "Upload images",
  "write:mutes": "Mute and unmute accounts",
  "write:notifications": "Dismiss notifications",
  "write:reports": "Report posts and accounts to the moderators",
  "write:statuses": "Publish, edit and delete posts, and repost",
};

export function scopeWords(scope: string): string {
  return SCOPE_WORDS[scope] ?? scope;
}

export function scopeList(scopes: readonly string[]): SafeHtml {
  return html`<ul class="scopes">${scopes.map((s) => html`<li>${scopeWords(s)} <code>${s}</code></li>`)}</ul>`;
}

export interface ConsentView {
  appName: string;
  /** Host of the app's website, if it gave one (shown as text, never as a link). */
  websiteHost: string | undefined;
  handle: string;
  scopes: readonly string[];
  /** Where the answer goes: a host, or undefined when the code is shown on a page (oob). */
  redirectHost: string | undefined;
  /** The authorization request, echoed back in hidden fields. */
  hidden: Record<string, string>;
  /** The same request with force_login, to sign in as someone else. */
  switchAccountUrl: string;
}

export function consentPage(pc: PageContext, v: ConsentView): SafeHtml {
  return html`<section class="panel narrow consent" aria-labelledby="consent-title">
  <h1 id="consent-title">Authorise ${v.appName}?</h1>
  <p>The app <strong>${v.appName}</strong>${v.websiteHost ? html` (website: ${v.websiteHost})` : ""} asks to use your account <strong>@${v.handle}</strong> on ${pc.instanceName}. The app chose its own name; this server does not check it.</p>
  <h2>If you authorise it, it can:</h2>
  ${scopeList(v.scopes)}
  <p class="hint">It never learns your password. You can withdraw its access at any time under Settings, Authorised apps.</p>
  <p class="hint">${v.redirectHost ? html`After you answer, your browser goes back to ${v.redirectHost}.` : "After you answer, this page shows a code to copy into the app."}</p>
  <form method="post" action="/oauth/authorize" class="actions">
    ${csrfField(pc)}
    ${Object.entries(v.hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
    <button type="submit" name="decision" value="approve">Authorise ${v.appName}</button>
    <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
  </form>
  <p>Not @${v.handle}? <a href="${v.switchAccountUrl}">Sign in with another account</a>.</p>
</section>`;
}

/** The out-of-band answer: the code to copy into the app. */
export function codePage(appName: string, code: string): SafeHtml {
  return html`<section class="panel narrow" aria-labelledby="code-title">
  <h1 id="code-title">Copy this code into ${appName}</h1>
  <p><label for="code">Authorisation code</label></p>
  <input id="code" name="code" value="${code}" readonly spellcheck="false" autocomplete="off">
  <p class="hint">The code works once, within ten minutes.</p>
</section>`;
}

export function deniedPage(appName: string): SafeHtml {
  return html`<section class="panel narrow"><h1>Not authorised</h1><p>${appName} did not get access to your account. You can close this page.</p></section>`;
}

/** An authorization request that cannot be answered by redirecting (unknown app or address). */
export function oauthErrorPage(message: string): SafeHtml {
  return html`<section class="panel narrow"><h1>This authorisation request cannot be used</h1><p>${message}</p><p>Nothing was shared with the app. Go back to the app and try again, or ask its maker.</p></section>`;
}

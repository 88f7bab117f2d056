// The legal console's second factor: enrolment (the secret as text and as an otpauth:// URI for an
// authenticator app — no QR image, so no outside service ever sees the secret) and the code prompt.
import { html, type SafeHtml } from "../web/html.ts";
import { csrfField, describedBy, fieldError, type PageContext } from "../web/page.ts";

export function secondFactorPage(
  pc: PageContext,
  p: {
    status: "none" | "unconfirmed" | "enrolled";
    enrolment: { secret: string; uri: string } | undefined;
    next: string;
    fields?: Record<string, string> | undefined;
  },
): SafeHtml {
  const f = p.fields;
  const codeForm = (label: string) => html`<form method="post" action="/staff/legal/second-factor">
  ${csrfField(pc)}<input type="hidden" name="next" value="${p.next}">
  <label for="code">${label}</label>
  <input id="code" name="code" required inputmode="numeric" pattern="[0-9 ]{6,7}" maxlength="7" autocomplete="one-time-code"${describedBy(f, "code")}>
  ${fieldError(f, "code")}
  <button type="submit">Continue</button>
</form>`;
  if (p.status === "none") {
    return html`<section class="panel narrow"><h1>Second factor for the legal console</h1>
<p>Legal demands concern people's identity. Before you can open the console, set up a second factor: an authenticator app (any app that supports TOTP, RFC 6238) on a device other than this one.</p>
<form method="post" action="/staff/legal/second-factor/enrol">${csrfField(pc)}<input type="hidden" name="next" value="${p.next}"><button type="submit">Set up my second factor</button></form>
</section>`;
  }
  if (p.status === "unconfirmed" && p.enrolment) {
    return html`<section class="panel narrow"><h1>Set up your second factor</h1>
<ol>
<li><p>In your authenticator app, add an account with this secret key (time-based, 6 digits, 30 seconds):</p>
<p><code class="secret">${p.enrolment.secret.replace(/(.{4})/g, "$1 ").trim()}</code></p>
<p>Or, if your app reads setup links, use this link (it carries the same secret):</p>
<p><code>${p.enrolment.uri}</code></p></li>
<li><p>Enter the code the app shows, to confirm.</p></li>
</ol>
<p class="hint">The secret is shown only until you confirm it. Losing the device means asking the operator to reset your second factor.</p>
${codeForm("Code from your authenticator app")}
</section>`;
  }
  return html`<section class="panel narrow"><h1>Legal console</h1>
<p>Enter the code from your authenticator app. It stays valid for this session for 12 hours, or until the server restarts.</p>
${codeForm("Code from your authenticator app")}
</section>`;
}

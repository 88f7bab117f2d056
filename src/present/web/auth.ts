import type { RegistrationMode } from "../../config/config.ts";
import { html, type SafeHtml } from "./html.ts";
import { csrfField, describedBy, fieldError, type PageContext } from "./page.ts";

export function signUpPage(
  pc: PageContext,
  p: {
    mode: RegistrationMode;
    values: { handle: string; invite: string; reason: string };
    /** Open mode with proof of work: the challenge the browser's script solves, and its difficulty. */
    pow?: { challenge: string; bits: number } | undefined;
    error?: string | undefined;
    fields?: Record<string, string> | undefined;
  },
): SafeHtml {
  const f = p.fields;
  // The refusal is said once: beside its field when it has one, else above the form.
  const general = p.error && !(f && Object.values(f).includes(p.error)) ? p.error : undefined;
  const refused = p.error !== undefined;
  const intro =
    p.mode === "open"
      ? "Anyone may join this server."
      : p.mode === "approval"
        ? "The staff read each application. Tell them briefly why you would like to join — or enter an invite code."
        : "Joining this server needs an invite code from someone who is already here.";
  return html`<section class="panel narrow">
  <h1>Sign up</h1>
  <p>${intro}</p>
  <p class="privacy-note">We ask for no e-mail address, no phone number and no real name, and we never record your IP address. Choose a handle that does not identify you, and keep your password safe: without an e-mail address, a lost password cannot be reset.</p>
  ${general ? html`<p class="error" role="alert">${general}</p>` : refused ? html`<p class="error" role="alert">The form needs one more look: see the note below.</p>` : ""}
  <form method="post" action="/signup"${p.pow ? html` data-pow-bits="${String(p.pow.bits)}"` : ""}>
    ${csrfField(pc)}
    ${p.pow ? powFields(p.pow.challenge) : ""}
    <label for="handle">Handle</label>
    <input id="handle" name="handle" required maxlength="30" pattern="[A-Za-z0-9_]{1,30}" autocomplete="username" autocapitalize="none" spellcheck="false" value="${p.values.handle}"${describedBy(f, "handle")}>
    <p class="hint">1 to 30 letters, digits or underscores.</p>
    ${fieldError(f, "handle")}
    <label for="password">Password</label>
    ${refused ? html`<p class="hint" id="password-cleared"><strong>Type your password again:</strong> it is never sent back to your browser, so both password fields are empty now.</p>` : ""}
    <input id="password" name="password" type="password" required minlength="10" autocomplete="new-password"${
      refused
        ? html`${f?.password ? html` aria-invalid="true"` : ""} aria-describedby="password-cleared${f?.password ? " password-error" : ""}"`
        : describedBy(f, "password")
    }>
    <p class="hint">At least 10 characters. A few random words make a good password.</p>
    ${fieldError(f, "password")}
    <label for="password_confirmation">Password again</label>
    <input id="password_confirmation" name="password_confirmation" type="password" required minlength="10" autocomplete="new-password"${describedBy(f, "password_confirmation")}>
    ${fieldError(f, "password_confirmation")}
    ${
      p.mode === "approval"
        ? html`<label for="reason">Why would you like to join? <span class="hint">(needed unless you have an invite code)</span></label>
    <textarea id="reason" name="reason" rows="3" maxlength="1000"${describedBy(f, "reason")}>${p.values.reason}</textarea>
    ${fieldError(f, "reason")}`
        : ""
    }
    ${
      p.mode !== "open"
        ? html`<label for="invite">Invite code${p.mode === "approval" ? html` <span class="hint">(instead of the reason: you join at once)</span>` : ""}</label>
    <input id="invite" name="invite" autocomplete="off" spellcheck="false" value="${p.values.invite}"${describedBy(f, "invite")}>
    ${fieldError(f, "invite")}`
        : ""
    }
    ${p.pow ? alternatives(p) : ""}
    <button type="submit">Sign up</button>
  </form>
  <p>Already have an account? <a href="/signin">Sign in</a>.</p>
</section>`;
}

/** The challenge, the script's answer and its progress line; public/pow.js does the work. */
function powFields(challenge: string): SafeHtml {
  return html`<input type="hidden" name="pow_challenge" value="${challenge}">
    <input type="hidden" name="pow_counter" value="">
    <p id="pow-status" class="hint" role="status" hidden></p>
    <noscript><p class="hint">To keep out automated sign-ups, this page normally has your browser solve a small puzzle, which needs JavaScript. With JavaScript off you can still join: enter an invite code from someone who is already here, or tell the staff why you would like to join and your account will wait for their approval.</p></noscript>
    <script src="/static/pow.js" defer></script>`;
}

/** Without a solved puzzle: an invite code, or an application the staff approve. */
function alternatives(p: {
  values: { invite: string; reason: string };
  fields?: Record<string, string> | undefined;
}): SafeHtml {
  const f = p.fields;
  return html`<fieldset id="pow-alternatives">
      <legend>Without JavaScript</legend>
      <p class="hint">Leave these empty if your browser solved the puzzle above. Otherwise fill in one of the two.</p>
      ${fieldError(f, "pow")}
      <label for="invite">Invite code <span class="hint">(you join at once)</span></label>
      <input id="invite" name="invite" autocomplete="off" spellcheck="false" value="${p.values.invite}"${describedBy(f, "invite")}>
      ${fieldError(f, "invite")}
      <label for="reason">Or: why would you like to join? <span class="hint">(the staff read it; your account waits for their approval)</span></label>
      <textarea id="reason" name="reason" rows="3" maxlength="1000"${describedBy(f, "reason")}>${p.values.reason}</textarea>
      ${fieldError(f, "reason")}
    </fieldset>`;
}

export function signInPage(pc: PageContext, p: { handle: string; next: string; error?: string | undefined }): SafeHtml {
  return html`<section class="panel narrow">
  <h1>Sign in</h1>
  ${p.error ? html`<p class="error" role="alert">${p.error}</p>` : ""}
  <form method="post" action="/signin">
    ${csrfField(pc)}
    <input type="hidden" name="next" value="${p.next}">
    <label for="handle">Handle</label>
    <input id="handle" name="handle" required maxlength="30" autocomplete="username" autocapitalize="none" spellcheck="false" value="${p.handle}">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" required autocomplete="current-password">
    <button type="submit">Sign in</button>
  </form>
  <p>New here? <a href="/signup">Sign up</a>.</p>
</section>`;
}

// OAuth app and token -> Mastodon Application, CredentialApplication and Token JSON
// (docs: Entities > Application, Entities > Token).
import type { AccessToken, OAuthApp } from "../../services/oauth/oauth.ts";

/** Application (4.3 shape), with the instance's VAPID public key as `vapid_key` (deprecated, still read). */
export function applicationToApi(app: OAuthApp, vapidKey: string) {
  return {
    id: app.id,
    name: app.name,
    website: app.website,
    scopes: app.scopes,
    // Deprecated in 4.3 but still sent: newline-joined when several URIs are registered.
    redirect_uri: app.redirectUris.join("\n"),
    redirect_uris: app.redirectUris,
    vapid_key: vapidKey,
  };
}

/** CredentialApplication: what POST /api/v1/apps returns, the only time the secret is shown. */
export function credentialApplicationToApi(app: OAuthApp, clientSecret: string, vapidKey: string) {
  return {
    ...applicationToApi(app, vapidKey),
    client_id: app.clientId,
    client_secret: clientSecret,
    client_secret_expires_at: 0,
  };
}

/**
 * Token. `created_at` is Unix seconds as Mastodon sends it, but Publius keeps only the day a token
 * was made, so it is midnight UTC of that day.
 */
export function tokenToApi(token: string, record: AccessToken) {
  return {
    access_token: token,
    token_type: "Bearer",
    scope: record.scopes.join(" "),
    created_at: Math.floor(Date.parse(`${record.createdDay}T00:00:00Z`) / 1000),
  };
}

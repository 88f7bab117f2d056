/** A registered client application. Who registered it is not recorded. */
export interface OAuthAppsTable {
  id: string;
  name: string;
  website: string | null;
  /** Newline-separated. */
  redirect_uris: string;
  /** Space-separated. */
  scopes: string;
  client_id: string;
  /** SHA-256 of the client secret. */
  client_secret_hash: string;
  created_day: string;
  /**
   * From this day the app is deleted if it holds no token and no code: a week after it registered or
   * last got a token or code (a day only).
   */
  expires_day: string;
}

/** An authorization code: single use, ten minutes, stored as a hash. */
export interface OAuthCodesTable {
  code_hash: string;
  app_id: string;
  account_id: string;
  scopes: string;
  redirect_uri: string;
  /** PKCE S256 challenge, when the app sent one. */
  code_challenge: string | null;
  expires_at: string;
}

/** An access token, stored as a hash; only its creation day is kept (no last use, no address). */
export interface OAuthTokensTable {
  id: string;
  token_hash: string;
  app_id: string;
  /** null for client-credentials (app-only) tokens. */
  account_id: string | null;
  scopes: string;
  created_day: string;
}

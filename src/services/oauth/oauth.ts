// OAuth 2 for the Mastodon client API: applications, authorization codes (with PKCE S256), access
// tokens. Secrets, codes and tokens are stored only as SHA-256 hashes; a token keeps its creation
// day and nothing about where or when it was used.
import { createHash, timingSafeEqual } from "node:crypto";
import type { Viewer } from "../../domain/account.ts";
import { DAY, dayOf, MINUTE } from "../../domain/clock.ts";
import { notFound, PubliusError, unprocessable } from "../../domain/errors.ts";
import { randomId, randomToken } from "../../domain/ids.ts";
import { parseScopes, scopesWithin } from "../../domain/scopes.ts";
import { rolesOf } from "../../store/repos/accounts.ts";
import type { ServiceDeps } from "../deps.ts";

export const OOB_REDIRECT = "urn:ietf:wg:oauth:2.0:oob";
const CODE_MINUTES = 10;

export interface OAuthApp {
  id: string;
  name: string;
  website: string | null;
  redirectUris: string[];
  scopes: string[];
  clientId: string;
}

export interface AccessToken {
  id: string;
  appId: string;
  accountId: string | null;
  scopes: string[];
  createdDay: string;
}

export interface Authenticated {
  token: AccessToken;
  /** Present for user tokens; undefined for app-only (client credentials) tokens. */
  viewer: Viewer | undefined;
}

/** An OAuth error in RFC 6749's shape (`error`, `error_description`). */
/** Live client_credentials (app-only) tokens an app may hold at once. */
export const MAX_APP_TOKENS = 10;
/** An app with no token and no code, unused for this many days, is deleted. */
export const APP_IDLE_DAYS = 7;

export class OAuthError extends PubliusError {
  readonly code: string;
  constructor(status: number, code: string, description: string) {
    super(status, description);
    this.code = code;
  }
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function toApp(row: {
  id: string;
  name: string;
  website: string | null;
  redirect_uris: string;
  scopes: string;
  client_id: string;
}): OAuthApp {
  return {
    id: row.id,
    name: row.name,
    website: row.website,
    redirectUris: row.redirect_uris.split("\n").filter(Boolean),
    scopes: row.scopes.split(" ").filter(Boolean),
    clientId: row.client_id,
  };
}

export class OAuthService {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** POST /api/v1/apps. Returns the app and its secret (shown once). */
  async registerApp(input: {
    clientName: string;
    redirectUris: string | string[];
    scopes?: string | undefined;
    website?: string | undefined;
  }): Promise<{ app: OAuthApp; clientSecret: string }> {
    const name = input.clientName.trim();
    if (name === "" || name.length > 200) throw unprocessable("client_name must be 1 to 200 characters");
    const uris = (Array.isArray(input.redirectUris) ? input.redirectUris : input.redirectUris.split(/\s+/))
      .map((u) => u.trim())
      .filter(Boolean);
    if (uris.length === 0) throw unprocessable("redirect_uris can't be blank");
    for (const u of uris) {
      if (u === OOB_REDIRECT) continue;
      let url: URL;
      try {
        url = new URL(u);
      } catch {
        throw unprocessable(`redirect_uris must be absolute URIs (got ${u.slice(0, 100)})`);
      }
      if (url.hash) throw unprocessable("redirect_uris must not contain a fragment");
    }
    const { scopes, unknown } = parseScopes(input.scopes);
    if (unknown.length) throw unprocessable(`Unknown scopes: ${unknown.join(", ")}`);
    let website: string | null = null;
    if (input.website) {
      try {
        const url = new URL(input.website);
        if (url.protocol === "http:" || url.protocol === "https:") website = url.toString().slice(0, 500);
      } catch {
        throw unprocessable("website must be an absolute http(s) URL");
      }
    }
    const clientSecret = randomToken();
    const row = {
      id: randomId(),
      name,
      website,
      redirect_uris: uris.join("\n"),
      scopes: scopes.join(" "),
      client_id: randomToken(),
      client_secret_hash: sha256(clientSecret),
      created_day: dayOf(this.#deps.clock.now()),
      expires_day: this.#expiryDay(),
    };
    await this.#deps.db.insertInto("oauth_apps").values(row).execute();
    return { app: toApp(row), clientSecret };
  }

  async appById(id: string): Promise<OAuthApp | undefined> {
    const row = await this.#deps.db.selectFrom("oauth_apps").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toApp(row) : undefined;
  }

  async appByClientId(clientId: string): Promise<OAuthApp | undefined> {
    const row = await this.#deps.db
      .selectFrom("oauth_apps")
      .selectAll()
      .where("client_id", "=", clientId)
      .executeTakeFirst();
    return row ? toApp(row) : undefined;
  }

  async #verifyClient(
    clientId: string,
    clientSecret: string | undefined,
  ): Promise<{ app: OAuthApp; secretOk: boolean }> {
    const row = await this.#deps.db
      .selectFrom("oauth_apps")
      .selectAll()
      .where("client_id", "=", clientId)
      .executeTakeFirst();
    if (!row)
      throw new OAuthError(
        401,
        "invalid_client",
        "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
      );
    const secretOk = clientSecret !== undefined && safeEqual(sha256(clientSecret), row.client_secret_hash);
    if (clientSecret !== undefined && !secretOk) {
      throw new OAuthError(
        401,
        "invalid_client",
        "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.",
      );
    }
    return { app: toApp(row), secretOk };
  }

  /** Checks an authorization request before the consent page is shown. No scope means `read`, as documented. */
  async checkAuthorization(input: {
    clientId: string;
    redirectUri: string;
    scope?: string | undefined;
    codeChallenge?: string | undefined;
    codeChallengeMethod?: string | undefined;
  }): Promise<{ app: OAuthApp; scopes: string[] }> {
    const app = await this.appByClientId(input.clientId);
    if (!app) throw new OAuthError(400, "invalid_client", "Unknown client.");
    if (!app.redirectUris.includes(input.redirectUri)) {
      throw new OAuthError(400, "invalid_redirect_uri", "The redirect URI is not one this app registered.");
    }
    const { scopes, unknown } = parseScopes(input.scope);
    if (unknown.length || !scopesWithin(scopes, app.scopes)) {
      throw new OAuthError(400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.");
    }
    if (input.codeChallenge !== undefined && input.codeChallenge !== "") {
      if ((input.codeChallengeMethod ?? "plain") !== "S256") {
        throw new OAuthError(400, "invalid_request", "Only the S256 code challenge method is supported.");
      }
      if (!/^[A-Za-z0-9_-]{43}$/.test(input.codeChallenge)) {
        throw new OAuthError(400, "invalid_request", "The code challenge is malformed.");
      }
    }
    return { app, scopes };
  }

  /** The signed-in user consented: makes a single-use code. */
  async authorize(
    viewer: Viewer,
    input: {
      clientId: string;
      redirectUri: string;
      scope?: string | undefined;
      codeChallenge?: string | undefined;
      codeChallengeMethod?: string | undefined;
    },
  ): Promise<string> {
    const { app, scopes } = await this.checkAuthorization(input);
    const code = randomToken();
    const expires = new Date(this.#deps.clock.now().getTime() + CODE_MINUTES * MINUTE);
    expires.setUTCSeconds(0, 0);
    await this.#deps.db
      .insertInto("oauth_codes")
      .values({
        code_hash: sha256(code),
        app_id: app.id,
        account_id: viewer.accountId,
        scopes: scopes.join(" "),
        redirect_uri: input.redirectUri,
        code_challenge: input.codeChallenge || null,
        expires_at: expires.toISOString(),
      })
      .execute();
    await this.#used(app.id);
    return code;
  }

  /** A week from today (a day only): the earliest an app unused from now on may be deleted. */
  #expiryDay(): string {
    return dayOf(new Date(this.#deps.clock.now().getTime() + APP_IDLE_DAYS * DAY));
  }

  /** The app was used today: its expiry moves to a week from today. */
  async #used(appId: string): Promise<void> {
    const day = this.#expiryDay();
    await this.#deps.db
      .updateTable("oauth_apps")
      .set({ expires_day: day })
      .where("id", "=", appId)
      .where("expires_day", "<", day)
      .execute();
  }

  /**
   * Deletes apps that hold no token and no authorisation code and have not registered, got a token
   * or a code for APP_IDLE_DAYS days (run by the hourly housekeeping). Returns how many went.
   */
  async expireUnusedApps(): Promise<number> {
    const result = await this.#deps.db
      .deleteFrom("oauth_apps")
      .where("expires_day", "<=", dayOf(this.#deps.clock.now()))
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom("oauth_tokens as t").select("t.id").whereRef("t.app_id", "=", "oauth_apps.id"))),
      )
      .where((eb) =>
        eb.not(
          eb.exists(eb.selectFrom("oauth_codes as c").select("c.app_id").whereRef("c.app_id", "=", "oauth_apps.id")),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** grant_type=authorization_code. The code is consumed whatever the outcome. */
  async exchangeCode(input: {
    clientId: string;
    clientSecret?: string | undefined;
    code: string;
    redirectUri: string;
    codeVerifier?: string | undefined;
  }): Promise<{ token: string; record: AccessToken }> {
    const { app, secretOk } = await this.#verifyClient(input.clientId, input.clientSecret);
    const hash = sha256(input.code);
    // One statement takes the code and deletes it, so of parallel exchanges only one gets the row
    // (a select followed by a delete let every racer through on PostgreSQL).
    const row = await this.#deps.db
      .deleteFrom("oauth_codes")
      .where("code_hash", "=", hash)
      .returningAll()
      .executeTakeFirst();
    const invalid = new OAuthError(
      400,
      "invalid_grant",
      "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.",
    );
    if (!row || row.app_id !== app.id || row.redirect_uri !== input.redirectUri) throw invalid;
    if (row.expires_at < this.#deps.clock.now().toISOString()) throw invalid;
    if (row.code_challenge) {
      const verifier = input.codeVerifier ?? "";
      const challenge = createHash("sha256").update(verifier).digest("base64url");
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || !safeEqual(challenge, row.code_challenge)) throw invalid;
    } else if (!secretOk) {
      // Without PKCE the client must prove itself with its secret.
      throw new OAuthError(401, "invalid_client", "Client authentication failed: the client secret is required.");
    }
    return this.issue(app.id, row.account_id, row.scopes.split(" "));
  }

  /** grant_type=client_credentials: an app-only token. */
  async clientCredentials(input: { clientId: string; clientSecret: string; scope?: string | undefined }) {
    const { app, secretOk } = await this.#verifyClient(input.clientId, input.clientSecret);
    if (!secretOk) throw new OAuthError(401, "invalid_client", "Client authentication failed.");
    const { scopes, unknown } = parseScopes(input.scope);
    if (unknown.length || !scopesWithin(scopes, app.scopes)) {
      throw new OAuthError(400, "invalid_scope", "The requested scope is invalid, unknown, or malformed.");
    }
    // App-only tokens share the app's one API bucket, and an app holds only a few at a time: minting
    // more cannot buy more requests, nor fill the database.
    const live = await this.#deps.db
      .selectFrom("oauth_tokens")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("app_id", "=", app.id)
      .where("account_id", "is", null)
      .executeTakeFirstOrThrow();
    if (Number(live.n) >= MAX_APP_TOKENS) {
      throw new OAuthError(
        429,
        "invalid_request",
        `This app already holds ${MAX_APP_TOKENS} app tokens: reuse one, or revoke one (POST /oauth/revoke) first.`,
      );
    }
    return this.issue(app.id, null, scopes);
  }

  /** Makes a token; its value is returned once and only its hash is kept. */
  async issue(
    appId: string,
    accountId: string | null,
    scopes: string[],
  ): Promise<{ token: string; record: AccessToken }> {
    const token = randomToken();
    const record: AccessToken = { id: randomId(), appId, accountId, scopes, createdDay: dayOf(this.#deps.clock.now()) };
    await this.#deps.db
      .insertInto("oauth_tokens")
      .values({
        id: record.id,
        token_hash: sha256(token),
        app_id: appId,
        account_id: accountId,
        scopes: scopes.join(" "),
        created_day: record.createdDay,
      })
      .execute();
    await this.#used(appId);
    return { token, record };
  }

  /** Resolves a bearer token. Tokens of suspended or pending accounts do not authenticate. */
  async authenticate(token: string | undefined): Promise<Authenticated | undefined> {
    if (!token || token.length > 200) return undefined;
    const row = await this.#deps.db
      .selectFrom("oauth_tokens as t")
      .leftJoin("accounts as a", "a.id", "t.account_id")
      .select(["t.id", "t.app_id", "t.account_id", "t.scopes", "t.created_day", "a.suspended", "a.state"])
      .where("t.token_hash", "=", sha256(token))
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.account_id && (row.suspended !== 0 || row.state !== "active")) return undefined;
    const record: AccessToken = {
      id: row.id,
      appId: row.app_id,
      accountId: row.account_id,
      scopes: row.scopes.split(" ").filter(Boolean),
      createdDay: row.created_day,
    };
    const viewer = row.account_id
      ? { accountId: row.account_id, roles: await rolesOf(this.#deps.db, row.account_id) }
      : undefined;
    return { token: record, viewer };
  }

  /** POST /oauth/revoke: always succeeds for the client's own tokens (RFC 7009). */
  async revoke(input: { clientId: string; clientSecret: string; token: string }): Promise<void> {
    const { app, secretOk } = await this.#verifyClient(input.clientId, input.clientSecret);
    if (!secretOk) throw new OAuthError(401, "invalid_client", "Client authentication failed.");
    await this.#deps.db
      .deleteFrom("oauth_tokens")
      .where("token_hash", "=", sha256(input.token))
      .where("app_id", "=", app.id)
      .execute();
  }

  /** Apps the user has authorised, for the settings page. */
  async authorizedApps(
    viewer: Viewer,
  ): Promise<{ app: OAuthApp; scopes: string[]; createdDay: string; tokens: number }[]> {
    const rows = await this.#deps.db
      .selectFrom("oauth_tokens as t")
      .innerJoin("oauth_apps as a", "a.id", "t.app_id")
      .select([
        "a.id",
        "a.name",
        "a.website",
        "a.redirect_uris",
        "a.scopes as app_scopes",
        "a.client_id",
        "t.scopes",
        "t.created_day",
      ])
      .where("t.account_id", "=", viewer.accountId)
      .orderBy("t.created_day", "desc")
      .execute();
    const byApp = new Map<string, { app: OAuthApp; scopes: Set<string>; createdDay: string; tokens: number }>();
    for (const r of rows) {
      const entry = byApp.get(r.id) ?? {
        app: toApp({ ...r, scopes: r.app_scopes }),
        scopes: new Set<string>(),
        createdDay: r.created_day,
        tokens: 0,
      };
      for (const s of r.scopes.split(" ")) if (s) entry.scopes.add(s);
      entry.tokens += 1;
      if (r.created_day < entry.createdDay) entry.createdDay = r.created_day;
      byApp.set(r.id, entry);
    }
    return [...byApp.values()].map((e) => ({ ...e, scopes: [...e.scopes].sort() }));
  }

  /** Signs an app out of the user's account: every token the app holds for it goes. */
  async revokeApp(viewer: Viewer, appId: string): Promise<void> {
    const r = await this.#deps.db
      .deleteFrom("oauth_tokens")
      .where("account_id", "=", viewer.accountId)
      .where("app_id", "=", appId)
      .executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw notFound("That app has no access to your account.");
  }

  /** Removes expired authorization codes. */
  async purgeExpiredCodes(): Promise<void> {
    await this.#deps.db
      .deleteFrom("oauth_codes")
      .where("expires_at", "<", this.#deps.clock.now().toISOString())
      .execute();
  }
}

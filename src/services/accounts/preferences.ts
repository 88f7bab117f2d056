// Posting preferences (Mastodon's source[privacy|sensitive|language] and GET /api/v1/preferences),
// and the own-account view that verify_credentials / update_credentials need.
import type { Account, Viewer } from "../../domain/account.ts";
import { notFound, unprocessable } from "../../domain/errors.ts";
import { VISIBILITIES, type Visibility } from "../../domain/status.ts";
import type { ServiceDeps } from "../deps.ts";
import type { AccountService, ProfileInput } from "./accounts.ts";

export interface PostingPreferences {
  visibility: Visibility;
  sensitive: boolean;
  /** ISO 639 code, or null for none. */
  language: string | null;
}

export interface PreferencesChange {
  visibility?: string | undefined;
  sensitive?: boolean | undefined;
  /** "" or null clears it. */
  language?: string | null | undefined;
}

/** What the owner sees of their own account. */
export interface OwnAccount {
  account: Account;
  preferences: PostingPreferences;
  followRequestsCount: number;
}

const LANGUAGE = /^[a-z]{2,3}$/;

export class PreferencesService {
  readonly #deps: ServiceDeps;
  readonly #accounts: AccountService;
  constructor(deps: ServiceDeps, accounts: AccountService) {
    this.#deps = deps;
    this.#accounts = accounts;
  }

  async get(viewer: Viewer): Promise<PostingPreferences> {
    const row = await this.#deps.db
      .selectFrom("accounts")
      .select(["default_visibility", "default_sensitive", "default_language"])
      .where("id", "=", viewer.accountId)
      .executeTakeFirst();
    if (!row) throw notFound();
    const visibility = (VISIBILITIES as readonly string[]).includes(row.default_visibility)
      ? (row.default_visibility as Visibility)
      : "public";
    return { visibility, sensitive: row.default_sensitive === 1, language: row.default_language };
  }

  /** Checks a change without writing it; throws 422 with field messages. */
  validate(change: PreferencesChange): {
    default_visibility?: string;
    default_sensitive?: number;
    default_language?: string | null;
  } {
    const fields: Record<string, string> = {};
    const set: { default_visibility?: string; default_sensitive?: number; default_language?: string | null } = {};
    if (change.visibility !== undefined) {
      if ((VISIBILITIES as readonly string[]).includes(change.visibility)) set.default_visibility = change.visibility;
      else fields.privacy = "The default visibility must be public, unlisted or private.";
    }
    if (change.sensitive !== undefined) set.default_sensitive = change.sensitive ? 1 : 0;
    if (change.language !== undefined) {
      const l = (change.language ?? "").trim().toLowerCase();
      if (l === "") set.default_language = null;
      else if (LANGUAGE.test(l)) set.default_language = l;
      else fields.language = "The default language must be an ISO 639 code such as en or de.";
    }
    if (Object.keys(fields).length > 0) throw unprocessable(Object.values(fields)[0] as string, fields);
    return set;
  }

  async update(viewer: Viewer, change: PreferencesChange): Promise<PostingPreferences> {
    const set = this.validate(change);
    if (Object.keys(set).length > 0) {
      await this.#deps.db.updateTable("accounts").set(set).where("id", "=", viewer.accountId).execute();
    }
    return this.get(viewer);
  }

  /** The account, its posting preferences and how many follow requests wait for it. */
  async ownAccount(viewer: Viewer): Promise<OwnAccount> {
    const account = await this.#accounts.byId(viewer.accountId);
    if (!account) throw notFound();
    const [preferences, waiting] = await Promise.all([
      this.get(viewer),
      this.#deps.db
        .selectFrom("follow_requests")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("target_account_id", "=", viewer.accountId)
        .executeTakeFirst(),
    ]);
    return { account, preferences, followRequestsCount: Number(waiting?.n ?? 0) };
  }

  /**
   * Profile and preferences together (PATCH update_credentials), written in one statement after
   * everything is checked, so a 422 changes nothing. `images` (avatar, header) runs between the
   * checks and the write: an image that is refused stops the update before any text is written.
   */
  async updateOwnAccount(
    viewer: Viewer,
    profile: ProfileInput,
    change: PreferencesChange,
    images?: () => Promise<unknown>,
  ): Promise<OwnAccount> {
    const set = { ...this.#accounts.checkProfile(profile), ...this.validate(change) };
    if (images) await images();
    if (Object.keys(set).length > 0) {
      await this.#deps.db.updateTable("accounts").set(set).where("id", "=", viewer.accountId).execute();
    }
    return this.ownAccount(viewer);
  }
}

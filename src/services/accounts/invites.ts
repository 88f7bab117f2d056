// Invite codes: single-use or counted, made by staff or (when the operator allows) by users.
// Who used a code is never recorded: that would be a map of who brought whom.
import { sql } from "kysely";
import type { Viewer } from "../../domain/account.ts";
import { dayOf } from "../../domain/clock.ts";
import { forbidden, unprocessable } from "../../domain/errors.ts";
import { randomToken } from "../../domain/ids.ts";
import type { Queryable } from "../../store/store.ts";
import type { ServiceDeps } from "../deps.ts";

export interface Invite {
  code: string;
  maxUses: number | null;
  uses: number;
  expiresDay: string | null;
  createdDay: string;
}

export class InviteService {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** viewer null = the command line (operator). */
  async create(
    viewer: Viewer | null,
    options: { maxUses?: number | null; expiresInDays?: number | null } = {},
  ): Promise<Invite> {
    if (viewer && viewer.roles.length === 0 && !this.#deps.config.usersMayInvite) {
      throw forbidden("Only staff can create invite codes on this server.");
    }
    const maxUses = options.maxUses === undefined ? 1 : options.maxUses;
    if (maxUses !== null && (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > 10_000)) {
      throw unprocessable("Uses must be a whole number from 1 to 10,000, or unlimited.");
    }
    const days = options.expiresInDays ?? null;
    if (days !== null && (!Number.isInteger(days) || days < 1 || days > 365)) {
      throw unprocessable("Expiry must be from 1 to 365 days.");
    }
    const now = this.#deps.clock.now();
    const invite = {
      code: randomToken(12),
      created_by: viewer?.accountId ?? null,
      max_uses: maxUses,
      uses: 0,
      expires_day: days === null ? null : dayOf(new Date(now.getTime() + days * 86_400_000)),
      created_day: dayOf(now),
    };
    await this.#deps.db.insertInto("invites").values(invite).execute();
    return toInvite(invite);
  }

  async listMine(viewer: Viewer): Promise<Invite[]> {
    const rows = await this.#deps.db
      .selectFrom("invites")
      .selectAll()
      .where("created_by", "=", viewer.accountId)
      .orderBy("created_day", "desc")
      .execute();
    return rows.map(toInvite);
  }

  async revoke(viewer: Viewer, code: string): Promise<void> {
    await this.#deps.db
      .deleteFrom("invites")
      .where("code", "=", code)
      .where("created_by", "=", viewer.accountId)
      .execute();
  }

  /** Uses one admission of a code inside the caller's transaction. False when the code is not valid. */
  async consume(tx: Queryable, code: string): Promise<boolean> {
    const today = dayOf(this.#deps.clock.now());
    const result = await tx
      .updateTable("invites")
      .set({ uses: sql`uses + 1` })
      .where("code", "=", code)
      .where((eb) => eb.or([eb("max_uses", "is", null), eb("uses", "<", eb.ref("max_uses"))]))
      .where((eb) => eb.or([eb("expires_day", "is", null), eb("expires_day", ">=", today)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }
}

function toInvite(row: {
  code: string;
  max_uses: number | null;
  uses: number;
  expires_day: string | null;
  created_day: string;
}): Invite {
  return {
    code: row.code,
    maxUses: row.max_uses,
    uses: row.uses,
    expiresDay: row.expires_day,
    createdDay: row.created_day,
  };
}

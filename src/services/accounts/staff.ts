// Staff roles. Granting happens from the command line (the operator) or by an admin.
import { STAFF_ROLES, type StaffRole, type Viewer } from "../../domain/account.ts";
import { notFound, unprocessable } from "../../domain/errors.ts";
import { findAccountByHandle, rolesOf } from "../../store/repos/accounts.ts";
import type { ServiceDeps } from "../deps.ts";
import { requireRole } from "./accounts.ts";

export class StaffService {
  readonly #deps: ServiceDeps;
  constructor(deps: ServiceDeps) {
    this.#deps = deps;
  }

  /** viewer null = the operator at the command line. */
  async grant(viewer: Viewer | null, handle: string, roles: readonly string[]): Promise<StaffRole[]> {
    if (viewer) requireRole(viewer, "admin");
    const bad = roles.filter((r) => !STAFF_ROLES.includes(r as StaffRole));
    if (bad.length > 0 || roles.length === 0) {
      throw unprocessable(`A role is one of ${STAFF_ROLES.join(", ")} (got ${bad.join(", ") || "none"}).`);
    }
    const account = await findAccountByHandle(this.#deps.db, handle);
    if (!account) throw notFound(`No account @${handle}.`);
    for (const role of roles) {
      await this.#deps.db
        .insertInto("staff_roles")
        .values({ account_id: account.id, role })
        .onConflict((oc) => oc.columns(["account_id", "role"]).doNothing())
        .execute();
    }
    return rolesOf(this.#deps.db, account.id);
  }

  async roles(accountId: string): Promise<StaffRole[]> {
    return rolesOf(this.#deps.db, accountId);
  }
}

// Writing notifications. A notification's key is its hour and 9 random digits (domain/ids.ts
// hourSerial): the list still reads newest hour first, but within an hour the order is random, so a
// like or a follow cannot be placed between two public posts (issue 9, finding 5).
import type { Insertable } from "kysely";
import { hourSerial } from "../../domain/ids.ts";
import type { NotificationsTable } from "../schema/notifications.ts";
import type { Queryable } from "../store.ts";

/** Inserts one notification made at `at`; returns its key. A clash of keys is retried. */
export async function insertNotification(
  tx: Queryable,
  row: Omit<Insertable<NotificationsTable>, "id">,
  at: Date,
): Promise<number> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const id = hourSerial(at);
    const made = await tx
      .insertInto("notifications")
      .values({ ...row, id })
      .onConflict((oc) => oc.column("id").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (made) return Number(made.id);
  }
  throw new Error("could not make a notification key");
}

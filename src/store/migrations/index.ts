// Every migration, in order. Applied at start; never edited once released.
import { migration001 } from "./001-core.ts";
import { migration002 } from "./002-mastodon-api.ts";
import { migration003 } from "./003-scheduled-posts.ts";
import type { Migration } from "./migration.ts";

export const migrations: readonly Migration[] = [migration001, migration002, migration003];

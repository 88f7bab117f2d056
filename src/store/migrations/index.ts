// Every migration, in order. Applied at start; never edited once released.
import { migration001 } from "./001-core.ts";
import { migration002 } from "./002-mastodon-api.ts";
import { migration003 } from "./003-scheduled-posts.ts";
import { migration004 } from "./004-legal.ts";
import { migration005 } from "./005-media-position.ts";
import { migration006 } from "./006-canary.ts";
import { migration007 } from "./007-search-words.ts";
import { migration008 } from "./008-legal-hardening.ts";
import { migration010 } from "./010-forget.ts";
import { migration012 } from "./012-foreign-key-indexes.ts";
import { migration013 } from "./013-app-expiry.ts";
import { migration014 } from "./014-unordered-rows.ts";
import { migration017 } from "./017-reports-notes-directory.ts";
import { migration018 } from "./018-lists-tags-endorsements.ts";
import { migration019 } from "./019-web-push.ts";
import { migration020 } from "./020-alt-text-setting.ts";
import { migration021 } from "./021-first-sign-in.ts";
import type { Migration } from "./migration.ts";

export const migrations: readonly Migration[] = [
  migration001,
  migration002,
  migration003,
  migration004,
  migration005,
  migration006,
  migration007,
  migration008,
  migration010,
  migration012,
  migration013,
  migration014,
  migration017,
  migration018,
  migration019,
  migration020,
  migration021,
];

// ScheduledStatus (docs: Entities > ScheduledStatus).
import type { MediaAttachment } from "../../domain/status.ts";
import type { ScheduledStatus } from "../../services/statuses/scheduling.ts";
import { mediaToApi } from "./status.ts";

export function scheduledStatusToApi(origin: string, s: ScheduledStatus, media: MediaAttachment[]) {
  return {
    id: s.id,
    scheduled_at: s.scheduledAt,
    params: {
      text: s.params.text,
      poll: null,
      media_ids: s.params.mediaIds.length ? s.params.mediaIds : null,
      sensitive: s.params.sensitive,
      spoiler_text: s.params.spoilerText || null,
      visibility: s.params.visibility,
      in_reply_to_id: s.params.inReplyToId,
      language: s.params.language,
      // An integer, as documented ("for historical compatibility only"). Publius does not record
      // which app wrote a post, so 0: no application.
      application_id: 0,
      scheduled_at: null,
      idempotency: s.params.idempotencyKey,
      with_rate_limit: false,
    },
    media_attachments: media.map((m) => mediaToApi(origin, m)),
  };
}

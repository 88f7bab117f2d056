import type { Generated } from "kysely";

export interface MediaAttachmentsTable {
  id: string;
  account_id: string;
  status_id: string | null;
  /** "image" | "gifv" */
  type: string;
  /** Random names in the media folder: they say nothing about the upload. */
  file_name: string;
  preview_file_name: string;
  content_type: string;
  width: number;
  height: number;
  size: number;
  description: string | null;
  focus_x: number;
  focus_y: number;
  created_day: string;
  /** Order within the post. */
  position: Generated<number>;
}

/** The files of an upload whose post is not published yet (migration 010): no file, so no file time. */
export interface MediaPendingTable {
  media_id: string;
  original: Uint8Array;
  preview: Uint8Array;
}

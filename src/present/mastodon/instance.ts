// Server description -> Mastodon Instance (v2) and V1::Instance JSON (docs: Entities > Instance,
// Entities > V1_Instance). Where Publius has no such thing (e-mail contact, polls, video,
// translation) the field is present with an empty or zero value, so clients neither break nor offer
// what would fail.

import pkg from "../../../package.json" with { type: "json" };
import type { Config } from "../../config/config.ts";
import { MAX_DESCRIPTION, MAX_IMAGE_PIXELS, SUPPORTED_MIME_TYPES } from "../../domain/media.ts";
import { CHARS_PER_URL, MAX_STATUS_CHARS } from "../../domain/text.ts";
import type { InstanceStats } from "../../services/instance/instance.ts";
import { MAX_MEDIA } from "../../services/statuses/posting.ts";

/** Mastodon API compatibility level: clients parse the leading version for feature detection. */
export const MASTODON_COMPAT_VERSION = "4.3.0";
export const VERSION = `${MASTODON_COMPAT_VERSION} (compatible; Publius ${pkg.version})`;

export const MAX_PINNED_STATUSES = 5;
/** The upload limit of the API plugin (MAX_UPLOAD_BYTES in http/mastodon/plugin.ts). */
export const IMAGE_SIZE_LIMIT = 16 * 1024 * 1024;

export function instanceDescription(config: Config): string {
  return `${config.instanceName} is a Publius server: microblogging under a pseudonym. It keeps no e-mail address, no phone number and no IP address.`;
}

function streamingOrigin(publicUrl: string): string {
  return publicUrl.replace(/^http/, "ws");
}

/**
 * Apps cannot solve the sign-up proof of work, so on an open server that asks for one an app's
 * sign-up is an application for approval (or needs an invite); the website admits at once.
 */
function approvalRequired(config: Config): boolean {
  return config.registration === "approval" || (config.registration === "open" && config.signupPowBits > 0);
}

function registrationMessage(config: Config): string | null {
  if (config.registration === "invite")
    return "<p>Joining this server needs an invite code from someone who is already here.</p>";
  if (config.registration === "open" && config.signupPowBits > 0) {
    return "<p>Sign up on this server's website to join at once. Sign-ups from apps are reviewed by the staff, unless you have an invite code.</p>";
  }
  return null;
}

function limits() {
  return {
    statuses: {
      max_characters: MAX_STATUS_CHARS,
      max_media_attachments: MAX_MEDIA,
      characters_reserved_per_url: CHARS_PER_URL,
    },
    media_attachments: {
      supported_mime_types: [...SUPPORTED_MIME_TYPES],
      description_limit: MAX_DESCRIPTION,
      image_size_limit: IMAGE_SIZE_LIMIT,
      image_matrix_limit: MAX_IMAGE_PIXELS,
      // Images only: no video or audio.
      video_size_limit: 0,
      video_frame_rate_limit: 0,
      video_matrix_limit: 0,
    },
    // Publius has no polls; zero options tells clients not to offer them.
    polls: { max_options: 0, max_characters_per_option: 0, min_expiration: 0, max_expiration: 0 },
  };
}

export function instanceToApi(config: Config, stats: InstanceStats, vapidKey: string) {
  const origin = config.publicUrl;
  const { statuses, media_attachments, polls } = limits();
  return {
    domain: new URL(origin).host,
    title: config.instanceName,
    version: VERSION,
    // The AGPL source offer (config.sourceUrl: this server's own /source.tar.gz by default).
    source_url: config.sourceUrl,
    description: instanceDescription(config),
    usage: { users: { active_month: stats.activeMonth } },
    thumbnail: { url: `${origin}/static/header.png` },
    icon: [] as unknown[],
    languages: ["en"],
    configuration: {
      urls: {
        streaming: streamingOrigin(origin),
        status: null,
        about: `${origin}/`,
        privacy_policy: `${origin}/privacy`,
        terms_of_service: null,
      },
      // The key Web Push subscriptions are made with (POST /api/v1/push/subscription).
      vapid: { public_key: vapidKey },
      accounts: { max_featured_tags: 0, max_pinned_statuses: MAX_PINNED_STATUSES },
      statuses,
      media_attachments,
      polls,
      translation: { enabled: false },
    },
    registrations: {
      enabled: config.registration !== "invite",
      approval_required: approvalRequired(config),
      reason_required: approvalRequired(config),
      message: registrationMessage(config),
      min_age: null,
      url: null,
    },
    api_versions: { mastodon: 2 },
    // The operator's address only if they publish one (PUBLIUS_CONTACT_EMAIL); null otherwise,
    // never "" (which is no e-mail address).
    contact: { email: config.contactEmail, account: null },
    rules: [] as unknown[],
  };
}

export function v1InstanceToApi(config: Config, stats: InstanceStats) {
  const origin = config.publicUrl;
  const { statuses, media_attachments, polls } = limits();
  return {
    uri: new URL(origin).host,
    title: config.instanceName,
    short_description: instanceDescription(config),
    description: instanceDescription(config),
    email: config.contactEmail,
    version: VERSION,
    urls: { streaming_api: streamingOrigin(origin) },
    // No federation: no other domains.
    stats: { user_count: stats.userCount, status_count: stats.statusCount, domain_count: 0 },
    thumbnail: `${origin}/static/header.png`,
    languages: ["en"],
    registrations: config.registration !== "invite",
    approval_required: approvalRequired(config),
    invites_enabled: config.registration === "invite" || config.usersMayInvite,
    configuration: {
      accounts: { max_featured_tags: 0, max_pinned_statuses: MAX_PINNED_STATUSES },
      statuses,
      media_attachments,
      polls,
    },
    contact_account: null,
    rules: [] as unknown[],
  };
}

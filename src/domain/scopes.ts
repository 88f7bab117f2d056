// OAuth scopes as Mastodon defines them (docs: API > OAuth scopes). A token's scopes are a set; a
// request needs one specific granular scope, which a parent scope also grants.
export const TOP_SCOPES = ["read", "write", "follow", "push", "profile"] as const;

export const GRANULAR_SCOPES = [
  "read:accounts",
  "read:blocks",
  "read:bookmarks",
  "read:favourites",
  "read:filters",
  "read:follows",
  "read:lists",
  "read:mutes",
  "read:notifications",
  "read:search",
  "read:statuses",
  "write:accounts",
  "write:blocks",
  "write:bookmarks",
  "write:conversations",
  "write:favourites",
  "write:filters",
  "write:follows",
  "write:lists",
  "write:media",
  "write:mutes",
  "write:notifications",
  "write:reports",
  "write:statuses",
] as const;

export type Scope = (typeof TOP_SCOPES)[number] | (typeof GRANULAR_SCOPES)[number];

const KNOWN = new Set<string>([...TOP_SCOPES, ...GRANULAR_SCOPES]);

/** The legacy `follow` scope grants these (Mastodon keeps it for old apps). */
const FOLLOW_GRANTS = new Set([
  "read:follows",
  "write:follows",
  "read:blocks",
  "write:blocks",
  "read:mutes",
  "write:mutes",
]);

/** Parses "read write:statuses" (space or + separated). Unknown scopes are an error, as in Mastodon. */
export function parseScopes(
  value: string | undefined | null,
  fallback = "read",
): { scopes: string[]; unknown: string[] } {
  const raw = (value ?? "").trim() === "" ? fallback : String(value);
  const parts = [...new Set(raw.split(/[\s+]+/).filter(Boolean))];
  return { scopes: parts.filter((s) => KNOWN.has(s)), unknown: parts.filter((s) => !KNOWN.has(s)) };
}

/** Whether a token holding `granted` may do what `required` names. */
export function hasScope(granted: ReadonlySet<string> | readonly string[], required: string): boolean {
  const set = granted instanceof Set ? granted : new Set(granted as readonly string[]);
  if (set.has(required)) return true;
  const [top] = required.split(":");
  if (top && set.has(top)) return true;
  if (set.has("follow") && FOLLOW_GRANTS.has(required)) return true;
  // `profile` grants only reading one's own account (verify_credentials).
  return false;
}

/** A requested set is allowed if every scope in it is within the app's registered scopes. */
export function scopesWithin(requested: readonly string[], allowed: readonly string[]): boolean {
  return requested.every((s) => hasScope(allowed, s) || (s === "profile" && allowed.includes("read")));
}

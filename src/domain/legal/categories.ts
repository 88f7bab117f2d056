// Which inventory categories a demand may name, which of them identify a speaker (the unmasking
// gate guards those), and a helper that reads the request's own words for categories it mentions,
// so a mapping that misses something ("phone numbers" without "contact") is pointed out.
import { CATEGORIES, type DataCategory } from "../data-inventory.ts";

export type DemandCategory = Exclude<DataCategory, "none">;

export const DEMAND_CATEGORIES: readonly DemandCategory[] = CATEGORIES.map((c) => c.id).filter(
  (id): id is DemandCategory => id !== "none",
);

export function isDemandCategory(value: unknown): value is DemandCategory {
  return typeof value === "string" && (DEMAND_CATEGORIES as readonly string[]).includes(value);
}

/**
 * Categories that identify, or help identify, the person behind a pseudonym: who they are (login
 * and contact data), where they connect from, when they were signed in, when the account began.
 */
export const IDENTIFYING_CATEGORIES: readonly DemandCategory[] = [
  "account_login",
  "contact",
  "network",
  "sessions",
  "account_timestamps",
];

export function isIdentifying(category: DataCategory): boolean {
  return (IDENTIFYING_CATEGORIES as readonly string[]).includes(category);
}

const WORDS: readonly [RegExp, DemandCategory[]][] = [
  [/\ball (records|information|data)\b/i, [...DEMAND_CATEGORIES]],
  [/\buser ?names?\b|\bhandles?\b|\bscreen ?names?\b|\bprofile\b/i, ["public_profile", "account_login"]],
  [/\blog-?ins?\b|\baccount (login|identifiers?)\b|\bpasswords?\b|\bsubscriber\b/i, ["account_login"]],
  [
    /\bphone|\btelephone|\bmobile\b|\be-?mail|\bmailing address|\bpostal|\breal names?\b|\bname and address/i,
    ["contact"],
  ],
  [/\bI\.?P\.?\b|\bip address|\buser agents?\b|\bdevice|\bnetwork address/i, ["network"]],
  [/\bsessions?\b|\bsign-?ins? times?\b|\blog(in)? times?\b/i, ["sessions"]],
  [/\bcreat(ed|ion) date\b|\bregistration\b|\blength of service\b|\btimestamps?\b/i, ["account_timestamps"]],
  [
    /\bfollowers?-only\b|\bprivate (posts|messages)\b|\bdirect messages\b|\bdrafts?\b|\bscheduled posts\b|\bcontents? of\b/i,
    ["nonpublic_content"],
  ],
  [/\b(public )?(posts|tweets|statuses)\b/i, ["public_content"]],
  [/\bfollow(ers|ing)\b|\bcontacts list\b|\bcorrespondents\b|\bblocks?\b|\bmutes?\b/i, ["social_graph"]],
  [/\blikes\b|\bfavou?rites\b|\bbookmarks\b|\bactivity\b/i, ["activity"]],
  [/\bimages?\b|\bphotos?\b|\bmedia\b|\battachments?\b/i, ["media"]],
];

/** Categories the request's words point to (a hint for the reviewer, never a decision). */
export function categoriesMentioned(verbatim: string): DemandCategory[] {
  const found = new Set<DemandCategory>();
  for (const [pattern, categories] of WORDS) if (pattern.test(verbatim)) for (const c of categories) found.add(c);
  return DEMAND_CATEGORIES.filter((c) => found.has(c));
}

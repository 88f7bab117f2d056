// Post text: splitting into tokens (links, mentions, hashtags), counting as Mastodon counts, and
// rendering to HTML in which every user-supplied character is escaped.
import { domainToASCII } from "node:url";
import * as linkify from "linkifyjs";

export const MAX_STATUS_CHARS = 500;
/** Every link counts this many characters, whatever its length (Mastodon's rule). */
export const CHARS_PER_URL = 23;

export type Token =
  | { kind: "text"; value: string }
  | { kind: "url"; value: string }
  | { kind: "mention"; value: string; handle: string }
  | { kind: "hashtag"; value: string; tag: string };

// @handle, optionally @handle@domain (the domain part is not counted, as in Mastodon).
const MENTION = /(?<![\p{L}\p{N}_/@])@([A-Za-z0-9_]{1,30})(?:@([A-Za-z0-9.-]+\.[A-Za-z]{2,}))?(?![A-Za-z0-9_])/gu;
// #tag: letters, digits, underscore; at least one non-digit.
const HASHTAG = /(?<![\p{L}\p{N}_/&#])#([\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*)/gu;

interface Span {
  start: number;
  end: number;
  token: Token;
}

/** Splits text into tokens. Only links with an http(s) scheme are links, as Mastodon does. */
export function tokenize(text: string): Token[] {
  const spans: Span[] = [];
  for (const m of linkify.find(text, "url")) {
    if (!/^https?:\/\//i.test(m.value)) continue;
    spans.push({ start: m.start, end: m.end, token: { kind: "url", value: m.value } });
  }
  const overlaps = (s: number, e: number) => spans.some((x) => s < x.end && e > x.start);
  for (const m of text.matchAll(MENTION)) {
    const start = m.index;
    const end = start + m[0].length;
    const handle = m[1] as string;
    if (!overlaps(start, end)) spans.push({ start, end, token: { kind: "mention", value: m[0], handle } });
  }
  for (const m of text.matchAll(HASHTAG)) {
    const start = m.index;
    const end = start + m[0].length;
    const tag = m[1] as string;
    if (!overlaps(start, end)) spans.push({ start, end, token: { kind: "hashtag", value: m[0], tag } });
  }
  spans.sort((a, b) => a.start - b.start);
  const tokens: Token[] = [];
  let at = 0;
  for (const span of spans) {
    if (span.start > at) tokens.push({ kind: "text", value: text.slice(at, span.start) });
    tokens.push(span.token);
    at = span.end;
  }
  if (at < text.length) tokens.push({ kind: "text", value: text.slice(at) });
  return tokens;
}

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Characters as a person counts them (grapheme clusters). */
export function graphemeLength(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/** Mastodon's count: links are 23 each, a remote mention counts only its @user part. */
export function countStatusChars(text: string, spoilerText = ""): number {
  let n = graphemeLength(spoilerText);
  for (const t of tokenize(text)) {
    if (t.kind === "url") n += CHARS_PER_URL;
    else if (t.kind === "mention") n += 1 + t.handle.length;
    else n += graphemeLength(t.value);
  }
  return n;
}

/** Distinct mentioned handles, lower-cased, in order of appearance (local ones only). */
export function extractMentions(text: string): string[] {
  const seen = new Set<string>();
  for (const t of tokenize(text)) {
    // @user@domain names someone elsewhere, never the local account that happens to share the name.
    if (t.kind === "mention" && t.value.indexOf("@", 1) === -1) seen.add(t.handle.toLowerCase());
  }
  return [...seen];
}

/** Distinct hashtags, lower-cased. */
export function extractHashtags(text: string): string[] {
  const seen = new Set<string>();
  for (const t of tokenize(text)) if (t.kind === "hashtag") seen.add(normalizeTag(t.tag));
  return [...seen];
}

export function normalizeTag(tag: string): string {
  return tag.normalize("NFKC").toLowerCase();
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

export interface RenderLinks {
  /** The profile URL of a local handle, or undefined when no such account exists (left as text). */
  profileUrl(handleLower: string): string | undefined;
  tagUrl(tag: string): string;
}

export const LINK_REL = "nofollow noopener noreferrer ugc";

/** Scripts that legitimately share one name (Japanese, Chinese, Korean writing mixes these). */
const CJK = new Set(["Han", "Hiragana", "Katakana", "Hangul", "Bopomofo"]);
const SCRIPTS = ["Latin", "Cyrillic", "Greek", "Armenian", "Hebrew", "Arabic", "Georgian", "Cherokee", ...CJK].map(
  (name) => ({ name, re: new RegExp(`\\p{Script=${name}}`, "u") }),
);

/** The scripts of a host's letters; CJK scripts count as one, and count Latin in with them. */
function scriptsOf(host: string): Set<string> {
  const found = new Set<string>();
  for (const ch of host) {
    if (!/\p{L}/u.test(ch)) continue;
    const script = SCRIPTS.find((s) => s.re.test(ch))?.name ?? "Other";
    found.add(CJK.has(script) ? "CJK" : script);
  }
  if (found.has("CJK")) found.delete("Latin");
  return found;
}

/**
 * A link as typed, with its host in punycode when the host mixes scripts (a Cyrillic "а" among Latin
 * letters, a Cyrillic name under .com): such a host is made to look like another, so the reader
 * sees the form that cannot be mistaken. Hosts written in one script are shown as written.
 */
export function withHonestHost(link: string): string {
  const m = /^((?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^/?#@\s]*@)?)([^/?#:\s]+)/i.exec(link);
  if (!m) return link;
  const [, before = "", host = ""] = m;
  if (!/[^\p{ASCII}]/u.test(host) || scriptsOf(host).size <= 1) return link;
  const ascii = domainToASCII(host);
  return ascii ? `${before}${ascii}${link.slice(before.length + host.length)}` : link;
}

/**
 * Renders post text to HTML as Mastodon sends it: paragraphs on blank lines, <br /> on single line
 * breaks, links, mention and hashtag anchors. Everything the author typed is escaped.
 */
export function renderStatusHtml(text: string, links: RenderLinks): string {
  const paragraphs = text
    .replace(/\r\n?/g, "\n")
    .trim()
    .split(/\n{2,}/)
    .filter((p) => p.trim() !== "");
  return paragraphs.map((p) => `<p>${renderInline(p, links)}</p>`).join("");
}

function renderInline(text: string, links: RenderLinks): string {
  let out = "";
  for (const t of tokenize(text)) {
    switch (t.kind) {
      case "text":
        out += escapeHtml(t.value).replace(/\n/g, "<br />");
        break;
      case "url": {
        const shown = withHonestHost(t.value);
        out += `<a href="${escapeHtml(shown)}" rel="${LINK_REL}" target="_blank">${escapeHtml(shown)}</a>`;
        break;
      }
      case "mention": {
        const url = t.value.indexOf("@", 1) === -1 ? links.profileUrl(t.handle.toLowerCase()) : undefined;
        out += url
          ? `<span class="h-card"><a href="${escapeHtml(url)}" class="u-url mention">@<span>${escapeHtml(t.handle)}</span></a></span>`
          : escapeHtml(t.value);
        break;
      }
      case "hashtag":
        out += `<a href="${escapeHtml(links.tagUrl(normalizeTag(t.tag)))}" class="mention hashtag" rel="tag">#<span>${escapeHtml(t.tag)}</span></a>`;
        break;
    }
  }
  return out;
}

// Environment (and an optional JSON file) -> one validated, typed Config, read once at start.
// Nothing else in Publius reads process.env.
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { resolve } from "node:path";
import { type LegalConfig, parseLegalConfig } from "./legal.ts";

export type RegistrationMode = "open" | "approval" | "invite";

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://… selects PostgreSQL; undefined means SQLite in dataDir. */
  databaseUrl: string | undefined;
  /**
   * PostgreSQL: how long connecting, waiting for a pooled connection or one statement may take
   * before the request answers 503 (PUBLIUS_DATABASE_TIMEOUT, seconds; default 10).
   */
  databaseTimeoutMs: number;
  /**
   * SQLite's synchronous setting: "full" (default: an acknowledged post survives a power loss) or
   * "normal" (faster; the last commits may be lost on a power loss). docs/decisions/sqlite-synchronous.md.
   */
  sqliteSynchronous: "full" | "normal";
  /**
   * How long a client may take to send a whole request, body included (PUBLIUS_REQUEST_TIMEOUT,
   * seconds; default 120), before it gets 408 and its connection is closed. Headers: 10 s at most.
   */
  requestTimeoutMs: number;
  /** Mastodon API requests allowed per token (or per address without one) in 5 minutes (default 300). */
  apiRequestsPer5Minutes: number;
  publicUrl: string;
  /** The site's .onion origin, if it has one: adds Onion-Location and serves onion links on the onion host. */
  onionUrl: string | undefined;
  registration: RegistrationMode;
  /** Whether ordinary users may create invite codes (staff always may). */
  usersMayInvite: boolean;
  instanceName: string;
  /**
   * Where this server's source code is offered (AGPL-3.0 §13): the Instance's source_url and
   * NodeInfo's repository. Default: the server's own copy of the code it runs, `/source.tar.gz`.
   * An operator who publishes a modified version elsewhere sets its address here.
   */
  sourceUrl: string;
  /** The operator's contact address for the Instance's contact.email, if they publish one. */
  contactEmail: string | null;
  /** Log level for the request logger: "info" logs one line per request; "silent" none. */
  logLevel: "info" | "warn" | "error" | "silent";
  /**
   * Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR ranges). Empty: the header
   * is ignored. Either way the address is used only in memory, for rate limits.
   */
  trustedProxies: string[];
  /** Leading zero bits the sign-up page's proof of work needs in open mode (0: no proof of work). */
  signupPowBits: number;
  /** Posting limits, per account (see services/statuses/posting-limits.ts). */
  posting: PostingLimitsConfig;
  /** Legal demands: the process matrix, legal-help list, document size limit (see config/legal.ts). */
  legal: LegalConfig;
  /** The transparency report (docs/legal-process.md, "Transparency report"). */
  transparency: TransparencyConfig;
  /** Web Push delivery (services/push/). */
  push: PushConfig;
}

export interface PushConfig {
  /**
   * Tests only: allow subscription endpoints at http://127.0.0.1 (a local receiver). Otherwise an
   * endpoint must be https and resolve only to public addresses.
   */
  allowLoopbackHttp: boolean;
}

export interface TransparencyConfig {
  /** Length of a report period: half-years ("2026-H1") by default, or quarters ("2026-Q3") or years ("2026"). */
  period: "half" | "quarter" | "year";
  /** Counts from 1 up to this minus one are published as a band ("1-9"); undefined: exact counts. */
  bandBelow: number | undefined;
}

export interface PostingLimitsConfig {
  /** Posts (and queued posts) per hour for every account. */
  postsPerHour: number;
  /** An account younger than this many days is new. */
  newAccountDays: number;
  /** Posts per hour while an account is new. */
  newAccountPostsPerHour: number;
  /** Links allowed in each of a new account's first `newAccountLinkPosts` posts. */
  newAccountLinks: number;
  newAccountLinkPosts: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

const KEYS = {
  PUBLIUS_PORT: "port",
  PUBLIUS_HOST: "host",
  PUBLIUS_DATA_DIR: "dataDir",
  PUBLIUS_DATABASE_URL: "databaseUrl",
  PUBLIUS_DATABASE_TIMEOUT: "databaseTimeoutMs",
  PUBLIUS_SQLITE_SYNCHRONOUS: "sqliteSynchronous",
  PUBLIUS_REQUEST_TIMEOUT: "requestTimeoutMs",
  PUBLIUS_API_REQUESTS_PER_5_MINUTES: "apiRequestsPer5Minutes",
  PUBLIUS_PUBLIC_URL: "publicUrl",
  PUBLIUS_ONION_URL: "onionUrl",
  PUBLIUS_REGISTRATION: "registration",
  PUBLIUS_USERS_MAY_INVITE: "usersMayInvite",
  PUBLIUS_INSTANCE_NAME: "instanceName",
  PUBLIUS_SOURCE_URL: "sourceUrl",
  PUBLIUS_CONTACT_EMAIL: "contactEmail",
  PUBLIUS_LOG_LEVEL: "logLevel",
  PUBLIUS_TRUSTED_PROXIES: "trustedProxies",
  PUBLIUS_SIGNUP_POW_BITS: "signupPowBits",
  PUBLIUS_POSTS_PER_HOUR: "posting",
  PUBLIUS_NEW_ACCOUNT_DAYS: "posting",
  PUBLIUS_NEW_ACCOUNT_POSTS_PER_HOUR: "posting",
  PUBLIUS_NEW_ACCOUNT_LINKS: "posting",
  PUBLIUS_NEW_ACCOUNT_LINK_POSTS: "posting",
  PUBLIUS_LEGAL_MATRIX: "legal",
  PUBLIUS_LEGAL_HELP: "legal",
  PUBLIUS_LEGAL_MAX_DOCUMENT_MB: "legal",
  PUBLIUS_LEGAL_RESPONSE_DAYS: "legal",
  PUBLIUS_LEGAL_SERVICE_ADDRESS: "legal",
  PUBLIUS_TRANSPARENCY_PERIOD: "transparency",
  PUBLIUS_TRANSPARENCY_BANDS: "transparency",
  PUBLIUS_PUSH_ALLOW_LOOPBACK_HTTP: "push",
} as const;

type RawConfig = Partial<Record<keyof typeof KEYS, string>>;

/**
 * Reads the configuration from an environment-like record. A file named by PUBLIUS_CONFIG (JSON,
 * keys as the environment variables) supplies values the environment leaves unset.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const raw: RawConfig = {};
  const file = env.PUBLIUS_CONFIG;
  if (file) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      throw new ConfigError(`PUBLIUS_CONFIG: cannot read ${file}: ${(e as Error).message}`);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new ConfigError(`PUBLIUS_CONFIG: ${file} must hold a JSON object`);
    }
    for (const [key, value] of Object.entries(parsed)) {
      if (!(key in KEYS)) throw new ConfigError(`PUBLIUS_CONFIG: unknown key ${key} in ${file}`);
      raw[key as keyof typeof KEYS] = String(value);
    }
  }
  for (const key of Object.keys(KEYS) as (keyof typeof KEYS)[]) {
    const value = env[key];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  return parseConfig(raw);
}

function parseConfig(raw: RawConfig): Config {
  const port = parsePort(raw.PUBLIUS_PORT ?? "3000");
  const host = raw.PUBLIUS_HOST ?? "127.0.0.1";
  const dataDir = resolve(raw.PUBLIUS_DATA_DIR ?? "./data");
  const databaseUrl = raw.PUBLIUS_DATABASE_URL;
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError("PUBLIUS_DATABASE_URL must start with postgres:// or postgresql://");
  }
  const publicUrl = parsePublicUrl(raw.PUBLIUS_PUBLIC_URL ?? `http://${hostForUrl(host)}:${port}`);
  let onionUrl: string | undefined;
  if (raw.PUBLIUS_ONION_URL) {
    onionUrl = parseOrigin("PUBLIUS_ONION_URL", raw.PUBLIUS_ONION_URL);
    if (!new URL(onionUrl).hostname.endsWith(".onion"))
      throw new ConfigError("PUBLIUS_ONION_URL must be a .onion address");
  }
  const registration = raw.PUBLIUS_REGISTRATION ?? "open";
  if (registration !== "open" && registration !== "approval" && registration !== "invite") {
    throw new ConfigError(`PUBLIUS_REGISTRATION must be open, approval or invite (got "${registration}")`);
  }
  const logLevel = raw.PUBLIUS_LOG_LEVEL ?? "info";
  if (!["info", "warn", "error", "silent"].includes(logLevel)) {
    throw new ConfigError(`PUBLIUS_LOG_LEVEL must be info, warn, error or silent (got "${logLevel}")`);
  }
  const sqliteSynchronous = raw.PUBLIUS_SQLITE_SYNCHRONOUS ?? "full";
  if (sqliteSynchronous !== "full" && sqliteSynchronous !== "normal") {
    throw new ConfigError(`PUBLIUS_SQLITE_SYNCHRONOUS must be full or normal (got "${sqliteSynchronous}")`);
  }
  const databaseTimeout = parseCount("PUBLIUS_DATABASE_TIMEOUT", raw.PUBLIUS_DATABASE_TIMEOUT ?? "10", 3600);
  const requestTimeout = parseCount("PUBLIUS_REQUEST_TIMEOUT", raw.PUBLIUS_REQUEST_TIMEOUT ?? "120", 86_400);
  if (databaseTimeout === 0) throw new ConfigError("PUBLIUS_DATABASE_TIMEOUT must be at least 1 (seconds)");
  if (requestTimeout === 0) throw new ConfigError("PUBLIUS_REQUEST_TIMEOUT must be at least 1 (seconds)");
  return {
    port,
    host,
    dataDir,
    databaseUrl,
    databaseTimeoutMs: databaseTimeout * 1000,
    sqliteSynchronous,
    requestTimeoutMs: requestTimeout * 1000,
    apiRequestsPer5Minutes: parseCount(
      "PUBLIUS_API_REQUESTS_PER_5_MINUTES",
      raw.PUBLIUS_API_REQUESTS_PER_5_MINUTES ?? "300",
    ),
    publicUrl,
    onionUrl,
    registration,
    usersMayInvite: parseBool("PUBLIUS_USERS_MAY_INVITE", raw.PUBLIUS_USERS_MAY_INVITE ?? "false"),
    instanceName: raw.PUBLIUS_INSTANCE_NAME ?? "Publius",
    sourceUrl: parseSourceUrl(raw.PUBLIUS_SOURCE_URL, publicUrl),
    contactEmail: parseContactEmail(raw.PUBLIUS_CONTACT_EMAIL),
    logLevel: logLevel as Config["logLevel"],
    trustedProxies: parseProxies(raw.PUBLIUS_TRUSTED_PROXIES ?? ""),
    signupPowBits: parseCount("PUBLIUS_SIGNUP_POW_BITS", raw.PUBLIUS_SIGNUP_POW_BITS ?? "18", 32),
    posting: {
      postsPerHour: parseCount("PUBLIUS_POSTS_PER_HOUR", raw.PUBLIUS_POSTS_PER_HOUR ?? "60"),
      newAccountDays: parseCount("PUBLIUS_NEW_ACCOUNT_DAYS", raw.PUBLIUS_NEW_ACCOUNT_DAYS ?? "7"),
      newAccountPostsPerHour: parseCount(
        "PUBLIUS_NEW_ACCOUNT_POSTS_PER_HOUR",
        raw.PUBLIUS_NEW_ACCOUNT_POSTS_PER_HOUR ?? "10",
      ),
      newAccountLinks: parseCount("PUBLIUS_NEW_ACCOUNT_LINKS", raw.PUBLIUS_NEW_ACCOUNT_LINKS ?? "1"),
      newAccountLinkPosts: parseCount("PUBLIUS_NEW_ACCOUNT_LINK_POSTS", raw.PUBLIUS_NEW_ACCOUNT_LINK_POSTS ?? "5"),
    },
    legal: parseLegalConfig(raw, (message) => new ConfigError(message)),
    transparency: parseTransparency(raw.PUBLIUS_TRANSPARENCY_PERIOD ?? "half", raw.PUBLIUS_TRANSPARENCY_BANDS ?? "off"),
    push: {
      allowLoopbackHttp: parseBool("PUBLIUS_PUSH_ALLOW_LOOPBACK_HTTP", raw.PUBLIUS_PUSH_ALLOW_LOOPBACK_HTTP ?? "false"),
    },
  };
}

function parseTransparency(period: string, bands: string): TransparencyConfig {
  if (period !== "half" && period !== "quarter" && period !== "year") {
    throw new ConfigError(`PUBLIUS_TRANSPARENCY_PERIOD must be half, quarter or year (got "${period}")`);
  }
  if (bands === "off") return { period, bandBelow: undefined };
  // "10", or the band itself as the report prints it: "1-9".
  const m = /^(?:(\d{1,4})|1-(\d{1,4}))$/.exec(bands);
  const below = m ? (m[1] !== undefined ? Number(m[1]) : Number(m[2]) + 1) : Number.NaN;
  if (!(below >= 2 && below <= 10_000)) {
    throw new ConfigError(
      `PUBLIUS_TRANSPARENCY_BANDS must be off, a number from 2 to 10000, or a band such as 1-9 (got "${bands}")`,
    );
  }
  return { period, bandBelow: below };
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 0 || n > 65535) {
    throw new ConfigError(`PUBLIUS_PORT must be a whole number from 0 to 65535 (got "${value}")`);
  }
  return n;
}

/** A whole number from 0 to `max`. */
function parseCount(name: string, value: string, max = 1_000_000_000): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > max) {
    throw new ConfigError(`${name} must be a whole number from 0 to ${max} (got "${value}")`);
  }
  return n;
}

function parseBool(name: string, value: string): boolean {
  if (["true", "1", "yes"].includes(value)) return true;
  if (["false", "0", "no"].includes(value)) return false;
  throw new ConfigError(`${name} must be true or false (got "${value}")`);
}

function parseContactEmail(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (!/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(value) || value.length > 254) {
    throw new ConfigError(`PUBLIUS_CONTACT_EMAIL must be an e-mail address (got "${value}")`);
  }
  return value;
}

function parseSourceUrl(value: string | undefined, publicUrl: string): string {
  if (value === undefined) return `${publicUrl}/source.tar.gz`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`PUBLIUS_SOURCE_URL must be an absolute URL (got "${value}")`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new ConfigError("PUBLIUS_SOURCE_URL must use http or https");
  return url.href;
}

function parsePublicUrl(value: string): string {
  return parseOrigin("PUBLIUS_PUBLIC_URL", value);
}

function parseOrigin(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL (got "${value}")`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(`${name} must use http or https`);
  }
  if (url.pathname !== "/" || url.search || url.hash) {
    throw new ConfigError(`${name} must be an origin without a path (e.g. https://example.org)`);
  }
  return url.origin;
}

function parseProxies(value: string): string[] {
  const list = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of list) {
    const [address, bits, extra] = item.split("/");
    const ok =
      extra === undefined &&
      address !== undefined &&
      (isIP(address) !== 0 || address === "loopback") &&
      (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address) === 6 ? 128 : 32)));
    if (!ok) throw new ConfigError(`PUBLIUS_TRUSTED_PROXIES: "${item}" is not an address or CIDR range`);
  }
  return list;
}

function hostForUrl(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

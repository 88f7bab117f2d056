// docs/data-inventory.md, generated from the inventory in code (npm run docs writes it; a test
// fails when the file is out of date), so the document cannot drift from the code.
import { CATEGORIES, DATA_INVENTORY, INTERNAL_TABLES } from "../../domain/data-inventory.ts";

const VISIBLE: Record<string, string> = {
  public: "anyone",
  account: "the account holder",
  followers: "the holder and those the post is shown to",
  staff: "staff",
  nobody: "nobody (internal)",
};

export function dataInventoryMarkdown(): string {
  const lines: string[] = [
    "# Data inventory",
    "",
    "<!-- Generated from src/domain/data-inventory.ts by `npm run docs`. Do not edit by hand. -->",
    "",
    "Every table and column Publius keeps, what it is about a person, why it exists, how long it",
    'lives and who can see it. The "what we hold about you" page and any legal production are',
    "computed from the same inventory. A test compares it with the live schema on SQLite and PostgreSQL.",
    "",
    "## Categories",
    "",
    "| Category | What it covers | Collected? |",
    "| --- | --- | --- |",
    ...CATEGORIES.map(
      (c) =>
        `| ${c.title} (\`${c.id}\`) | ${c.description} | ${c.notCollected ? "**Never: not collected by design**" : "yes"} |`,
    ),
    "",
    "## What is never written anywhere",
    "",
    "- No e-mail address, phone number, postal address or real name is ever asked for; an `email`",
    "  parameter sent by Mastodon apps at sign-up is accepted and discarded.",
    "- No IP address, user agent or device identifier is written to the database, the log, files,",
    "  backups or job payloads. Rate limits key their in-memory buckets by an HMAC of the address under",
    "  a random key that is never written and is replaced every hour.",
    "- No last-seen, last-sign-in or last-used time exists: sessions and tokens keep the day they",
    "  began (and sessions the day they end).",
    "",
    "## Order of rows",
    "",
    "What the order of a table's rows (its keys, and where the database keeps them) can tell about",
    "when they were made. A test checks it on both databases.",
    "",
    "- **unordered**: no order of insertion: the key holds no time (random, or made of other rows'",
    "  keys) and on SQLite the table is `WITHOUT ROWID`, so no hidden rowid keeps the order either.",
    "- **coarse**: the key begins with a time at the granularity this inventory gives (the hour for",
    "  notifications), random within it; `WITHOUT ROWID` on SQLite.",
    "- **public-time**: ordered by a time that is public anyway (a post's id is its time).",
    "- **record**: in the order made, on purpose: staff and legal records that carry their own times.",
    "",
    "On PostgreSQL a table's heap keeps rows roughly in insertion order until it is rewritten, whatever",
    "the key: see `docs/decisions/physical-order.md` for what the operator should run.",
    "",
    "## Tables",
    "",
  ];
  for (const t of DATA_INVENTORY) {
    lines.push(`### \`${t.table}\``, "", t.about, "", `Order: **${t.ordering.kind}** (${t.ordering.key}).`, "");
    if (t.gatedByNotice) {
      lines.push(
        "Shown to the person it names (on their page and in any production about them) only once they have been notified of the demand: a non-disclosure order in force withholds it.",
        "",
      );
    }
    lines.push("| Column | Category | Purpose | Retention | Visible to |", "| --- | --- | --- | --- | --- |");
    for (const [name, col] of Object.entries(t.columns)) {
      lines.push(
        `| \`${name}\` | ${col.category} | ${col.purpose} | ${col.retention} | ${VISIBLE[col.visibleTo] ?? col.visibleTo} |`,
      );
    }
    lines.push("");
  }
  lines.push("## Internal tables", "", "Tables that hold nothing about anyone beyond what the tables above hold:", "");
  for (const i of INTERNAL_TABLES) lines.push(`- \`${i.pattern.source}\`: ${i.why}`);
  lines.push("");
  return lines.join("\n");
}

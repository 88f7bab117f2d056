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
    "## Tables",
    "",
  ];
  for (const t of DATA_INVENTORY) {
    lines.push(`### \`${t.table}\``, "", t.about, "");
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

// The transparency report at the command line:
//   publius report build --period 2026-H2 [--format json|csv] [--out <file>]
// Writes exactly the figures /transparency/<period>.json (or .csv) publishes: the same code builds
// both from the demand records. Figures are public, so no identity is needed.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Config } from "../config/config.ts";
import { createContext } from "../context.ts";
import { PubliusError } from "../domain/errors.ts";
import { TransparencyReports, transparencyCsv } from "../services/legal/transparency.ts";
import { migrate, openStore } from "../store/store.ts";

export const REPORT_HELP = `  publius report build --period 2026-H2 [--format json|csv] [--out <file>]
                                         the transparency report's figures for a period (2026-H1,
                                         2026-Q3 or 2026), as published at /transparency
`;

const USAGE = "Usage: publius report build --period <2026-H2|2026-Q3|2026> [--format json|csv] [--out <file>]";

export async function reportCommand(
  config: Config,
  args: string[],
  out: (s: string) => void,
  clock: { now(): Date } = { now: () => new Date() },
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { period: { type: "string" }, format: { type: "string" }, out: { type: "string" } },
  });
  if (positionals.length !== 1 || positionals[0] !== "build" || !values.period) throw new PubliusError(400, USAGE);
  const format = values.format ?? "json";
  if (format !== "json" && format !== "csv") throw new PubliusError(400, `--format is json or csv (got "${format}").`);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await migrate(store);
    const audit = createContext({ config, store, clock }).services.legal.audit;
    const reports = new TransparencyReports({ db: store.db, clock, config, audit });
    const period = reports.reportable(values.period);
    if (!period) {
      throw new PubliusError(400, `"${values.period}" is not a period that has begun (2026-H1, 2026-Q3 or 2026).`);
    }
    const figures = await reports.build(period);
    const text = format === "json" ? `${JSON.stringify(figures, null, 2)}\n` : transparencyCsv(figures);
    if (values.out) {
      const file = resolve(values.out);
      writeFileSync(file, text);
      out(`Wrote the ${period.id} report (${format}) to ${file}\n`);
    } else {
      out(text);
    }
    return 0;
  } finally {
    await store.close();
  }
}

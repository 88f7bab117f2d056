// Legal settings: the legal-process matrix (a JSON file), where account holders can find legal
// help, the largest demand document accepted, how long a notified person has to respond, and where
// legal documents are to be served (shown on the law-enforcement guidelines page).
import { readFileSync } from "node:fs";
import { DEFAULT_MATRIX, type LegalMatrix, parseMatrix } from "../domain/legal/matrix.ts";

export interface LegalHelp {
  name: string;
  url: string;
}

export interface LegalConfig {
  matrix: LegalMatrix;
  help: LegalHelp[];
  maxDocumentBytes: number;
  /** Days a notified account holder is given to respond before Publius acts. */
  responseDays: number;
  /** Where legal documents are served (free text: postal address, registered agent, portal), or none. */
  serviceAddress: string | undefined;
}

/** Organisations that help people whose data is demanded (U.S.-centred; operators replace them). */
export const DEFAULT_LEGAL_HELP: readonly LegalHelp[] = [
  { name: "Electronic Frontier Foundation — legal assistance", url: "https://www.eff.org/pages/legal-assistance" },
  { name: "American Civil Liberties Union — find your local affiliate", url: "https://www.aclu.org/about/affiliates" },
  { name: "Reporters Committee for Freedom of the Press — legal hotline", url: "https://www.rcfp.org/legal-hotline/" },
];

export interface RawLegalConfig {
  PUBLIUS_LEGAL_MATRIX?: string | undefined;
  PUBLIUS_LEGAL_HELP?: string | undefined;
  PUBLIUS_LEGAL_MAX_DOCUMENT_MB?: string | undefined;
  PUBLIUS_LEGAL_RESPONSE_DAYS?: string | undefined;
  PUBLIUS_LEGAL_SERVICE_ADDRESS?: string | undefined;
}

export function parseLegalConfig(raw: RawLegalConfig, fail: (message: string) => Error): LegalConfig {
  let matrix = DEFAULT_MATRIX;
  if (raw.PUBLIUS_LEGAL_MATRIX) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(raw.PUBLIUS_LEGAL_MATRIX, "utf8"));
    } catch (e) {
      throw fail(`PUBLIUS_LEGAL_MATRIX: cannot read ${raw.PUBLIUS_LEGAL_MATRIX}: ${(e as Error).message}`);
    }
    try {
      matrix = parseMatrix(json);
    } catch (e) {
      throw fail(`PUBLIUS_LEGAL_MATRIX: ${(e as Error).message}`);
    }
  }
  let help = [...DEFAULT_LEGAL_HELP];
  if (raw.PUBLIUS_LEGAL_HELP) {
    let list: unknown;
    try {
      list = JSON.parse(raw.PUBLIUS_LEGAL_HELP);
    } catch {
      throw fail('PUBLIUS_LEGAL_HELP must be JSON: [{"name": "…", "url": "https://…"}, …]');
    }
    if (
      !Array.isArray(list) ||
      !list.every((h) => h && typeof h.name === "string" && typeof h.url === "string" && /^https?:\/\//.test(h.url))
    ) {
      throw fail('PUBLIUS_LEGAL_HELP must be a list of {"name": "…", "url": "https://…"}');
    }
    help = list.map((h: LegalHelp) => ({ name: h.name, url: h.url }));
  }
  const mb = Number(raw.PUBLIUS_LEGAL_MAX_DOCUMENT_MB ?? "20");
  if (!Number.isFinite(mb) || mb <= 0 || mb > 1024) {
    throw fail("PUBLIUS_LEGAL_MAX_DOCUMENT_MB must be a number of megabytes from 0 to 1024");
  }
  const days = Number(raw.PUBLIUS_LEGAL_RESPONSE_DAYS ?? "14");
  if (!Number.isInteger(days) || days < 0 || days > 365) {
    throw fail("PUBLIUS_LEGAL_RESPONSE_DAYS must be a whole number of days from 0 to 365");
  }
  const serviceAddress = raw.PUBLIUS_LEGAL_SERVICE_ADDRESS?.trim() || undefined;
  if (serviceAddress && serviceAddress.length > 2000) {
    throw fail("PUBLIUS_LEGAL_SERVICE_ADDRESS is at most 2000 characters");
  }
  return { matrix, help, maxDocumentBytes: Math.round(mb * 1024 * 1024), responseDays: days, serviceAddress };
}

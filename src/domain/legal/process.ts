// The kinds of legal process a demand can be, named after U.S. practice (see
// docs/legal-process.md). Which data each kind may compel is the matrix's business (matrix.ts).

export type ProcessType =
  | "administrative_summons"
  | "grand_jury_subpoena"
  | "civil_subpoena"
  | "court_order_2703d"
  | "search_warrant"
  | "emergency_request"
  | "preservation_request"
  | "nondisclosure_order"
  | "foreign_request"
  | "content_removal";

export interface ProcessInfo {
  id: ProcessType;
  title: string;
  /** "a" or "an", for sentences such as "a summons cannot compel …". */
  article: "a" | "an";
}

export const PROCESS_TYPES: readonly ProcessInfo[] = [
  { id: "administrative_summons", title: "administrative summons", article: "an" },
  { id: "grand_jury_subpoena", title: "grand-jury or trial subpoena", article: "a" },
  { id: "civil_subpoena", title: "civil subpoena", article: "a" },
  { id: "court_order_2703d", title: "court order for records (18 U.S.C. § 2703(d))", article: "a" },
  { id: "search_warrant", title: "search warrant", article: "a" },
  { id: "emergency_request", title: "emergency disclosure request", article: "an" },
  { id: "preservation_request", title: "preservation request (18 U.S.C. § 2703(f))", article: "a" },
  { id: "nondisclosure_order", title: "non-disclosure order", article: "a" },
  { id: "foreign_request", title: "foreign request", article: "a" },
  { id: "content_removal", title: "content-removal demand", article: "a" },
];

export function isProcessType(value: unknown): value is ProcessType {
  return typeof value === "string" && PROCESS_TYPES.some((p) => p.id === value);
}

export function processInfo(id: ProcessType): ProcessInfo {
  return PROCESS_TYPES.find((p) => p.id === id) as ProcessInfo;
}

/** "An administrative summons", "A search warrant". */
export function processWithArticle(id: ProcessType, capital = false): string {
  const p = processInfo(id);
  const article = capital ? p.article.toUpperCase().slice(0, 1) + p.article.slice(1) : p.article;
  return `${article} ${p.title}`;
}

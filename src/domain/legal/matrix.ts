// The legal-process matrix: which kind of process can compel which data. The default follows the
// U.S. Stored Communications Act as large platforms apply it:
//   - 18 U.S.C. § 2703(c)(2): a subpoena or administrative summons reaches basic subscriber records
//     (name, address, session times, length of service, subscriber number or identity, network
//     address, means of payment);
//   - § 2703(d): a court order on "specific and articulable facts" reaches other non-content records;
//   - § 2703(a)-(b) and practice since United States v. Warshak (6th Cir. 2010): content needs a warrant;
//   - § 2702(b)(8), (c)(4): in an emergency a provider MAY disclose voluntarily, on a good-faith belief;
//   - § 2702(a): no civil subpoena reaches content.
// Operators may replace it (PUBLIUS_LEGAL_MATRIX, a JSON file). Nothing here is a legal
// conclusion beyond the table itself: the review screen shows what it says and counsel decides.
import { categoryInfo } from "../data-inventory.ts";
import type { DemandCategory } from "./categories.ts";
import { DEMAND_CATEGORIES } from "./categories.ts";
import { isProcessType, PROCESS_TYPES, type ProcessType, processWithArticle } from "./process.ts";

export type Tier = "public" | "basic_subscriber" | "non_content" | "content";
export const TIERS: readonly Tier[] = ["public", "basic_subscriber", "non_content", "content"];

export const TIER_TITLES: Record<Tier, string> = {
  public: "public information",
  basic_subscriber: "basic subscriber records (18 U.S.C. § 2703(c)(2))",
  non_content: "other non-content records",
  content: "content",
};

export interface ProcessRule {
  /** Tiers this process can compel. */
  compels: readonly Tier[];
  /** True when nothing is compelled but the provider may disclose voluntarily (emergencies). */
  voluntary?: boolean;
}

export interface LegalMatrix {
  tiers: Readonly<Record<DemandCategory, Tier>>;
  processes: Readonly<Record<ProcessType, ProcessRule>>;
}

const BASIC: Tier[] = ["public", "basic_subscriber"];

export const DEFAULT_MATRIX: LegalMatrix = {
  tiers: {
    public_profile: "public",
    public_content: "public",
    account_login: "basic_subscriber",
    contact: "basic_subscriber",
    network: "basic_subscriber",
    sessions: "basic_subscriber",
    account_timestamps: "basic_subscriber",
    social_graph: "non_content",
    activity: "non_content",
    moderation: "non_content",
    legal: "non_content",
    nonpublic_content: "content",
    media: "content",
  },
  processes: {
    administrative_summons: { compels: BASIC },
    grand_jury_subpoena: { compels: BASIC },
    civil_subpoena: { compels: BASIC },
    court_order_2703d: { compels: [...BASIC, "non_content"] },
    search_warrant: { compels: [...BASIC, "non_content", "content"] },
    emergency_request: { compels: [], voluntary: true },
    preservation_request: { compels: [] },
    nondisclosure_order: { compels: [] },
    foreign_request: { compels: [] },
    content_removal: { compels: [] },
  },
};

export interface CategoryAssessment {
  category: DemandCategory;
  tier: Tier;
  /** The process can compel this category. */
  compellable: boolean;
  /** Not compelled, but the provider may disclose it voluntarily (emergency, good faith). */
  voluntary: boolean;
  /** Why the process falls short, in a sentence ("An administrative summons cannot compel …"). */
  flag: string | undefined;
}

export interface Assessment {
  categories: CategoryAssessment[];
  /** True when the demand asks for anything its process cannot compel. */
  overbroad: boolean;
  summary: string;
}

/** Which processes in the matrix can compel a tier ("a search warrant"). */
function whoCan(matrix: LegalMatrix, tier: Tier): string[] {
  return PROCESS_TYPES.filter((p) => matrix.processes[p.id].compels.includes(tier)).map((p) =>
    processWithArticle(p.id),
  );
}

export function assess(matrix: LegalMatrix, process: ProcessType, categories: readonly DemandCategory[]): Assessment {
  const rule = matrix.processes[process];
  const out: CategoryAssessment[] = categories.map((category) => {
    const tier = matrix.tiers[category];
    const compellable = rule.compels.includes(tier);
    const voluntary = !compellable && rule.voluntary === true;
    const title = (categoryInfo(category)?.title ?? category).toLowerCase();
    let flag: string | undefined;
    if (voluntary) {
      flag = `${processWithArticle(process, true)} compels nothing: ${title} may be disclosed only voluntarily, the narrowest data, with a good-faith statement recorded (18 U.S.C. § 2702(b)(8), (c)(4)).`;
    } else if (!compellable) {
      const can = whoCan(matrix, tier);
      flag = `${processWithArticle(process, true)} cannot compel ${title} (${TIER_TITLES[tier]})${can.length ? `; that takes ${joinOr(can)}` : ""}.`;
    }
    return { category, tier, compellable, voluntary, flag };
  });
  const beyond = out.filter((c) => !c.compellable && !c.voluntary);
  const overbroad = beyond.length > 0;
  let summary: string;
  if (overbroad) {
    summary = `Overbroad: ${processWithArticle(process)} cannot compel ${beyond.length} of the ${out.length} requested ${out.length === 1 ? "category" : "categories"}. Object to ${beyond.length === 1 ? "it" : "them"} or narrow the demand.`;
  } else if (out.some((c) => c.voluntary)) {
    summary =
      "Nothing is compelled: any disclosure is voluntary, limited to the narrowest data, with a good-faith statement.";
  } else {
    summary = `Within the matrix: ${processWithArticle(process)} can compel every requested category. The unmasking gate and counsel's review still apply.`;
  }
  return { categories: out, overbroad, summary };
}

function joinOr(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items[items.length - 1]}`;
}

/**
 * Reads a matrix from JSON: `{"tiers": {category: tier}, "processes": {process: {"compels": [tier],
 * "voluntary": bool}}}`; what it leaves out keeps the default. Throws with a readable message.
 */
export function parseMatrix(json: unknown): LegalMatrix {
  if (!json || typeof json !== "object" || Array.isArray(json)) throw new Error("the matrix must be a JSON object");
  const raw = json as { tiers?: unknown; processes?: unknown };
  const tiers: Record<string, Tier> = { ...DEFAULT_MATRIX.tiers };
  const processes: Record<string, ProcessRule> = { ...DEFAULT_MATRIX.processes };
  for (const key of Object.keys(raw)) {
    if (key !== "tiers" && key !== "processes") throw new Error(`unknown key "${key}" (tiers, processes)`);
  }
  if (raw.tiers !== undefined) {
    if (!raw.tiers || typeof raw.tiers !== "object") throw new Error("tiers must be an object");
    for (const [category, tier] of Object.entries(raw.tiers)) {
      if (!(DEMAND_CATEGORIES as readonly string[]).includes(category))
        throw new Error(`unknown category "${category}"`);
      if (!TIERS.includes(tier as Tier))
        throw new Error(`tiers.${category}: "${String(tier)}" is not one of ${TIERS.join(", ")}`);
      tiers[category] = tier as Tier;
    }
  }
  if (raw.processes !== undefined) {
    if (!raw.processes || typeof raw.processes !== "object") throw new Error("processes must be an object");
    for (const [process, rule] of Object.entries(raw.processes)) {
      if (!isProcessType(process)) throw new Error(`unknown process type "${process}"`);
      const r = rule as { compels?: unknown; voluntary?: unknown };
      if (!r || typeof r !== "object" || !Array.isArray(r.compels)) {
        throw new Error(`processes.${process}.compels must be a list of tiers`);
      }
      for (const tier of r.compels) {
        if (!TIERS.includes(tier)) throw new Error(`processes.${process}.compels: "${String(tier)}" is not a tier`);
      }
      if (r.voluntary !== undefined && typeof r.voluntary !== "boolean") {
        throw new Error(`processes.${process}.voluntary must be true or false`);
      }
      processes[process] = { compels: r.compels as Tier[], ...(r.voluntary ? { voluntary: true } : {}) };
    }
  }
  return { tiers: tiers as LegalMatrix["tiers"], processes: processes as LegalMatrix["processes"] };
}

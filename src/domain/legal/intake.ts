// A demand as staff record it, from the console form or a JSON file (`publius demand add`), checked
// field by field. The JSON schema is documented in docs/legal-process.md; every problem is reported
// at once under the field's path ("targets[1]", "nondisclosure_order.end_date"), and nothing is
// written unless the whole demand is sound.
import { type DemandCategory, isDemandCategory } from "./categories.ts";
import { isProcessType, type ProcessType } from "./process.ts";

export interface NondisclosureOrderInput {
  court: string;
  docket: string;
  /** The last day the order forbids notice (YYYY-MM-DD); null when the order states no end. */
  endDay: string | null;
}

export interface DemandInput {
  process: ProcessType;
  agency: string;
  /** ISO 3166-1 alpha-2 country of the issuing agency. */
  country: string;
  requester: string;
  requesterContact: string;
  authority: string;
  reference: string;
  receivedDay: string;
  dueDay: string | null;
  /** Handles exactly as the demand names them (a leading @ removed); unknown ones are kept. */
  targets: string[];
  verbatim: string;
  categories: DemandCategory[];
  secrecyRequested: boolean;
  nondisclosureOrder: NondisclosureOrderInput | null;
  goodFaithStatement: string | null;
  /** The document's path as the JSON file gives it (relative to the file); the form uploads instead. */
  documentPath: string | null;
}

export type FieldErrors = Record<string, string>;

const TOP_KEYS = [
  "process",
  "agency",
  "country",
  "requester",
  "authority",
  "reference",
  "received",
  "due",
  "targets",
  "requested",
  "document",
  "secrecy_requested",
  "nondisclosure_order",
  "good_faith_statement",
];

export const MAX_TARGETS = 100;

export function isDay(value: unknown): value is string {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** Parses and checks a demand; returns the input or every field's problem. */
export function parseDemand(raw: unknown): { ok: true; value: DemandInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    return { ok: false, errors: { "": "The demand must be a JSON object." } };
  }
  const o = raw as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!TOP_KEYS.includes(key)) errors[key] = `Unknown field "${key}". The fields are: ${TOP_KEYS.join(", ")}.`;
  }

  const text = (path: string, value: unknown, options: { required?: boolean; max: number }): string => {
    if (value === undefined || value === null || value === "") {
      if (options.required) errors[path] = "Required.";
      return "";
    }
    if (typeof value !== "string") {
      errors[path] = "Must be text.";
      return "";
    }
    const v = value.trim();
    if (options.required && v === "") errors[path] = "Required.";
    else if (v.length > options.max) errors[path] = `At most ${options.max.toLocaleString("en")} characters.`;
    else if (v.includes("\0")) errors[path] = "Must not contain a NUL character.";
    return v;
  };

  let process: ProcessType = "administrative_summons";
  if (o.process === undefined || o.process === "") errors.process = "Required.";
  else if (!isProcessType(o.process)) {
    errors.process =
      "Not a known process type: administrative_summons, grand_jury_subpoena, civil_subpoena, court_order_2703d, search_warrant, emergency_request, preservation_request, nondisclosure_order, foreign_request or content_removal.";
  } else process = o.process;

  const agency = text("agency", o.agency, { required: true, max: 300 });
  let country = text("country", o.country, { required: true, max: 100 });
  if (country && !/^[A-Za-z]{2}$/.test(country)) errors.country = "A two-letter country code (ISO 3166-1), e.g. US.";
  country = country.toUpperCase();

  let requester = "";
  let requesterContact = "";
  if (o.requester === undefined || o.requester === null) errors["requester.name"] = "Required.";
  else if (typeof o.requester !== "object" || Array.isArray(o.requester)) {
    errors.requester = 'Must be an object: {"name": "…", "contact": "…"}.';
  } else {
    const r = o.requester as Record<string, unknown>;
    for (const key of Object.keys(r)) {
      if (key !== "name" && key !== "contact") errors[`requester.${key}`] = `Unknown field "${key}" (name, contact).`;
    }
    requester = text("requester.name", r.name, { required: true, max: 300 });
    requesterContact = text("requester.contact", r.contact, { max: 1000 });
  }

  const authority = text("authority", o.authority, { required: true, max: 1000 });
  const reference = text("reference", o.reference, { max: 300 });

  let receivedDay = "";
  if (o.received === undefined || o.received === "" || o.received === null) errors.received = "Required.";
  else if (!isDay(o.received)) errors.received = "A date as YYYY-MM-DD.";
  else receivedDay = o.received;
  let dueDay: string | null = null;
  if (o.due !== undefined && o.due !== null && o.due !== "") {
    if (!isDay(o.due)) errors.due = "A date as YYYY-MM-DD, or null.";
    else dueDay = o.due;
  }

  const targets: string[] = [];
  if (!Array.isArray(o.targets)) {
    errors.targets = o.targets === undefined ? "Required: the handles the demand names." : "Must be a list of handles.";
  } else if (o.targets.length === 0) {
    errors.targets = "Name at least one account.";
  } else if (o.targets.length > MAX_TARGETS) {
    errors.targets = `At most ${MAX_TARGETS} accounts per demand; record the rest as a second demand.`;
  } else {
    const seen = new Set<string>();
    o.targets.forEach((t, i) => {
      if (typeof t !== "string" || t.trim().replace(/^@/, "").trim() === "") {
        errors[`targets[${i}]`] = "Must be a handle, e.g. @ALT_USCIS.";
        return;
      }
      // As written (minus one leading @), so an unknown or malformed handle is reported, not lost.
      const handle = t.trim().replace(/^@/, "");
      if (handle.length > 300) {
        errors[`targets[${i}]`] = "At most 300 characters.";
        return;
      }
      if (seen.has(handle.toLowerCase())) {
        errors[`targets[${i}]`] = `@${handle} is named twice.`;
        return;
      }
      seen.add(handle.toLowerCase());
      targets.push(handle);
    });
  }

  let verbatim = "";
  const categories: DemandCategory[] = [];
  if (o.requested === undefined || o.requested === null) {
    errors["requested.verbatim"] = "Required: the data requested, word for word.";
    errors["requested.categories"] = "Required: the categories the request maps to.";
  } else if (typeof o.requested !== "object" || Array.isArray(o.requested)) {
    errors.requested = 'Must be an object: {"verbatim": "…", "categories": […]}.';
  } else {
    const r = o.requested as Record<string, unknown>;
    for (const key of Object.keys(r)) {
      if (key !== "verbatim" && key !== "categories") {
        errors[`requested.${key}`] = `Unknown field "${key}" (verbatim, categories).`;
      }
    }
    verbatim = text("requested.verbatim", r.verbatim, { required: true, max: 20_000 });
    if (!Array.isArray(r.categories) || r.categories.length === 0) {
      errors["requested.categories"] = "Map the request to at least one category.";
    } else {
      r.categories.forEach((c, i) => {
        if (!isDemandCategory(c)) errors[`requested.categories[${i}]`] = `"${String(c)}" is not a data category.`;
        else if (!categories.includes(c)) categories.push(c);
      });
    }
  }

  let secrecyRequested = false;
  if (o.secrecy_requested !== undefined && o.secrecy_requested !== null) {
    if (typeof o.secrecy_requested !== "boolean") errors.secrecy_requested = "Must be true or false.";
    else secrecyRequested = o.secrecy_requested;
  }

  let nondisclosureOrder: NondisclosureOrderInput | null = null;
  if (o.nondisclosure_order !== undefined && o.nondisclosure_order !== null) {
    const n = o.nondisclosure_order as Record<string, unknown>;
    if (typeof n !== "object" || Array.isArray(n)) {
      errors.nondisclosure_order =
        'Must be an object: {"court": "…", "docket": "…", "end_date": "YYYY-MM-DD" or null}.';
    } else {
      for (const key of Object.keys(n)) {
        if (!["court", "docket", "end_date"].includes(key)) {
          errors[`nondisclosure_order.${key}`] = `Unknown field "${key}" (court, docket, end_date).`;
        }
      }
      const court = text("nondisclosure_order.court", n.court, { required: true, max: 300 });
      const docket = text("nondisclosure_order.docket", n.docket, { required: true, max: 300 });
      let endDay: string | null = null;
      if (n.end_date !== undefined && n.end_date !== null && n.end_date !== "") {
        if (!isDay(n.end_date)) errors["nondisclosure_order.end_date"] = "A date as YYYY-MM-DD, or null.";
        else endDay = n.end_date;
      }
      nondisclosureOrder = { court, docket, endDay };
    }
  }

  const goodFaith = text("good_faith_statement", o.good_faith_statement, { max: 10_000 });
  if (process === "emergency_request" && !goodFaith) {
    errors.good_faith_statement =
      "An emergency request needs the good-faith statement: who is at risk of death or serious physical injury, the nature of the emergency, and why this data is needed.";
  }

  let documentPath: string | null = null;
  if (o.document !== undefined && o.document !== null && o.document !== "") {
    if (typeof o.document !== "string") errors.document = "The document's file name, relative to this file.";
    else documentPath = o.document;
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      process,
      agency,
      country,
      requester,
      requesterContact,
      authority,
      reference,
      receivedDay,
      dueDay,
      targets,
      verbatim,
      categories,
      secrecyRequested,
      nondisclosureOrder,
      goodFaithStatement: goodFaith || null,
      documentPath,
    },
  };
}

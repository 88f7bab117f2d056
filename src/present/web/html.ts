// The template layer: `html` escapes every interpolated value unless it is already SafeHtml, so a
// user-supplied string can only reach a page escaped.
import { escapeHtml } from "../../domain/text.ts";

export class SafeHtml {
  readonly value: string;
  constructor(value: string) {
    this.value = value;
  }
  toString(): string {
    return this.value;
  }
}

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false || value === true) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i] as Interpolation) + (strings[i + 1] ?? "");
  return new SafeHtml(out);
}

/**
 * Marks HTML as safe. Only for markup Publius generated itself (post content rendered by
 * domain/text.ts, which escapes everything the author typed).
 */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

export type { Interpolation };

// Pieces shared by the legal console's pages.
import { categoryInfo, type DataCategory } from "../../domain/data-inventory.ts";
import { type ProcessType, processInfo } from "../../domain/legal/process.ts";
import { type DemandState, STATE_TITLES } from "../../domain/legal/states.ts";
import { html, type SafeHtml } from "../web/html.ts";
import { csrfField, type PageContext } from "../web/page.ts";

export function legalTabs(current: string): SafeHtml {
  const tab = (href: string, label: string) =>
    html`<a href="${href}"${current === href ? html` aria-current="page"` : ""}>${label}</a>`;
  return html`<nav class="tabs" aria-label="Legal console">${tab("/staff/legal", "Open demands")} ${tab("/staff/legal/demands", "All demands")} ${tab("/staff/legal/demands/new", "Record a demand")} ${tab("/staff/legal/audit", "Audit log")} ${tab("/staff/legal/canary", "Warrant canary")}</nav>`;
}

export function stateBadge(state: DemandState): SafeHtml {
  return html`<span class="badge">${STATE_TITLES[state]}</span>`;
}

export function processTitle(process: string): string {
  const p = processInfo(process as ProcessType);
  return p ? p.title.slice(0, 1).toUpperCase() + p.title.slice(1) : process;
}

export function categoryTitle(id: string): string {
  return categoryInfo(id as DataCategory)?.title ?? id;
}

/** A small form that posts one action with a required reason. */
export function reasonForm(
  pc: PageContext,
  action: string,
  label: string,
  options: { field?: string; hidden?: SafeHtml; danger?: boolean; multiline?: boolean; hint?: string } = {},
): SafeHtml {
  const name = options.field ?? "reason";
  const id = `f-${action.replace(/[^a-z0-9]/gi, "-")}`;
  return html`<form method="post" action="${action}" class="staff-action">
  ${csrfField(pc)}${options.hidden ?? ""}
  <label for="${id}">${label}</label>
  ${options.hint ? html`<p class="hint">${options.hint}</p>` : ""}
  ${options.multiline ? html`<textarea id="${id}" name="${name}" required rows="3" maxlength="10000"></textarea>` : html`<input id="${id}" name="${name}" required maxlength="10000">`}
  <button type="submit"${options.danger ? html` class="danger"` : ""}>${label}</button>
</form>`;
}

export function shortHash(hash: string): string {
  return `${hash.slice(0, 16)}…`;
}

/**
 * Numbered sub-items of a case (50/18 NR. 1–4): the per-item vedtak on `endorse`/`note`, and
 * citations of a sub-item ("50/18 NR. 2", "NUFA 12/19 NR. 1") in a later paper's `meetsFollowUps`,
 * resolved against the numbered cases (the catalogue) and the cited paper's items. Pure but for
 * the lookups handed in. Labels are kept as written; a citation matches a label whatever its case
 * and spacing ("50/18 NR. 1" cites the item written "Nr. 1").
 */
import type { CasePaper, ItemResolution } from '../events.js';
import { ValidationFailed, type FieldError } from '../application/errors.js';

export interface Citation {
  /** The cited case's committee; null: the citing case's own. */
  committee: string | null;
  /** "50/18" */
  number: string;
  /** "NR. 2" */
  label: string;
}

const CITATION = /^\s*(?:([A-ZÆØÅ][A-ZÆØÅ0-9-]*)\s+)?([1-9]\d{0,5}\/\d{2})\s+(\S.*?)\s*$/u;

export function parseCitation(s: string): Citation | null {
  const m = CITATION.exec(s);
  return m ? { committee: m[1] ?? null, number: m[2]!, label: m[3]! } : null;
}

const norm = (label: string): string => label.replace(/\s+/g, ' ').trim().toLocaleUpperCase('nb');
export const sameLabel = (a: string, b: string): boolean => norm(a) === norm(b);

/** Text a register search matches a sub-item by: "50/18 NR. 2" (normalised like a label). */
export const citationText = (number: string, label: string): string => `${number} ${norm(label)}`.toLocaleLowerCase('nb');

/** For the 400 on an unknown `meetsFollowUps` entry that reads as a citation. */
export function citationHint(id: string): string {
  return parseCitation(id) ? ' (read as a sub-item citation: no numbered case of that committee has that sub-item)' : '';
}

/** `endorse`/`note` `items`: each label one of the paper's sub-items (400 naming every other); labels as on the paper. */
export function itemsField(body: Record<string, unknown>, paper: CasePaper): { items?: ItemResolution[] } {
  const given = body.items as ItemResolution[] | undefined;
  if (!given || given.length === 0) return {};
  const errors: FieldError[] = [];
  const items: ItemResolution[] = [];
  given.forEach((g, i) => {
    const own = (paper.items ?? []).find((p) => sameLabel(p.label, g.label));
    if (!own) errors.push({ field: `items[${i}].label`, message: `the case has no sub-item ${g.label}` + ((paper.items ?? []).length ? ` (it has ${paper.items!.map((p) => p.label).join(', ')})` : ' (it has none)') });
    else items.push({ label: own.label, resolution: g.resolution });
  });
  if (errors.length) throw new ValidationFailed(errors);
  return { items };
}

export interface ResolvedCitation {
  citation: string;
  caseId: string;
  committee: string;
  number: string;
  /** The label as the cited paper writes it. */
  label: string;
  title: string;
}

/**
 * The citations among `entries` that resolve: a numbered case of the committee named (else
 * `committee`) whose paper has that sub-item. `caseByNumber` looks a number up (the catalogue),
 * `paperOf` loads the cited case's paper.
 */
export async function resolveCitations(
  entries: readonly string[] | undefined,
  committee: string,
  caseByNumber: (committee: string, number: string) => string | undefined,
  paperOf: (caseId: string) => Promise<CasePaper>,
): Promise<ResolvedCitation[]> {
  const out: ResolvedCitation[] = [];
  for (const citation of entries ?? []) {
    const c = parseCitation(citation);
    if (!c) continue;
    const cited = c.committee ?? committee;
    const caseId = caseByNumber(cited, c.number);
    if (!caseId) continue;
    const item = ((await paperOf(caseId)).items ?? []).find((p) => sameLabel(p.label, c.label));
    if (item) out.push({ citation, caseId, committee: cited, number: c.number, label: item.label, title: item.title });
  }
  return out;
}

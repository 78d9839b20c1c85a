/** Numbered sub-items (50/18 NR. 1–4) as the minutes, the notice and the register show them. */
import type { CaseDoc } from './common.js';

/** A sub-item as the minutes and the notice show it. */
export interface MinutesItem {
  label: string;
  title: string;
  proposedResolution?: string;
  resolution?: string;
}

/** The paper's sub-items with the per-item vedtak (none: undefined). */
export function itemsOf(c: CaseDoc): MinutesItem[] | undefined {
  const items = c.paper.items ?? [];
  if (!items.length) return undefined;
  const decided = c.decision?.items ?? [];
  return items.map((it) => {
    const r = decided.find((d) => d.label === it.label)?.resolution;
    return { label: it.label, title: it.title, ...(it.proposedResolution !== undefined ? { proposedResolution: it.proposedResolution } : {}), ...(r !== undefined ? { resolution: r } : {}) };
  });
}

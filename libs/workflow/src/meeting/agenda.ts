/**
 * Agenda order (fast rekkefølge), the one copy: standard approvals first (notice, then minutes),
 * then the other cases in the order they were scheduled, Eventuelt last. The projections and the
 * archive order with `agendaOrder` / `agendaRank`; the meeting record keeps its agenda in this
 * order already (before notice by rank on insertion, after notice in the notice's order).
 */
import type { StandardItem } from '../events.js';

export const STANDARD_RANK: Readonly<Record<StandardItem, number>> = { 'notice-approval': 0, 'minutes-approval': 1, 'any-other-business': 3 };
/** The rank of an ordinary case (no standard item). */
export const ORDINARY_RANK = 2;

export function agendaRank(standardItem: StandardItem | null | undefined): number {
  return standardItem ? STANDARD_RANK[standardItem] : ORDINARY_RANK;
}

/** A stable sort by rank: entries of one rank keep their order. */
export function agendaOrder<E extends { standardItem?: StandardItem | null }>(agenda: readonly E[]): E[] {
  return agenda
    .map((e, i) => ({ e, i }))
    .sort((a, b) => agendaRank(a.e.standardItem) - agendaRank(b.e.standardItem) || a.i - b.i)
    .map(({ e }) => e);
}

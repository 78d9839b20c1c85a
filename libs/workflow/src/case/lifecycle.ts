/**
 * The case's statuses and where each fact takes it: the one table both the case machine (its
 * state nodes and transition targets) and `evolveCase` (the status after a fact) are built from.
 *
 * In this domain a fact decides the status it leads to, whatever status it comes from
 * (`CasePostponed` → draft from scheduled and from discussion alike), so the targets are one map
 * per event type. A fact absent from `CASE_TARGETS` leaves the status as it is. Which facts the
 * machine accepts in which status, and under which conditions, is the machine's (case.machine.ts).
 */
import type { CaseEvent } from '../events.js';

export const CASE_STATES = ['draft', 'scheduled', 'discussion', 'endorsement', 'orientation', 'withdrawn'] as const;
export type CaseStatus = (typeof CASE_STATES)[number];

export const CASE_TARGETS: { readonly [T in CaseEvent['type']]?: CaseStatus } = {
  CaseDrafted: 'draft',
  CaseScheduled: 'scheduled',
  CaseUnscheduled: 'draft',
  CasePresented: 'discussion',
  ResolutionEndorsed: 'endorsement',
  CaseNoted: 'orientation',
  CasePostponed: 'draft',
  CaseWithdrawn: 'withdrawn',
  WrittenProcedureOpened: 'discussion',
};

/** The status a case starts in (from `CaseDrafted`). */
export const CASE_INITIAL: CaseStatus = CASE_TARGETS.CaseDrafted!;

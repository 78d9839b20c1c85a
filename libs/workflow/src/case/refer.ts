/**
 * Referral (oversendelse) that carries the decision: what the referred case takes with it from
 * the case that referred it (its vedtak, conditions, input points, dissent, and its sub-items with
 * their vedtak), and referral from `discussion` (before a decision: sent back or
 * onward, with a reason). Pure; `decideCaseCommand` (decide.ts) dispatches here.
 *
 * From `discussion` the referring case leaves the meeting as a postponed case does (back to
 * draft, its history kept, its number lost, off the agenda), so the meeting can adjourn and the
 * case can come back when the other committee has answered: the command records `CaseReferred`
 * (with the reason) and then `CasePostponed` (reason "Oversendt til {committee}: {reason}").
 */
import type { CaseReferred, CasePostponed, ReferralCarried } from '../events.js';
import type { CaseRecord } from './state.js';
import { ValidationFailed } from '../application/errors.js';

/** The `referral` block of the case `refer` opens. */
export function referralCarried(c: CaseRecord, reason?: string): ReferralCarried {
  const d = c.decision;
  return {
    fromCaseId: c.caseId,
    committee: c.committee,
    number: c.number ?? c.lastNumber,
    ...(d ? { resolution: d.resolution } : {}),
    ...(d?.conditions != null ? { conditions: d.conditions } : {}),
    ...(d && d.input.length ? { input: [...d.input] } : {}),
    ...(d && d.dissent.length ? { dissent: d.dissent.map((x) => ({ ...x })) } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(c.paper.items?.length ? { items: c.paper.items.map((it) => itemCarried(it.label, it.title, d?.items.find((x) => x.label === it.label)?.resolution)) } : {}),
  };
}

const itemCarried = (label: string, title: string, resolution: string | undefined) => ({ label, title, ...(resolution !== undefined ? { resolution } : {}) });

/** Referring from discussion needs a reason (400 otherwise). */
export function requireReferralReason(fromDiscussion: boolean, reason: unknown): void {
  if (fromDiscussion && (typeof reason !== 'string' || reason.trim() === ''))
    throw new ValidationFailed([{ field: 'reason', message: 'is required when a case is referred before a decision (from discussion)' }]);
}

/** The postponement that takes a case referred from discussion off its meeting. */
export function leavesMeeting(referred: CaseReferred['data'], meetingId: string): { type: 'CasePostponed'; data: CasePostponed['data'] } {
  return { type: 'CasePostponed', data: { v: 1, meetingId, reason: `Oversendt til ${referred.toCommittee}: ${referred.reason ?? ''}`.trim() } };
}

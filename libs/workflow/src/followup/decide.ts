/**
 * Follow-ups (oppfølging): the promise as `record-discussion` writes it, and `close` (the
 * secretariat of its committee; the api's guard asks `may`): a follow-up closed by hand, with a
 * reason, when no case will meet it. Closing one that is closed already, or met by a case, is 409.
 */
import { followUpStream, type PromisedFollowUp } from '../events.js';
import { InvalidCommand, NotFound } from '../application/errors.js';
import type { CloseFollowUpBody, FollowUpInput } from '../application/types.js';
import { checkIfMatch, expectRevision, single, type WritePlan } from '../core/plan.js';
import type { FollowUpRecord } from './state.js';

/** A `record-discussion` follow-up (text, or `{ text, owner?, due? }`) as the event keeps it. */
export function promisedFollowUp(id: string, f: string | FollowUpInput): PromisedFollowUp {
  if (typeof f === 'string') return { id, text: f };
  return { id, text: f.text, ...(f.owner !== undefined ? { owner: f.owner } : {}), ...(f.due !== undefined ? { due: f.due } : {}) };
}

export interface CloseFollowUpGiven {
  /** Where it was promised (the catalogue); undefined: no such follow-up. */
  promised?: { caseId: string; committee: string; text: string };
  record: FollowUpRecord;
  revision: bigint;
  /** The case that met it (endorsed or noted naming it in `meetsFollowUps`), if any. */
  metBy?: { caseId: string; number: string | null };
}

export function decideCloseFollowUp(when: { followUpId: string; body: CloseFollowUpBody; ifMatch?: bigint }, given: CloseFollowUpGiven): WritePlan {
  const { followUpId } = when;
  const p = given.promised;
  if (!p) throw new NotFound('follow-up', followUpId);
  const stream = followUpStream(followUpId);
  checkIfMatch(stream, when.ifMatch, given.revision);
  const closed = given.record.closed;
  if (closed) throw new InvalidCommand(`follow-up "${p.text}" is closed already (${closed.reason})`, [], { caseIds: [p.caseId] });
  if (given.metBy)
    throw new InvalidCommand(`follow-up "${p.text}" was met by case ${given.metBy.number ?? given.metBy.caseId}`, [], { caseIds: [given.metBy.caseId] });
  return single(
    stream,
    expectRevision(given.revision),
    { type: 'FollowUpClosed', data: { v: 1, followUpId, caseId: p.caseId, committee: p.committee, reason: when.body.reason } },
    { id: followUpId, state: 'closed', revision: given.revision + 1n, committee: p.committee, caseId: p.caseId },
  );
}

/**
 * Written procedure (skriftlig behandling) between meetings: the secretariat opens it on a draft
 * case (the committee's next number at once, state `discussion`), each member answers with their
 * own token until the deadline (a later answer replaces theirs), and the secretariat concludes it
 * with `endorse`/`note` without a meeting; the answers then are part of the decision. Pure.
 */
import { caseStream, numberingStream, type WrittenProcedureAnswered, type WrittenProcedureOutcome } from '../events.js';
import { caseState, decideCase, type CaseMachineEvent, type CaseSnapshot } from '../machines/case.machine.js';
import { InvalidCommand, ValidationFailed } from '../application/errors.js';
import type { WrittenAnswerBody } from '../application/types.js';
import type { Actor } from '../machines/guard-input.js';
import type { Folded, LoadedNumbering, OwnMeeting } from '../core/load.js';
import { checkIfMatch, expectRevision, single, type WritePlan } from '../core/plan.js';
import { assignCaseNumbers } from '../numbering/numbers.js';
import type { CaseRecord } from './state.js';
import type { Seat } from './vote.js';
import { caseRefused, label } from './decide.js';
import { memberOf } from '../access/policy.js';

/** YYYY-MM-DD of an instant in Norwegian time. */
export function osloDate(iso: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));
}

/** Whether answers are still taken at `now`: through the deadline day (Norwegian time), or up to the deadline time. */
export function beforeDeadline(deadline: string, now: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(deadline) ? osloDate(now) <= deadline : Date.parse(now) <= Date.parse(deadline);
}

/** The year a written procedure opened at `now` is numbered in. */
export const procedureYear = (now: string): number => Number(osloDate(now).slice(0, 4));

export function decideOpenWrittenProcedure(
  when: { caseId: string; deadline: string; now: string; ifMatch?: bigint; actor?: Actor },
  given: { case: Folded<CaseSnapshot>; numbering: LoadedNumbering; own?: OwnMeeting },
): WritePlan {
  const k = given.case;
  const stream = caseStream(when.caseId);
  const probe: CaseMachineEvent = { type: 'WrittenProcedureOpened', data: { v: 1, deadline: when.deadline, number: '' }, guard: { actor: when.actor } };
  if (decideCase(k.snapshot, probe) && !beforeDeadline(when.deadline, when.now))
    throw new ValidationFailed([{ field: 'deadline', message: `${when.deadline} has passed already` }]);
  checkIfMatch(stream, when.ifMatch, k.revision);
  const assigned = { ...assignCaseNumbers(given.numbering.state, '', [when.caseId]), writtenProcedure: true as const };
  const ev: CaseMachineEvent = { type: 'WrittenProcedureOpened', data: { v: 1, deadline: when.deadline, number: assigned.numbers[0]!.number }, guard: { actor: when.actor } };
  const next = decideCase(k.snapshot, ev);
  if (!next) throw caseRefused('written-procedure', k.snapshot, when.actor, given.own);
  const c = k.snapshot.context;
  return {
    writes: [
      { stream: numberingStream(c.committee, given.numbering.state.year), expectedRevision: expectRevision(given.numbering.revision), events: [{ type: 'CaseNumbersAssigned', data: assigned }] },
      { stream, expectedRevision: k.revision, events: [{ type: ev.type, data: ev.data }] },
    ],
    root: stream,
    answer: { id: when.caseId, state: caseState(next), revision: k.revision + 1n, number: ev.data.number, deadline: when.deadline },
  };
}

/** The committee member answering: the seat the caller's identity holds (`memberOf`), a chair or member. */
function answeringMember(actor: Actor | undefined, members: ReadonlyMap<string, Seat>): Seat | undefined {
  const m = memberOf(actor, members.values());
  return m && (m.role === 'chair' || m.role === 'member') ? m : undefined;
}

export function decideAnswerWrittenProcedure(
  when: { caseId: string; body: WrittenAnswerBody; now: string; ifMatch?: bigint; actor?: Actor },
  given: { case: Folded<CaseSnapshot>; members: ReadonlyMap<string, Seat> },
): WritePlan {
  const k = given.case;
  const c = k.snapshot.context;
  const stream = caseStream(when.caseId);
  checkIfMatch(stream, when.ifMatch, k.revision);
  const w = c.writtenProcedure;
  const refuse = (why: string) => new InvalidCommand(`cannot answer case ${label(k.snapshot)}: ${why}`, []);
  if (!w) throw refuse(`it is ${caseState(k.snapshot)} and no written procedure was opened on it`);
  if (w.concluded) throw refuse(`its written procedure was concluded (${caseState(k.snapshot)})`);
  if (!beforeDeadline(w.deadline, when.now)) throw refuse(`the deadline ${w.deadline} has passed`);
  const m = answeringMember(when.actor, given.members);
  if (!m) throw refuse(`${when.actor?.name ?? 'the caller'} is not a chair or member of ${c.committee} (observers and deputies do not answer; a member answers with a token whose identity is their seat's userId${when.actor?.id ? `, this one is ${when.actor.id}` : ', this one has none'})`);
  const data: WrittenProcedureAnswered['data'] = {
    v: 1,
    memberId: m.id,
    name: m.name,
    organisation: m.organisation,
    answer: when.body.answer,
    ...(when.body.comment !== undefined ? { comment: when.body.comment } : {}),
  };
  const next = decideCase(k.snapshot, { type: 'WrittenProcedureAnswered', data });
  if (!next) throw refuse(`it is ${caseState(k.snapshot)}`);
  return single(stream, k.revision, { type: 'WrittenProcedureAnswered', data }, { id: when.caseId, state: caseState(next), revision: k.revision + 1n });
}

/** `endorse`/`note` concluding an open written procedure: its answers, part of the decision. */
export function writtenOutcome(c: CaseRecord): { writtenProcedure?: WrittenProcedureOutcome } {
  const w = c.writtenProcedure;
  if (!w || w.concluded) return {};
  const answers = w.answers.map(({ memberId, name, organisation, answer, comment }) => ({ memberId, name, organisation, answer, ...(comment !== undefined ? { comment } : {}) }));
  return {
    writtenProcedure: {
      deadline: w.deadline,
      tally: { agree: answers.filter((a) => a.answer === 'agree').length, disagree: answers.filter((a) => a.answer === 'disagree').length },
      answers,
    },
  };
}

/** The written procedure as the case read shows it (answers and tally: the committee's until concluded; the api strips them for others). */
export interface WrittenProcedureView {
  deadline: string;
  openedAt: string | null;
  concludedAt: string | null;
  tally?: { agree: number; disagree: number };
  answers?: { memberId: string; name: string; organisation: string; answer: 'agree' | 'disagree'; comment?: string; at: string | null }[];
}

export function writtenProcedureView(w: NonNullable<CaseRecord['writtenProcedure']>): WrittenProcedureView {
  const answers = w.answers.map(({ memberId, name, organisation, answer, comment, at }) => ({ memberId, name, organisation, answer, ...(comment !== undefined ? { comment } : {}), at }));
  return {
    deadline: w.deadline,
    openedAt: w.at,
    concludedAt: w.concluded?.at ?? null,
    tally: { agree: answers.filter((a) => a.answer === 'agree').length, disagree: answers.filter((a) => a.answer === 'disagree').length },
    answers,
  };
}

/** What a reader outside the committee sees of an open written procedure: no answers, no tally. */
export function publicWrittenProcedure(v: WrittenProcedureView): WrittenProcedureView {
  if (v.concludedAt) return v;
  const { tally: _t, answers: _a, ...rest } = v;
  return rest;
}

/**
 * Case commands (the case committee's secretariat; the api's guard asks `may`): create, edit
 * (PATCH) and every case command (schedule, unschedule, present, record-discussion, endorse, note,
 * postpone, refer, withdraw). Pure deciders: given the case, its meeting(s) and the facts of other
 * records the command names, the write plan (the case's event, and the follow-ons on the meetings
 * and cases it touches) or a domain error. The case machine decides every state change by state.
 */
import { caseStream, meetingStream, type CaseDrafted, type CasePaper, type CaseReferred, type CaseType } from '../events.js';
import { caseState, decideCase, draftCase, type CaseMachineEvent, type CaseSnapshot } from '../machines/case.machine.js';
import { allowedCommands, type CaseCommand } from '../machines/commands.js';
import type { Actor } from '../machines/guard-input.js';
import { decideMeeting, meetingState, type MeetingMachineEvent, type MeetingSnapshot } from '../machines/meeting.machine.js';
import { InvalidCommand, ValidationFailed, type FieldError } from '../application/errors.js';
import type { CaseCommandBodies, CaseCommandName, CreateCaseBody, EditCaseBody, FollowUpInput } from '../application/types.js';
import { promisedFollowUp } from '../followup/decide.js';
import type { NewId } from '../core/ids.js';
import { meetingFacts, type Folded, type OwnMeeting } from '../core/load.js';
import { checkIfMatch, single, type PlannedWrite, type WritePlan } from '../core/plan.js';
import { dissentField, voteEvent, type InSession } from './vote.js';
import { leavesMeeting, referralCarried, requireReferralReason } from './refer.js';
import { citationHint, itemsField } from './items.js';
import { writtenOutcome } from './written-procedure.js';

export const PAPER_FIELDS = ['title', 'type', 'proposedResolution', 'background', 'purpose', 'caseOfficer', 'responsible', 'projectIds', 'meetsFollowUps', 'exemption', 'items'] as const;

export function pick<T extends object, K extends string>(o: T, keys: readonly K[]): Partial<Record<K, unknown>> & Partial<T> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if ((o as Record<string, unknown>)[k] !== undefined) out[k] = (o as Record<string, unknown>)[k];
  return out as Partial<Record<K, unknown>> & Partial<T>;
}

export function label(s: CaseSnapshot): string {
  return s.context.number ?? `"${s.context.paper.title}"`;
}

/** 400 for follow-ups the paper says it meets that no discussion recorded. */
function checkFollowUps(ids: readonly string[] | undefined, known: (id: string) => boolean): void {
  const errors: FieldError[] = [];
  (ids ?? []).forEach((id, i) => {
    if (!known(id)) errors.push({ field: `meetsFollowUps[${i}]`, message: `unknown follow-up ${id}${citationHint(id)}` });
  });
  if (errors.length) throw new ValidationFailed(errors);
}

export function decideCreateCase(
  when: { body: CreateCaseBody; ids: NewId },
  given: { committeeExists: boolean; knownFollowUp: (id: string) => boolean },
): WritePlan {
  const { body, ids } = when;
  if (!given.committeeExists) throw new ValidationFailed([{ field: 'committee', message: `unknown committee ${body.committee}` }]);
  checkFollowUps(body.meetsFollowUps, given.knownFollowUp);
  const caseId = ids('case');
  const drafted: CaseDrafted['data'] = {
    v: 1,
    caseId,
    committee: body.committee,
    matterId: body.matterId ?? ids('matter'),
    title: body.title,
    type: body.type,
    proposedResolution: body.proposedResolution,
    ...pick(body, ['background', 'purpose', 'caseOfficer', 'responsible', 'items']),
    projectIds: body.projectIds ?? [],
    meetsFollowUps: body.meetsFollowUps ?? [],
    ...(body.exemption ? { exemption: { basis: body.exemption.basis } } : {}),
  };
  return single(caseStream(caseId), 'no_stream', { type: 'CaseDrafted', data: drafted }, {
    id: caseId,
    state: caseState(draftCase(drafted)),
    revision: 0n,
    matterId: drafted.matterId,
    committee: body.committee,
  });
}

export interface CaseWhen {
  caseId: string;
  ifMatch?: bigint;
  /** For the refusal's allowedCommands only (roles are the api guard's). */
  actor?: Actor;
}

export interface CaseGiven {
  case: Folded<CaseSnapshot>;
  /** The case's current meeting (and the previous one for a minutes-approval case). */
  own?: OwnMeeting;
}

/** Why a case command is refused, with the caller's allowed commands and what blocks it. */
export function caseRefused(command: CaseCommand, s: CaseSnapshot, actor: Actor | undefined, own: OwnMeeting | undefined, target?: Folded<MeetingSnapshot>): InvalidCommand {
  const allowed = allowedCommands(s, { actor, meeting: own?.facts, previousMeeting: own?.previous?.facts }).filter((c) => c !== command);
  const prev = own?.previous;
  if (command === 'endorse' && caseState(s) === 'discussion' && prev && own.facts.state === 'in_session') {
    return new InvalidCommand(
      `cannot approve the minutes of meeting ${prev.loaded.snapshot.context.number}: it is ${prev.facts.state}` +
        (prev.facts.minutes === 'approved' ? ' and its minutes are approved already' : ''),
      allowed,
      { meetingId: prev.facts.id },
    );
  }
  if (command === 'schedule' && target && caseState(s) === 'draft') {
    const t = target.snapshot;
    return new InvalidCommand(
      `cannot schedule case ${label(s)} on meeting ${t.context.number}: the meeting is ${meetingState(t)} and its agenda is frozen`,
      allowed,
      { meetingId: t.context.meetingId },
    );
  }
  if (command === 'note' && s.context.standardItem === 'minutes-approval' && caseState(s) === 'discussion')
    return new InvalidCommand(
      `cannot note case ${label(s)}: minutes are approved, not noted; endorse it to approve the minutes` + (prev ? ` of meeting ${prev.loaded.snapshot.context.number}` : ''),
      allowed,
      own ? { meetingId: own.facts.id } : {},
    );
  let detail = `cannot ${command} case ${label(s)}: it is ${caseState(s)}`;
  if (s.context.number) detail += ` with number ${s.context.number}`;
  if (own) detail += `; its meeting ${own.loaded.snapshot.context.number} is ${own.facts.state}`;
  return new InvalidCommand(detail, allowed, own && caseState(s) !== 'draft' ? { meetingId: own.facts.id } : {});
}

/** PATCH: edit the case paper (while draft, or scheduled before notice). */
export function decideEditCase(when: CaseWhen & { changes: EditCaseBody }, given: CaseGiven & { knownFollowUp: (id: string) => boolean }): WritePlan {
  checkFollowUps(when.changes.meetsFollowUps, given.knownFollowUp);
  const k = given.case;
  const stream = caseStream(when.caseId);
  checkIfMatch(stream, when.ifMatch, k.revision);
  const ev: CaseMachineEvent = {
    type: 'CasePaperEdited',
    data: { v: 1, changes: pick(when.changes, PAPER_FIELDS) as Partial<CasePaper> },
    guard: { meeting: given.own?.facts },
  };
  const next = decideCase(k.snapshot, ev);
  if (!next) throw caseRefused('edit', k.snapshot, when.actor, given.own);
  return single(stream, k.revision, { type: ev.type, data: ev.data }, { id: when.caseId, state: caseState(next), revision: k.revision + 1n });
}

export interface CaseCommandGiven extends CaseGiven {
  /** `schedule`: the meeting named (null: no such meeting). */
  target?: Folded<MeetingSnapshot> | null;
  /** `refer`: whether the committee named exists. */
  toCommitteeExists?: boolean;
  /** `schedule` of a minutes-approval item: the meeting whose minutes it approves. */
  approves?: Folded<MeetingSnapshot>;
  /** `vote`, `endorse`, `note`: the committee's members and the meeting's attendance (null: not opened). */
  inSession?: InSession | null;
}

/** The state-dependent checks of a command's body (400, every field named): the records it names. */
export function checkNamedRecords(command: CaseCommandName, body: Record<string, unknown>, committee: string, given: CaseCommandGiven): void {
  const errors: FieldError[] = [];
  if (command === 'schedule') {
    const t = given.target?.snapshot.context;
    if (!t) errors.push({ field: 'meetingId', message: `unknown meeting ${String(body.meetingId)}` });
    else if (t.committee !== committee) errors.push({ field: 'meetingId', message: `meeting ${t.number} belongs to ${t.committee}, not ${committee}` });
  }
  if (command === 'refer') {
    if (!given.toCommitteeExists) errors.push({ field: 'toCommittee', message: `unknown committee ${String(body.toCommittee)}` });
    else if (body.toCommittee === committee) errors.push({ field: 'toCommittee', message: 'must be another committee' });
  }
  if (command === 'endorse' && body.corrections !== undefined && given.case.snapshot.context.standardItem !== 'minutes-approval')
    errors.push({ field: 'corrections', message: 'only the approval of minutes takes corrections' });
  if (errors.length) throw new ValidationFailed(errors);
  if (command === 'refer') requireReferralReason(caseState(given.case.snapshot) === 'discussion', body.reason);
}

/** 409 unless a minutes-approval item goes onto a meeting dated after the meeting whose minutes it approves. */
function checkApprovalAfterTarget(s: CaseSnapshot, target: MeetingSnapshot, approves: Folded<MeetingSnapshot> | undefined, allowed: () => CaseCommand[]): void {
  if (!approves) return;
  const a = approves.snapshot.context;
  const t = target.context;
  const key = (m: { date: string; startTime: string | null }) => `${m.date} ${m.startTime ?? ''}`;
  if (key(t) > key(a)) return;
  throw new InvalidCommand(
    `cannot schedule case ${label(s)} on meeting ${t.number} (${t.date}): it approves the minutes of meeting ${a.number} (${a.date}), which is not before it`,
    allowed(),
    { meetingId: a.meetingId },
  );
}

/** Every case command but edit: the case's event, then the follow-ons on the meetings and cases it touches. */
export function decideCaseCommand<C extends CaseCommandName>(
  when: CaseWhen & { command: C; body: CaseCommandBodies[C]; ids: NewId },
  given: CaseCommandGiven,
): WritePlan {
  const { caseId, command, actor, ids } = when;
  const body = when.body as Record<string, unknown>;
  const k = given.case;
  const own = given.own;
  const c = k.snapshot.context;
  checkNamedRecords(command, body, c.committee, given);
  const stream = caseStream(caseId);
  checkIfMatch(stream, when.ifMatch, k.revision);
  const guard = { meeting: own?.facts, previousMeeting: own?.previous?.facts };
  const target = command === 'schedule' ? given.target! : undefined;
  // the members a vote or dissent names are checked only when the state allows the command (else 409)
  const now = ['vote', 'endorse', 'note'].includes(command) && allowedCommands(k.snapshot, { actor, ...guard }).includes(command as CaseCommand) ? given : {};
  let ev: CaseMachineEvent;
  let extra: Record<string, unknown> = {};
  switch (command as CaseCommandName) {
    case 'schedule': {
      const t = target!.snapshot.context;
      ev = { type: 'CaseScheduled', data: { v: 1, meetingId: t.meetingId }, guard: { meeting: meetingFacts(target!.snapshot) } };
      break;
    }
    case 'unschedule':
      ev = { type: 'CaseUnscheduled', data: { v: 1, meetingId: c.meetingId ?? '', reason: String(body.reason) }, guard };
      break;
    case 'present':
      ev = { type: 'CasePresented', data: { v: 1, presenter: String(body.presenter) }, guard };
      break;
    case 'record-discussion':
      ev = {
        type: 'DiscussionRecorded',
        data: {
          v: 2,
          ...(body.summary !== undefined ? { summary: body.summary as string } : {}),
          points: (body.points as string[] | undefined) ?? [],
          followUps: ((body.followUps as (string | FollowUpInput)[] | undefined) ?? []).map((f, i) => promisedFollowUp(ids(`follow-up:${i}`), f)),
        },
        guard,
      };
      break;
    case 'endorse':
      ev = {
        type: 'ResolutionEndorsed',
        data: {
          v: 1,
          resolution: String(body.resolution),
          ...(body.conditions !== undefined ? { conditions: body.conditions as string } : {}),
          ...(body.corrections !== undefined ? { corrections: body.corrections as string } : {}),
          ...dissentField(body, now),
          ...itemsField(body, c.paper),
          ...writtenOutcome(c),
        },
        guard,
      };
      break;
    case 'note':
      ev = { type: 'CaseNoted', data: { v: 1, resolution: String(body.resolution), input: (body.input as string[] | undefined) ?? [], ...dissentField(body, now), ...itemsField(body, c.paper), ...writtenOutcome(c) }, guard };
      break;
    case 'postpone':
      ev = { type: 'CasePostponed', data: { v: 1, meetingId: c.meetingId ?? '', reason: String(body.reason) }, guard };
      break;
    case 'refer': {
      const referredCaseId = ids('case:referred');
      ev = { type: 'CaseReferred', data: { v: 1, toCommittee: String(body.toCommittee), type: body.type as CaseType, referredCaseId, ...(body.reason !== undefined ? { reason: String(body.reason) } : {}) }, guard };
      extra = { referredCaseId };
      break;
    }
    case 'withdraw':
      ev = { type: 'CaseWithdrawn', data: { v: 1, reason: String(body.reason) }, guard };
      break;
    case 'vote':
      ev = { ...voteEvent(body as CaseCommandBodies['vote'], c.meetingId ?? '', own?.facts.state, now), guard };
      break;
    default:
      throw new ValidationFailed([{ field: 'command', message: `unknown command ${String(command)}` }]);
  }

  let next = decideCase(k.snapshot, ev);
  if (!next) throw caseRefused(command, k.snapshot, actor, own, target);
  const writes: PlannedWrite[] = [{ stream, expectedRevision: k.revision, events: [{ type: ev.type, data: ev.data }] }];
  const fromDiscussion = command === 'refer' && caseState(k.snapshot) === 'discussion';
  const leave = fromDiscussion ? leavesMeeting(ev.data as CaseReferred['data'], c.meetingId ?? '') : null;
  if (leave) {
    // referred before a decision: the case leaves its meeting as a postponed one does (refer.ts)
    next = decideCase(next, { ...leave, guard })!;
    writes[0]!.events.push(leave);
  }

  // follow-ons on other streams
  const allowed = () => allowedCommands(k.snapshot, { actor, meeting: own?.facts, previousMeeting: own?.previous?.facts }).filter((x) => x !== command);
  const meetingFollowOn = (m: Folded<MeetingSnapshot>, mev: MeetingMachineEvent, refusal: () => Error) => {
    if (!decideMeeting(m.snapshot, mev)) throw refusal();
    writes.push({ stream: meetingStream(m.snapshot.context.meetingId), expectedRevision: m.revision, events: [{ type: mev.type, data: mev.data }] });
  };
  const refusedByMeeting = (m: Folded<MeetingSnapshot>, why: string) => () =>
    new InvalidCommand(`cannot ${command} case ${label(k.snapshot)}: meeting ${m.snapshot.context.number} ${why}`, allowed(), { meetingId: m.snapshot.context.meetingId });

  if (command === 'schedule') {
    checkApprovalAfterTarget(k.snapshot, target!.snapshot, given.approves, allowed);
    meetingFollowOn(
      target!,
      { type: 'CaseAddedToAgenda', data: { v: 1, caseId, ...(c.standardItem ? { standardItem: c.standardItem } : {}) } },
      refusedByMeeting(target!, 'does not take it on its agenda'),
    );
  } else if (command === 'unschedule' || command === 'postpone' || leave || (command === 'withdraw' && own && own.facts.state === 'planned')) {
    const why = command === 'unschedule' ? 'unscheduled' : command === 'postpone' || leave ? 'postponed' : 'withdrawn';
    meetingFollowOn(
      own!.loaded,
      { type: 'CaseRemovedFromAgenda', data: { v: 1, caseId, reason: leave?.data.reason ?? String(body.reason), why } },
      refusedByMeeting(own!.loaded, 'does not let it off its agenda'),
    );
  } else if (command === 'endorse' && c.standardItem === 'minutes-approval') {
    const prev = own?.previous?.loaded;
    if (prev) {
      const p = prev.snapshot.context;
      meetingFollowOn(
        prev,
        { type: 'MinutesApproved', data: { v: 1, byCaseId: caseId, byMeetingId: own!.facts.id, ...(body.corrections !== undefined ? { corrections: body.corrections as string } : {}) } },
        () =>
          new InvalidCommand(
            `cannot approve the minutes of meeting ${p.number}: it is ${meetingState(prev.snapshot)}` + (p.minutes === 'approved' ? ' and its minutes are approved already' : ''),
            allowed(),
            { meetingId: p.meetingId },
          ),
      );
    }
  }
  if (command === 'refer') {
    const data = ev.data as CaseReferred['data'];
    const drafted: CaseDrafted['data'] = {
      v: 1,
      caseId: data.referredCaseId,
      committee: data.toCommittee,
      matterId: c.matterId,
      title: c.paper.title,
      type: data.type,
      proposedResolution: c.paper.proposedResolution,
      ...(c.paper.background !== undefined ? { background: c.paper.background } : {}),
      ...(c.paper.purpose !== undefined ? { purpose: c.paper.purpose } : {}),
      projectIds: [...c.paper.projectIds],
      meetsFollowUps: [],
      // the copied paper stays exempt from public access in the other committee
      ...(c.paper.exemption ? { exemption: { basis: c.paper.exemption.basis } } : {}),
      referredFromCaseId: caseId,
      referral: referralCarried(c, data.reason),
    };
    writes.push({ stream: caseStream(data.referredCaseId), expectedRevision: 'no_stream', events: [{ type: 'CaseDrafted', data: drafted }] });
  }
  return { writes, root: stream, answer: { id: caseId, state: caseState(next), revision: k.revision + BigInt(writes[0]!.events.length), ...extra } };
}

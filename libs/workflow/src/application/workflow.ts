/**
 * The application service: executes every command of the API against an EventStore (no Nest).
 *
 * A command: find the records, check who acts (403), check the body's meaning (400), check
 * `ifMatch` (412), fold the streams with the machines and decide with the candidate event(s)
 * (409 when refused), then append. Nothing is written when a command is refused.
 *
 * Consistency across streams:
 * - Commands are serialised per committee by an in-process keyed mutex (a `refer` takes both
 *   committees, in sorted order), so within one process no two commands of a committee interleave.
 * - Every append names its expected revision (the revision read when deciding; `no_stream` for new
 *   streams), so a writer in another process is still caught.
 * - Fixed append order within a command: (1) the `numbering-{CODE}-{YYYY}` stream when the command
 *   numbers anything (the contended stream, first, so a loser writes nothing), (2) the command's
 *   subject stream (the meeting for plan/notice/open/adjourn, the case for case commands),
 *   (3) follow-on streams: meetings, then cases (agenda order). If the FIRST append meets a
 *   WrongExpectedRevision nothing was written: the command is re-decided from fresh state (up to
 *   4 attempts; a stale ifMatch or a changed state then answers 412/409). A conflict on a later
 *   append (only possible from another process) is a PartialWriteConflict naming what was written.
 * - Causation: a command's first (root) event has causationId null; every follow-on event names
 *   the root event (e.g. each CaseNumbered names the MeetingNoticed; MinutesApproved names the
 *   ResolutionEndorsed of the minutes-approval case; a referred case's CaseDrafted names the
 *   CaseReferred).
 */
import { randomUUID } from 'node:crypto';
import {
  StreamNotFound,
  WrongExpectedRevision,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
} from '@saksflyt/event-store';
import {
  CASE_TYPES,
  MEMBER_ROLES,
  caseStream,
  committeeStream,
  historyStream,
  meetingStream,
  numberingStream,
  type CaseDrafted,
  type CaseEvent,
  type CasePaper,
  type CaseType,
  type DomainEvent,
  type HistoricalDecisionRecorded,
  type MeetingEvent,
  type MeetingPlanned,
  type StandardItem,
} from '../events.js';
import { caseState, decideCase, draftCase, foldCase, type CaseMachineEvent, type CaseSnapshot } from '../machines/case.machine.js';
import { allowedCommands, allowedMeetingCommands, isCaseCommand, type CaseCommand } from '../machines/commands.js';
import { may, type Action } from '../access/policy.js';
import { foldCommittee } from '../committee/evolve.js';
import type { Actor, CaseState, MeetingFacts } from '../machines/guard-input.js';
import { agendaOrder } from '../meeting/agenda.js';
import {
  decideMeeting,
  foldMeeting,
  meetingState,
  openAgendaCases,
  planMeetingSnapshot,
  type MeetingMachineEvent,
  type MeetingSnapshot,
} from '../machines/meeting.machine.js';
import { assignCaseNumbers, assignMeetingNumber, continueNumbering, foldNumbering, NumberingBackwards, type NumberingState } from '../numbering/index.js';
import { upcast } from '../core/upcast.js';
import { Catalogue } from './catalogue.js';
import {
  DomainRuleViolation,
  Forbidden,
  InvalidCommand,
  NotFound,
  PartialWriteConflict,
  StaleRevision,
  ValidationFailed,
  type FieldError,
} from './errors.js';
import { KeyedMutex } from './mutex.js';
import type {
  AddMemberBody,
  AgendaItemView,
  CaseCommandBodies,
  CaseCommandName,
  CaseView,
  CommandContext,
  CommandResult,
  CommitteeView,
  CreateCaseBody,
  CreateCommitteeBody,
  EditCaseBody,
  HistoricalDecisionView,
  HistoryEntry,
  MatterView,
  MeetingSummary,
  MeetingView,
  MemberView,
  NumberingBody,
  OpenMeetingBody,
  PlanMeetingBody,
  RecordHistoryBody,
  WorkflowOptions,
} from './types.js';

// ---------- internals ----------
interface Loaded<S> {
  events: RecordedEvent[];
  snapshot: S;
  revision: bigint;
}
interface LoadedCommittee {
  code: string;
  name: string;
  members: Map<string, MemberView>;
  revision: bigint;
}
type PreviousFacts = MeetingFacts & { minutes: 'draft' | 'approved' };
interface OwnMeeting {
  loaded: Loaded<MeetingSnapshot>;
  facts: MeetingFacts;
  /** For a minutes-approval case: the meeting whose minutes it approves. */
  previous?: { loaded: Loaded<MeetingSnapshot>; facts: PreviousFacts };
}
interface StreamWrite {
  stream: string;
  expected: ExpectedRevision;
  events: NewEvent[];
}
/** The first append of a command lost a race: nothing written, decide again. */
class RetryCommand extends Error {}

const MAX_ATTEMPTS = 4;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;
const CODE_RE = /^[A-Z][A-Z0-9-]{0,19}$/;
const HISTORY_NUMBER_RE = /^([1-9]\d{0,5})\/(\d{2})$/;
const OUTCOMES = ['endorsement', 'orientation'] as const;
const HISTORY_FIELDS = ['number', 'year', 'title', 'wording', 'outcome', 'date', 'minutesApproved', 'matterId', 'source', 'note'] as const;
const PAPER_FIELDS = ['title', 'type', 'proposedResolution', 'background', 'purpose', 'caseOfficer', 'responsible', 'projectIds', 'meetsFollowUps'] as const;

function revisionOf(events: readonly RecordedEvent[]): bigint {
  return events.length ? events[events.length - 1]!.revision : -1n;
}
function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
/** "2018-12-06" → "06.12.2018" */
export function norwegianDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}.${m}.${y}`;
}

// ---------- validation helpers ----------
class Checks {
  readonly errors: FieldError[] = [];
  text(field: string, v: unknown, opts: { optional?: boolean; allowEmpty?: boolean } = {}): void {
    if (v === undefined || v === null) {
      if (!opts.optional) this.errors.push({ field, message: 'is required' });
      return;
    }
    if (typeof v !== 'string') this.errors.push({ field, message: 'must be a string' });
    else if (!opts.allowEmpty && v.trim() === '') this.errors.push({ field, message: 'must not be empty' });
  }
  texts(field: string, v: unknown, opts: { optional?: boolean } = {}): void {
    if (v === undefined || v === null) {
      if (!opts.optional) this.errors.push({ field, message: 'is required' });
      return;
    }
    if (!Array.isArray(v)) this.errors.push({ field, message: 'must be an array of strings' });
    else v.forEach((x, i) => typeof x !== 'string' && this.errors.push({ field: `${field}[${i}]`, message: 'must be a string' }));
  }
  oneOf(field: string, v: unknown, allowed: readonly string[], opts: { optional?: boolean } = {}): void {
    if (v === undefined && opts.optional) return;
    if (typeof v !== 'string' || !allowed.includes(v)) this.errors.push({ field, message: `must be one of ${allowed.join(', ')}` });
  }
  add(field: string, message: string): void {
    this.errors.push({ field, message });
  }
  throwIfAny(): void {
    if (this.errors.length) throw new ValidationFailed(this.errors);
  }
}

function validDate(s: unknown): s is string {
  if (typeof s !== 'string') return false;
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export class Workflow {
  private readonly clock: () => Date;
  private readonly mutex = new KeyedMutex();
  /** Commands re-decided because their first append lost a race (diagnostics). */
  retries = 0;
  /** The cross-aggregate index; see catalogue.ts for how read-your-writes holds. */
  readonly catalogue: Catalogue;

  constructor(
    private readonly store: EventStore,
    options: WorkflowOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.catalogue = new Catalogue(store);
  }

  /** Bring the catalogue up to the store's head (optional warm-up at start; every call does it anyway). */
  async catchUp(): Promise<bigint> {
    return this.catalogue.catchUp();
  }

  // =====================================================================================
  // Committees (admin)
  // =====================================================================================

  async createCommittee(body: CreateCommitteeBody, ctx: CommandContext): Promise<CommandResult> {
    this.requireAdmin(ctx.actor, 'committee.create', 'create committees');
    const c = new Checks();
    c.text('code', body.code);
    if (typeof body.code === 'string' && body.code.trim() !== '' && !CODE_RE.test(body.code))
      c.add('code', 'must be 1–20 capital letters, digits or hyphens, starting with a letter');
    c.text('name', body.name);
    this.checkAt(c, ctx);
    c.throwIfAny();
    return this.command([body.code], async () => {
      if (this.catalogue.committees.has(body.code))
        throw new DomainRuleViolation('committee-exists', `committee ${body.code} exists already`);
      const root = this.newEvent(ctx, null, { type: 'CommitteeCreated', data: { v: 1, code: body.code, name: body.name } });
      const position = await this.write([{ stream: committeeStream(body.code), expected: 'no_stream', events: [root] }]);
      return { id: body.code, state: 'active', revision: 0n, position };
    });
  }

  async addMember(code: string, body: AddMemberBody, ctx: CommandContext): Promise<CommandResult> {
    await this.requireCommittee(code);
    this.requireAdmin(ctx.actor, 'member.change', 'change members');
    const c = new Checks();
    c.text('name', body.name);
    c.text('organisation', body.organisation);
    c.oneOf('role', body.role, MEMBER_ROLES);
    this.checkAt(c, ctx);
    c.throwIfAny();
    return this.command([code], async () => {
      const committee = await this.loadCommittee(code);
      this.checkIfMatch(committeeStream(code), ctx, committee.revision);
      const memberId = randomUUID();
      const root = this.newEvent(ctx, null, {
        type: 'MemberJoined',
        data: { v: 1, memberId, name: body.name, organisation: body.organisation, role: body.role },
      });
      const position = await this.write([{ stream: committeeStream(code), expected: committee.revision, events: [root] }]);
      return { id: memberId, state: 'member', revision: committee.revision + 1n, position, committee: code };
    });
  }

  async removeMember(code: string, memberId: string, ctx: CommandContext): Promise<CommandResult> {
    await this.requireCommittee(code);
    return this.command([code], async () => {
      const committee = await this.loadCommittee(code);
      const member = committee.members.get(memberId);
      if (!member) throw new NotFound('member', memberId);
      this.requireAdmin(ctx.actor, 'member.change', 'change members');
      this.checkIfMatch(committeeStream(code), ctx, committee.revision);
      if (member.leftAt) throw new DomainRuleViolation('member-left', `member ${memberId} left ${code} already`);
      const root = this.newEvent(ctx, null, { type: 'MemberLeft', data: { v: 1, memberId } });
      const position = await this.write([{ stream: committeeStream(code), expected: committee.revision, events: [root] }]);
      return { id: memberId, state: 'left', revision: committee.revision + 1n, position, committee: code };
    });
  }

  /** PUT numbering: where the year's numbering continues; only forward (DomainRuleViolation 409). */
  async continueNumbering(code: string, year: number, body: NumberingBody, ctx: CommandContext): Promise<CommandResult> {
    await this.requireCommittee(code);
    this.requireAdmin(ctx.actor, 'numbering.set', 'set numbering');
    const c = new Checks();
    if (!Number.isInteger(year) || year < 1000 || year > 9999) c.add('year', 'must be a four-digit year');
    for (const f of ['nextMeetingNumber', 'nextCaseNumber'] as const)
      if (!Number.isInteger(body[f]) || body[f] < 1) c.add(f, 'must be a positive integer');
    this.checkAt(c, ctx);
    c.throwIfAny();
    return this.command([code], async () => {
      const { state, revision } = await this.loadNumbering(code, year);
      if (ctx.ifMatch !== undefined) this.checkIfMatch(numberingStream(code, year), ctx, revision);
      let data;
      try {
        data = continueNumbering(state, body);
      } catch (e) {
        if (e instanceof NumberingBackwards) throw new DomainRuleViolation('numbering-backwards', e.message);
        throw e;
      }
      const root = this.newEvent(ctx, null, { type: 'NumberingContinued', data });
      const position = await this.write([{ stream: numberingStream(code, year), expected: revision < 0n ? 'no_stream' : revision, events: [root] }]);
      return {
        id: `${code}/${year}`,
        state: 'continued',
        revision: revision + 1n,
        position,
        nextMeetingNumber: data.nextMeetingNumber,
        nextCaseNumber: data.nextCaseNumber,
      };
    });
  }

  // =====================================================================================
  // Meetings (secretariat of the committee)
  // =====================================================================================

  async planMeeting(code: string, body: PlanMeetingBody, ctx: CommandContext): Promise<CommandResult> {
    await this.requireCommittee(code);
    this.requireSecretariat(ctx.actor, 'meeting.plan', code, 'plan meetings');
    const c = new Checks();
    if (!validDate(body.date)) c.add('date', 'must be a date YYYY-MM-DD');
    for (const f of ['startTime', 'endTime'] as const)
      if (body[f] !== undefined && (typeof body[f] !== 'string' || !TIME_RE.test(body[f]!))) c.add(f, 'must be a time HH:MM');
    c.text('place', body.place);
    this.checkAt(c, ctx);
    c.throwIfAny();
    return this.command([code], async () => {
      const committee = this.catalogue.committees.get(code)!;
      const year = Number(body.date.slice(0, 4));
      const numbering = await this.loadNumbering(code, year);
      const meetingId = randomUUID();
      const assigned = assignMeetingNumber(numbering.state, meetingId);
      const previous = this.catalogue.latestMeeting(code);
      const planned: MeetingPlanned['data'] = {
        v: 1,
        meetingId,
        committee: code,
        number: assigned.number,
        year,
        date: body.date,
        ...(body.startTime !== undefined ? { startTime: body.startTime } : {}),
        ...(body.endTime !== undefined ? { endTime: body.endTime } : {}),
        place: body.place,
        ...(previous ? { previousMeetingId: previous.meetingId, previousMeetingDate: previous.date } : {}),
      };
      const root = this.newEvent(ctx, null, { type: 'MeetingPlanned', data: planned });
      let meeting = planMeetingSnapshot(planned);

      // The standard agenda items (faste saker), as cases scheduled on the new meeting.
      const standard: { item: StandardItem; title: string; type: CaseType; proposedResolution: string }[] = [
        {
          item: 'notice-approval',
          title: 'Godkjenning av innkalling og dagsorden',
          type: 'approval',
          proposedResolution: `${committee.name} godkjenner innkalling og dagsorden.`,
        },
      ];
      if (previous) {
        const d = norwegianDate(previous.date);
        standard.push({
          item: 'minutes-approval',
          title: `Godkjenning av referat fra møtet ${d}`,
          type: 'approval',
          proposedResolution: `${committee.name} godkjenner referat fra møtet ${d}.`,
        });
      }
      standard.push({ item: 'any-other-business', title: 'Eventuelt', type: 'orientation', proposedResolution: `${committee.name} tar saken til orientering.` });

      const meetingEvents: NewEvent[] = [root];
      const caseWrites: StreamWrite[] = [];
      const facts: MeetingFacts = { id: meetingId, committee: code, state: 'planned' };
      for (const s of standard) {
        const caseId = randomUUID();
        const drafted: CaseDrafted['data'] = {
          v: 1,
          caseId,
          committee: code,
          matterId: randomUUID(),
          title: s.title,
          type: s.type,
          proposedResolution: s.proposedResolution,
          projectIds: [],
          meetsFollowUps: [],
          standardItem: s.item,
        };
        const scheduled = decideCase(draftCase(drafted), {
          type: 'CaseScheduled',
          data: { v: 1, meetingId },
          guard: { actor: ctx.actor, meeting: facts },
        });
        const added: MeetingMachineEvent = { type: 'CaseAddedToAgenda', data: { v: 1, caseId, standardItem: s.item }, guard: { actor: ctx.actor } };
        const next = decideMeeting(meeting, added);
        if (!scheduled || !next) throw new Error('standard item refused by the machines'); // a bug, not a client error
        meeting = next;
        meetingEvents.push(this.newEvent(ctx, root.id!, added));
        caseWrites.push({
          stream: caseStream(caseId),
          expected: 'no_stream',
          events: [
            this.newEvent(ctx, root.id!, { type: 'CaseDrafted', data: drafted }),
            this.newEvent(ctx, root.id!, { type: 'CaseScheduled', data: { v: 1, meetingId } }),
          ],
        });
      }
      const position = await this.write([
        {
          stream: numberingStream(code, year),
          expected: numbering.revision < 0n ? 'no_stream' : numbering.revision,
          events: [this.newEvent(ctx, root.id!, { type: 'MeetingNumberAssigned', data: assigned })],
        },
        { stream: meetingStream(meetingId), expected: 'no_stream', events: meetingEvents },
        ...caseWrites,
      ]);
      return {
        id: meetingId,
        committee: code,
        number: assigned.number,
        state: meetingState(meeting),
        revision: BigInt(meetingEvents.length - 1),
        position,
      };
    });
  }

  /** Innkalling: freeze the agenda and number its cases N/YY in agenda order. */
  async noticeMeeting(meetingId: string, ctx: CommandContext): Promise<CommandResult> {
    const committee = await this.meetingCommittee(meetingId);
    this.requireSecretariat(ctx.actor, 'meeting.run', committee, 'notice meetings');
    this.checkAtOnly(ctx);
    return this.command([committee], async () => {
      const m = await this.loadMeeting(meetingId);
      this.checkIfMatch(meetingStream(meetingId), ctx, m.revision);
      const ctxM = m.snapshot.context;
      const order = agendaOrder(ctxM.agenda);
      const numbering = await this.loadNumbering(committee, ctxM.year);
      const assigned = assignCaseNumbers(numbering.state, meetingId, order.map((a) => a.caseId));
      const noticed: MeetingMachineEvent = {
        type: 'MeetingNoticed',
        data: { v: 1, agenda: assigned.numbers.map(({ caseId, number }) => ({ caseId, number })) },
        guard: { actor: ctx.actor },
      };
      const next = decideMeeting(m.snapshot, noticed);
      if (!next) throw this.meetingRefused('notice', m, ctx.actor);
      const root = this.newEvent(ctx, null, noticed);
      const caseWrites: StreamWrite[] = [];
      const after: MeetingFacts = { id: meetingId, committee, state: 'noticed' };
      for (const n of assigned.numbers) {
        const k = await this.loadCase(n.caseId);
        const ev: CaseMachineEvent = { type: 'CaseNumbered', data: { v: 1, meetingId, number: n.number }, guard: { actor: ctx.actor, meeting: after } };
        if (!decideCase(k.snapshot, ev))
          throw new InvalidCommand(`case ${n.caseId} on the agenda is ${caseState(k.snapshot)}, not scheduled`, [], { meetingId, caseIds: [n.caseId] });
        caseWrites.push({ stream: caseStream(n.caseId), expected: k.revision, events: [this.newEvent(ctx, root.id!, ev)] });
      }
      const position = await this.write([
        {
          stream: numberingStream(committee, ctxM.year),
          expected: numbering.revision < 0n ? 'no_stream' : numbering.revision,
          events: [this.newEvent(ctx, root.id!, { type: 'CaseNumbersAssigned', data: assigned })],
        },
        { stream: meetingStream(meetingId), expected: m.revision, events: [root] },
        ...caseWrites,
      ]);
      return { id: meetingId, committee, number: ctxM.number, state: meetingState(next), revision: m.revision + 1n, position, agenda: noticed.data.agenda };
    });
  }

  async openMeeting(meetingId: string, body: OpenMeetingBody, ctx: CommandContext): Promise<CommandResult> {
    const committee = await this.meetingCommittee(meetingId);
    this.requireSecretariat(ctx.actor, 'meeting.run', committee, 'open meetings');
    return this.command([committee], async () => {
      const members = (await this.loadCommittee(committee)).members;
      const c = new Checks();
      c.texts('present', body.present);
      c.texts('absent', body.absent, { optional: true });
      c.texts('guests', body.guests, { optional: true });
      const seen = new Set<string>();
      for (const f of ['present', 'absent'] as const)
        (Array.isArray(body[f]) ? body[f]! : []).forEach((id, i) => {
          if (typeof id !== 'string') return;
          const mem = members.get(id);
          if (!mem || mem.leftAt) c.add(`${f}[${i}]`, `unknown member ${id} of ${committee}`);
          else if (seen.has(id)) c.add(`${f}[${i}]`, `member ${id} is named twice`);
          seen.add(id);
        });
      this.checkAt(c, ctx);
      c.throwIfAny();
      const m = await this.loadMeeting(meetingId);
      this.checkIfMatch(meetingStream(meetingId), ctx, m.revision);
      const ev: MeetingMachineEvent = {
        type: 'MeetingOpened',
        data: { v: 1, present: body.present, absent: body.absent ?? [], guests: body.guests ?? [] },
        guard: { actor: ctx.actor },
      };
      const next = decideMeeting(m.snapshot, ev);
      if (!next) throw this.meetingRefused('open', m, ctx.actor);
      const position = await this.write([{ stream: meetingStream(meetingId), expected: m.revision, events: [this.newEvent(ctx, null, ev)] }]);
      return { id: meetingId, committee, number: m.snapshot.context.number, state: meetingState(next), revision: m.revision + 1n, position };
    });
  }

  async adjournMeeting(meetingId: string, ctx: CommandContext): Promise<CommandResult> {
    const committee = await this.meetingCommittee(meetingId);
    this.requireSecretariat(ctx.actor, 'meeting.run', committee, 'adjourn meetings');
    this.checkAtOnly(ctx);
    return this.command([committee], async () => {
      const m = await this.loadMeeting(meetingId);
      this.checkIfMatch(meetingStream(meetingId), ctx, m.revision);
      const agendaCases = await this.agendaCaseStates(m.snapshot);
      const ev: MeetingMachineEvent = { type: 'MeetingAdjourned', data: { v: 1 }, guard: { actor: ctx.actor, agendaCases } };
      const next = decideMeeting(m.snapshot, ev);
      if (!next) throw this.meetingRefused('adjourn', m, ctx.actor, agendaCases);
      const position = await this.write([{ stream: meetingStream(meetingId), expected: m.revision, events: [this.newEvent(ctx, null, ev)] }]);
      return { id: meetingId, committee, number: m.snapshot.context.number, state: meetingState(next), revision: m.revision + 1n, position };
    });
  }

  // =====================================================================================
  // Cases (secretariat of the case's committee)
  // =====================================================================================

  async createCase(body: CreateCaseBody, ctx: CommandContext): Promise<CommandResult> {
    await this.catalogue.catchUp();
    const c = new Checks();
    c.text('committee', body.committee);
    if (typeof body.committee === 'string' && body.committee !== '' && !this.catalogue.committees.has(body.committee))
      throw new ValidationFailed([{ field: 'committee', message: `unknown committee ${body.committee}` }]);
    if (typeof body.committee === 'string' && body.committee !== '') this.requireSecretariat(ctx.actor, 'case.create', body.committee, 'create cases');
    this.checkPaper(c, body, false);
    c.text('matterId', body.matterId, { optional: true });
    this.checkAt(c, ctx);
    c.throwIfAny();
    return this.command([body.committee], async () => {
      const caseId = randomUUID();
      const drafted: CaseDrafted['data'] = {
        v: 1,
        caseId,
        committee: body.committee,
        matterId: body.matterId ?? randomUUID(),
        title: body.title,
        type: body.type,
        proposedResolution: body.proposedResolution,
        ...pick(body, ['background', 'purpose', 'caseOfficer', 'responsible']),
        projectIds: body.projectIds ?? [],
        meetsFollowUps: body.meetsFollowUps ?? [],
      };
      const s = draftCase(drafted);
      const position = await this.write([
        { stream: caseStream(caseId), expected: 'no_stream', events: [this.newEvent(ctx, null, { type: 'CaseDrafted', data: drafted })] },
      ]);
      return { id: caseId, state: caseState(s), revision: 0n, position, matterId: drafted.matterId, committee: body.committee };
    });
  }

  /** PATCH: edit the case paper (while draft, or scheduled before notice). */
  async editCase(caseId: string, changes: EditCaseBody, ctx: CommandContext): Promise<CommandResult> {
    const committee = await this.caseCommittee(caseId);
    this.requireSecretariat(ctx.actor, 'case.advance', committee, 'edit cases');
    const c = new Checks();
    const given = Object.keys(changes ?? {});
    for (const k of given) if (!(PAPER_FIELDS as readonly string[]).includes(k)) c.add(k, 'cannot be changed');
    if (given.length === 0) c.add('body', 'names no change');
    this.checkPaper(c, changes, true);
    this.checkAt(c, ctx);
    c.throwIfAny();
    return this.command([committee], async () => {
      const k = await this.loadCase(caseId);
      this.checkIfMatch(caseStream(caseId), ctx, k.revision);
      const facts = await this.meetingFactsOf(k.snapshot);
      const ev: CaseMachineEvent = {
        type: 'CasePaperEdited',
        data: { v: 1, changes: pick(changes, PAPER_FIELDS) as Partial<CasePaper> },
        guard: { actor: ctx.actor, meeting: facts?.facts },
      };
      const next = decideCase(k.snapshot, ev);
      if (!next) throw this.caseRefused('edit', k.snapshot, ctx.actor, facts);
      const position = await this.write([{ stream: caseStream(caseId), expected: k.revision, events: [this.newEvent(ctx, null, ev)] }]);
      return { id: caseId, state: caseState(next), revision: k.revision + 1n, position };
    });
  }

  /** Every case command: schedule, unschedule, present, record-discussion, endorse, note, postpone, refer, withdraw. */
  async caseCommand<C extends CaseCommandName>(caseId: string, command: C, body: CaseCommandBodies[C], ctx: CommandContext): Promise<CommandResult>;
  async caseCommand(caseId: string, command: string, body: Record<string, unknown>, ctx: CommandContext): Promise<CommandResult>;
  async caseCommand(caseId: string, command: string, body: Record<string, unknown>, ctx: CommandContext): Promise<CommandResult> {
    if (!isCaseCommand(command) || command === 'edit') throw new ValidationFailed([{ field: 'command', message: `unknown command ${command}` }]);
    const committee = await this.caseCommittee(caseId);
    this.requireSecretariat(ctx.actor, 'case.advance', committee, `${command} cases`);
    body = body ?? {};
    const c = new Checks();
    this.checkCommandBody(c, command, body, committee);
    this.checkAt(c, ctx);
    c.throwIfAny();
    const keys = command === 'refer' ? [committee, String(body.toCommittee)] : [committee];
    return this.command(keys, () => this.runCaseCommand(caseId, command, body, ctx));
  }

  private async runCaseCommand(caseId: string, command: CaseCommand, body: Record<string, unknown>, ctx: CommandContext): Promise<CommandResult> {
    const k = await this.loadCase(caseId);
    this.checkIfMatch(caseStream(caseId), ctx, k.revision);
    const own = await this.meetingFactsOf(k.snapshot);
    const actor = ctx.actor;
    const guard = { actor, meeting: own?.facts, previousMeeting: own?.previous?.facts };
    const writes: StreamWrite[] = [];
    let ev: CaseMachineEvent;
    let extra: Record<string, unknown> = {};
    let target: Loaded<MeetingSnapshot> | undefined;

    switch (command) {
      case 'schedule': {
        target = await this.loadMeeting(String(body.meetingId));
        const t = target.snapshot.context;
        ev = { type: 'CaseScheduled', data: { v: 1, meetingId: t.meetingId }, guard: { actor, meeting: { id: t.meetingId, committee: t.committee, state: meetingState(target.snapshot) } } };
        break;
      }
      case 'unschedule':
        ev = { type: 'CaseUnscheduled', data: { v: 1, meetingId: k.snapshot.context.meetingId ?? '', reason: String(body.reason) }, guard };
        break;
      case 'present':
        ev = { type: 'CasePresented', data: { v: 1, presenter: String(body.presenter) }, guard };
        break;
      case 'record-discussion':
        ev = {
          type: 'DiscussionRecorded',
          data: {
            v: 1,
            ...(body.summary !== undefined ? { summary: body.summary as string } : {}),
            points: (body.points as string[] | undefined) ?? [],
            followUps: ((body.followUps as string[] | undefined) ?? []).map((text) => ({ id: randomUUID(), text })),
          },
          guard,
        };
        break;
      case 'endorse':
        ev = {
          type: 'ResolutionEndorsed',
          data: { v: 1, resolution: String(body.resolution), ...(body.conditions !== undefined ? { conditions: body.conditions as string } : {}) },
          guard,
        };
        break;
      case 'note':
        ev = { type: 'CaseNoted', data: { v: 1, resolution: String(body.resolution), input: (body.input as string[] | undefined) ?? [] }, guard };
        break;
      case 'postpone':
        ev = { type: 'CasePostponed', data: { v: 1, meetingId: k.snapshot.context.meetingId ?? '', reason: String(body.reason) }, guard };
        break;
      case 'refer': {
        const referredCaseId = randomUUID();
        ev = { type: 'CaseReferred', data: { v: 1, toCommittee: String(body.toCommittee), type: body.type as CaseType, referredCaseId }, guard };
        extra = { referredCaseId };
        break;
      }
      case 'withdraw':
        ev = { type: 'CaseWithdrawn', data: { v: 1, reason: String(body.reason) }, guard };
        break;
      default:
        throw new ValidationFailed([{ field: 'command', message: `unknown command ${command}` }]);
    }

    const next = decideCase(k.snapshot, ev);
    if (!next) throw this.caseRefused(command, k.snapshot, actor, own, target);
    const root = this.newEvent(ctx, null, ev);
    writes.push({ stream: caseStream(caseId), expected: k.revision, events: [root] });

    // follow-ons on other streams
    const meetingFollowOn = (m: Loaded<MeetingSnapshot>, mev: MeetingMachineEvent, refusal: () => Error) => {
      if (!decideMeeting(m.snapshot, mev)) throw refusal();
      writes.push({ stream: meetingStream(m.snapshot.context.meetingId), expected: m.revision, events: [this.newEvent(ctx, root.id!, mev)] });
    };
    const refusedByMeeting = (m: Loaded<MeetingSnapshot>, why: string) => () =>
      new InvalidCommand(
        `cannot ${command} case ${label(k.snapshot)}: meeting ${m.snapshot.context.number} ${why}`,
        allowedCommands(k.snapshot, { actor, meeting: own?.facts, previousMeeting: own?.previous?.facts }).filter((x) => x !== command),
        { meetingId: m.snapshot.context.meetingId },
      );

    if (command === 'schedule') {
      meetingFollowOn(
        target!,
        { type: 'CaseAddedToAgenda', data: { v: 1, caseId, ...(k.snapshot.context.standardItem ? { standardItem: k.snapshot.context.standardItem } : {}) }, guard: { actor } },
        refusedByMeeting(target!, 'does not take it on its agenda'),
      );
    } else if (command === 'unschedule' || command === 'postpone' || (command === 'withdraw' && own && own.facts.state === 'planned')) {
      const why = command === 'unschedule' ? 'unscheduled' : command === 'postpone' ? 'postponed' : 'withdrawn';
      meetingFollowOn(
        own!.loaded,
        { type: 'CaseRemovedFromAgenda', data: { v: 1, caseId, reason: String(body.reason), why }, guard: { actor } },
        refusedByMeeting(own!.loaded, 'does not let it off its agenda'),
      );
    } else if (command === 'endorse' && k.snapshot.context.standardItem === 'minutes-approval') {
      const prev = own?.previous?.loaded;
      if (prev) {
        const prevId = prev.snapshot.context.meetingId;
        meetingFollowOn(
          prev,
          { type: 'MinutesApproved', data: { v: 1, byCaseId: caseId, byMeetingId: own!.facts.id }, guard: { actor } },
          () =>
            new InvalidCommand(
              `cannot approve the minutes of meeting ${prev.snapshot.context.number}: it is ${meetingState(prev.snapshot)}` +
                (prev.snapshot.context.minutes === 'approved' ? ' and its minutes are approved already' : ''),
              allowedCommands(k.snapshot, { actor, meeting: own?.facts, previousMeeting: own?.previous?.facts }).filter((x) => x !== command),
              { meetingId: prevId },
            ),
        );
      }
    } else if (command === 'refer') {
      const from = k.snapshot.context;
      const data = ev.data as { toCommittee: string; type: CaseType; referredCaseId: string };
      const drafted: CaseDrafted['data'] = {
        v: 1,
        caseId: data.referredCaseId,
        committee: data.toCommittee,
        matterId: from.matterId,
        title: from.paper.title,
        type: data.type,
        proposedResolution: from.paper.proposedResolution,
        ...(from.paper.background !== undefined ? { background: from.paper.background } : {}),
        ...(from.paper.purpose !== undefined ? { purpose: from.paper.purpose } : {}),
        projectIds: [...from.paper.projectIds],
        meetsFollowUps: [],
        referredFromCaseId: caseId,
      };
      writes.push({ stream: caseStream(data.referredCaseId), expected: 'no_stream', events: [this.newEvent(ctx, root.id!, { type: 'CaseDrafted', data: drafted })] });
    }

    const position = await this.write(writes);
    return { id: caseId, state: caseState(next), revision: k.revision + 1n, position, ...extra };
  }

  // =====================================================================================
  // History: earlier decisions known only from the records (admin or the committee's secretariat)
  // =====================================================================================

  /**
   * Record an earlier decision as the records quote it, in `history-{CODE}-{NN}-{YY}`. It takes no
   * number from the numbering and names no meeting. Recording the same decision again with the same
   * content writes nothing and answers the first recording (`repeated: true`); with other content it
   * is refused (DomainRuleViolation `history-recorded`, 409).
   */
  async recordHistoricalDecision(code: string, body: RecordHistoryBody, ctx: CommandContext): Promise<CommandResult> {
    await this.requireCommittee(code);
    if (!may(ctx.actor, 'history.record', code))
      throw new Forbidden(`only an admin or the secretariat of ${code} may record historical decisions`);
    const c = new Checks();
    const b = (body ?? {}) as RecordHistoryBody & Record<string, unknown>;
    for (const k of Object.keys(b)) if (!(HISTORY_FIELDS as readonly string[]).includes(k)) c.add(k, 'is not a known field');
    const m = typeof b.number === 'string' ? HISTORY_NUMBER_RE.exec(b.number) : null;
    if (!m) c.add('number', 'must be a case number N/YY, as recorded');
    let year: number | undefined;
    if (b.year !== undefined) {
      if (!Number.isInteger(b.year) || b.year < 1000 || b.year > 9999) c.add('year', 'must be a four-digit year');
      else if (m && b.year % 100 !== Number(m[2])) c.add('year', `must be the year of the number ${b.number}`);
      else year = b.year;
    } else if (m) year = 2000 + Number(m[2]);
    c.text('title', b.title);
    c.text('wording', b.wording);
    c.oneOf('outcome', b.outcome, OUTCOMES, { optional: true });
    if (b.date !== undefined) {
      if (!validDate(b.date)) c.add('date', 'must be a date YYYY-MM-DD');
      else if (year !== undefined && Number(b.date.slice(0, 4)) !== year) c.add('date', `must be in ${year}, the year of the number`);
    }
    if (b.minutesApproved !== undefined && typeof b.minutesApproved !== 'boolean') c.add('minutesApproved', 'must be a boolean');
    c.text('matterId', b.matterId, { optional: true });
    c.text('note', b.note, { optional: true });
    const src = b.source;
    if (src !== undefined) {
      if (!src || typeof src !== 'object' || Array.isArray(src)) c.add('source', 'must be an object');
      else {
        for (const k of Object.keys(src)) if (!['citedBy', 'citedByCaseIds', 'seeds'].includes(k)) c.add(`source.${k}`, 'is not a known field');
        c.texts('source.citedBy', src.citedBy, { optional: true });
        c.texts('source.citedByCaseIds', src.citedByCaseIds, { optional: true });
        if (src.seeds !== undefined) {
          if (!Array.isArray(src.seeds)) c.add('source.seeds', 'must be an array');
          else
            src.seeds.forEach((x, i) => {
              if (!x || typeof x !== 'object' || typeof x.seed !== 'string' || !x.seed.trim()) c.add(`source.seeds[${i}].seed`, 'must be a non-empty string');
              if (!x || !Array.isArray(x.lines) || !x.lines.every((n) => Number.isInteger(n) && n >= 1)) c.add(`source.seeds[${i}].lines`, 'must be an array of line numbers');
            });
        }
      }
    }
    this.checkAt(c, ctx);
    c.throwIfAny();
    const source: HistoricalDecisionRecorded['data']['source'] = {
      ...(src?.citedBy ? { citedBy: [...src.citedBy] } : {}),
      ...(src?.citedByCaseIds ? { citedByCaseIds: [...src.citedByCaseIds] } : {}),
      ...(src?.seeds ? { seeds: src.seeds.map((x) => ({ seed: x.seed, lines: [...x.lines] })) } : {}),
    };
    const data: HistoricalDecisionRecorded['data'] = {
      v: 1,
      committee: code,
      number: b.number,
      year: year!,
      title: b.title,
      wording: b.wording,
      ...(b.outcome !== undefined ? { outcome: b.outcome } : {}),
      ...(b.date !== undefined ? { date: b.date } : {}),
      ...(b.minutesApproved !== undefined ? { minutesApproved: b.minutesApproved } : {}),
      ...(b.matterId !== undefined ? { matterId: b.matterId } : {}),
      source,
      ...(b.note !== undefined ? { note: b.note } : {}),
    };
    const stream = historyStream(code, b.number);
    return this.command([code], async () => {
      const existing = await this.readEvents(stream);
      if (existing) {
        const first = existing[0]!;
        if (canonical(first.data) !== canonical(data))
          throw new DomainRuleViolation('history-recorded', `${code} ${b.number} is recorded already with other content; history is not rewritten`);
        return { id: stream, state: 'recorded', revision: revisionOf(existing), position: first.position, committee: code, number: b.number, repeated: true };
      }
      const root = this.newEvent(ctx, null, { type: 'HistoricalDecisionRecorded', data });
      const position = await this.write([{ stream, expected: 'no_stream', events: [root] }]);
      return { id: stream, state: 'recorded', revision: 0n, position, committee: code, number: b.number, repeated: false };
    });
  }

  /** The committee's historical decisions, in the order they were recorded. */
  async listHistory(code: string): Promise<HistoricalDecisionView[]> {
    await this.requireCommittee(code);
    return [...(this.catalogue.history.get(code)?.values() ?? [])].map(historyView);
  }

  // =====================================================================================
  // Reads
  // =====================================================================================

  async listCommittees(): Promise<{ code: string; name: string }[]> {
    await this.catalogue.catchUp();
    return [...this.catalogue.committees.values()].sort((a, b) => (a.position < b.position ? -1 : 1)).map(({ code, name }) => ({ code, name }));
  }

  async getCommittee(code: string): Promise<CommitteeView> {
    const k = await this.loadCommittee(code);
    const all = [...k.members.values()];
    return { code: k.code, name: k.name, members: all.filter((m) => !m.leftAt), formerMembers: all.filter((m) => m.leftAt), revision: k.revision };
  }

  /** Where the year's numbering stands: the next free meeting and case numbers. */
  async getNumbering(code: string, year: number): Promise<NumberingState & { revision: bigint }> {
    await this.requireCommittee(code);
    const { state, revision } = await this.loadNumbering(code, year);
    return { committee: state.committee, year: state.year, nextMeetingNumber: state.nextMeetingNumber, nextCaseNumber: state.nextCaseNumber, revision };
  }

  /** The committee's meetings in planning order (optionally one year). */
  async listMeetings(code: string, options: { year?: number } = {}): Promise<MeetingSummary[]> {
    await this.requireCommittee(code);
    const out: MeetingSummary[] = [];
    for (const m of this.catalogue.meetingsOf(code)) {
      if (options.year !== undefined && m.year !== options.year) continue;
      const s = (await this.loadMeeting(m.meetingId)).snapshot;
      out.push(summary(s));
    }
    return out;
  }

  async getMeeting(meetingId: string, options: { actor?: Actor } = {}): Promise<MeetingView> {
    const m = await this.loadMeeting(meetingId);
    return this.meetingView(m, options.actor);
  }

  async meetingHistory(meetingId: string): Promise<HistoryEntry[]> {
    const events = await this.readEvents(meetingStream(meetingId));
    if (!events) throw new NotFound('meeting', meetingId);
    return events.map(historyEntry);
  }

  /** `actor` given: allowedCommands for that caller; omitted: allowed by state alone. */
  async getCase(caseId: string, options: { actor?: Actor } = {}): Promise<CaseView> {
    const k = await this.loadCase(caseId);
    return this.caseView(k, options.actor);
  }

  /** The case as it stood at a global position or at a time (`metadata.at`); NotFound before it existed. */
  async getCaseAt(caseId: string, at: { atPosition?: bigint; asOf?: string }, options: { actor?: Actor } = {}): Promise<CaseView> {
    const events = await this.readEvents(caseStream(caseId));
    if (!events) throw new NotFound('case', caseId);
    const keep = cutOff(at);
    const upto = events.filter(keep);
    if (!upto.length) throw new NotFound('case', caseId);
    const k: Loaded<CaseSnapshot> = { events: upto, snapshot: foldCase(upto), revision: revisionOf(upto) };
    return this.caseView(k, options.actor, keep);
  }

  async caseHistory(caseId: string): Promise<HistoryEntry[]> {
    const events = await this.readEvents(caseStream(caseId));
    if (!events) throw new NotFound('case', caseId);
    return events.map(historyEntry);
  }

  /** The matter's cases across committees in the order they were opened. */
  async getMatter(matterId: string): Promise<MatterView> {
    await this.catalogue.catchUp();
    const ids = this.catalogue.matters.get(matterId);
    if (!ids?.length) throw new NotFound('matter', matterId);
    const cases = [];
    for (const id of ids) {
      const s = (await this.loadCase(id)).snapshot;
      const c = s.context;
      cases.push({ id, committee: c.committee, number: c.number, title: c.paper.title, type: c.paper.type, state: caseState(s), meetingId: c.meetingId });
    }
    return { matterId, cases };
  }

  // =====================================================================================
  // internals
  // =====================================================================================

  /** Serialise on the keys, catch the catalogue up, run; re-run when the first append lost a race. */
  private async command<T>(keys: string[], fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(keys, async () => {
      for (let attempt = 1; ; attempt++) {
        await this.catalogue.catchUp();
        try {
          return await fn();
        } catch (e) {
          if (e instanceof RetryCommand) this.retries++;
          if (e instanceof RetryCommand && attempt < MAX_ATTEMPTS) continue;
          if (e instanceof RetryCommand)
            throw new DomainRuleViolation('concurrent-change', 'the records changed concurrently too often; try again');
          throw e;
        }
      }
    });
  }

  /** Append in the given order; the highest position written. Catalogue caught up before returning. */
  private async write(writes: StreamWrite[]): Promise<bigint> {
    let position = 0n;
    const written: string[] = [];
    for (const [i, w] of writes.entries()) {
      try {
        const r = await this.store.append(w.stream, w.events, { expectedRevision: w.expected });
        position = maxBig(position, r.position);
        written.push(w.stream);
      } catch (e) {
        if (e instanceof WrongExpectedRevision || (e as { code?: string })?.code === 'WRONG_EXPECTED_REVISION') {
          if (i === 0) throw new RetryCommand();
          throw new PartialWriteConflict(w.stream, written);
        }
        throw e;
      }
    }
    await this.catalogue.catchUp();
    return position;
  }

  private newEvent(ctx: CommandContext, causationId: string | null, e: { type: string; data: unknown }): NewEvent {
    return {
      id: randomUUID(),
      type: e.type,
      data: e.data,
      metadata: { actor: ctx.actor.name, correlationId: ctx.correlationId, causationId, at: ctx.at ?? this.clock().toISOString() },
    };
  }

  private async readEvents(stream: string): Promise<RecordedEvent[] | null> {
    const out: RecordedEvent[] = [];
    try {
      for await (const e of this.store.readStream(stream)) out.push(e);
    } catch (e) {
      if (e instanceof StreamNotFound || (e as { code?: string })?.code === 'STREAM_NOT_FOUND') return null;
      throw e;
    }
    return out.length ? out : null;
  }

  private async loadCase(caseId: string): Promise<Loaded<CaseSnapshot>> {
    const events = await this.readEvents(caseStream(caseId));
    if (!events) throw new NotFound('case', caseId);
    return { events, snapshot: foldCase(events), revision: revisionOf(events) };
  }

  private async loadMeeting(meetingId: string): Promise<Loaded<MeetingSnapshot>> {
    const events = await this.readEvents(meetingStream(meetingId));
    if (!events) throw new NotFound('meeting', meetingId);
    return { events, snapshot: foldMeeting(events), revision: revisionOf(events) };
  }

  private async loadCommittee(code: string): Promise<LoadedCommittee> {
    const events = await this.readEvents(committeeStream(code));
    if (!events) throw new NotFound('committee', code);
    const c = foldCommittee(code, events);
    const members = new Map<string, MemberView>();
    for (const m of c.members)
      members.set(m.id, { id: m.id, name: m.name, organisation: m.organisation, role: m.role, joinedAt: m.joined.at ?? '', ...(m.left ? { leftAt: m.left.at ?? '' } : {}) });
    return { code, name: c.name, members, revision: revisionOf(events) };
  }

  private async loadNumbering(code: string, year: number): Promise<{ state: NumberingState; revision: bigint }> {
    const events = (await this.readEvents(numberingStream(code, year))) ?? [];
    return { state: foldNumbering(code, year, events), revision: revisionOf(events) };
  }

  /** The case's current meeting (loaded) and its facts for guards. */
  private async meetingFactsOf(
    s: CaseSnapshot,
    keep?: (e: RecordedEvent) => boolean,
  ): Promise<OwnMeeting | undefined> {
    const id = s.context.meetingId;
    if (!id) return undefined;
    const load = async (meetingId: string) => {
      let loaded = await this.loadMeeting(meetingId);
      if (keep) {
        const events = loaded.events.filter(keep);
        if (!events.length) return undefined;
        loaded = { events, snapshot: foldMeeting(events), revision: revisionOf(events) };
      }
      return loaded;
    };
    const loaded = await load(id);
    if (!loaded) return undefined;
    const c = loaded.snapshot.context;
    const own: OwnMeeting = { loaded, facts: { id: c.meetingId, committee: c.committee, state: meetingState(loaded.snapshot) } };
    if (s.context.standardItem === 'minutes-approval' && c.previousMeetingId) {
      const prev = await load(c.previousMeetingId);
      if (prev) {
        const p = prev.snapshot.context;
        own.previous = { loaded: prev, facts: { id: p.meetingId, committee: p.committee, state: meetingState(prev.snapshot), minutes: p.minutes } };
      }
    }
    return own;
  }

  private async agendaCaseStates(m: MeetingSnapshot): Promise<Record<string, CaseState>> {
    const out: Record<string, CaseState> = {};
    for (const a of m.context.agenda) out[a.caseId] = caseState((await this.loadCase(a.caseId)).snapshot);
    return out;
  }

  private async requireCommittee(code: string): Promise<void> {
    await this.catalogue.catchUp();
    if (!this.catalogue.committees.has(code)) throw new NotFound('committee', code);
  }

  /** The committee a case belongs to (NotFound 404 for an unknown case). For access checks. */
  async caseCommittee(caseId: string): Promise<string> {
    await this.catalogue.catchUp();
    const c = this.catalogue.cases.get(caseId);
    if (!c) throw new NotFound('case', caseId);
    return c.committee;
  }

  /** The committee a meeting belongs to (NotFound 404 for an unknown meeting). For access checks. */
  async meetingCommittee(meetingId: string): Promise<string> {
    await this.catalogue.catchUp();
    const m = this.catalogue.meetings.get(meetingId);
    if (!m) throw new NotFound('meeting', meetingId);
    return m.committee;
  }

  /** Facade-level role checks through the one policy (they move to the api's guard in phase 2). */
  private requireAdmin(actor: Actor, action: Action, what: string): void {
    if (!may(actor, action)) throw new Forbidden(`only an admin may ${what}`);
  }

  private requireSecretariat(actor: Actor, action: Action, committee: string, what: string): void {
    if (!may(actor, action, committee)) throw new Forbidden(`only the secretariat of ${committee} may ${what}`);
  }

  private checkIfMatch(stream: string, ctx: CommandContext, revision: bigint): void {
    if (ctx.ifMatch !== undefined && ctx.ifMatch !== revision) throw new StaleRevision(stream, ctx.ifMatch, revision);
  }

  private checkAt(c: Checks, ctx: CommandContext): void {
    if (ctx.at !== undefined && (typeof ctx.at !== 'string' || Number.isNaN(Date.parse(ctx.at)))) c.add('at', 'must be an ISO 8601 time');
  }
  private checkAtOnly(ctx: CommandContext): void {
    const c = new Checks();
    this.checkAt(c, ctx);
    c.throwIfAny();
  }

  private checkPaper(c: Checks, body: Partial<CreateCaseBody>, partial: boolean): void {
    const opt = { optional: partial };
    c.text('title', body.title, opt);
    c.oneOf('type', body.type, CASE_TYPES, opt);
    c.text('proposedResolution', body.proposedResolution, { ...opt, allowEmpty: true });
    for (const f of ['background', 'purpose', 'caseOfficer', 'responsible'] as const) c.text(f, body[f], { optional: true, allowEmpty: true });
    c.texts('projectIds', body.projectIds, { optional: true });
    c.texts('meetsFollowUps', body.meetsFollowUps, { optional: true });
    if (Array.isArray(body.meetsFollowUps))
      body.meetsFollowUps.forEach((id, i) => {
        if (typeof id === 'string' && !this.catalogue.followUps.has(id)) c.add(`meetsFollowUps[${i}]`, `unknown follow-up ${id}`);
      });
  }

  private checkCommandBody(c: Checks, command: CaseCommand, body: Record<string, unknown>, committee: string): void {
    const allowedFields: Record<string, string[]> = {
      schedule: ['meetingId'],
      unschedule: ['reason'],
      present: ['presenter'],
      'record-discussion': ['summary', 'points', 'followUps'],
      endorse: ['resolution', 'conditions'],
      note: ['resolution', 'input'],
      postpone: ['reason'],
      refer: ['toCommittee', 'type'],
      withdraw: ['reason'],
    };
    for (const k of Object.keys(body)) if (!allowedFields[command]!.includes(k)) c.add(k, 'is not a field of this command');
    switch (command) {
      case 'schedule': {
        c.text('meetingId', body.meetingId);
        if (typeof body.meetingId === 'string' && body.meetingId !== '') {
          const m = this.catalogue.meetings.get(body.meetingId);
          if (!m) c.add('meetingId', `unknown meeting ${body.meetingId}`);
          else if (m.committee !== committee) c.add('meetingId', `meeting ${m.number} belongs to ${m.committee}, not ${committee}`);
        }
        break;
      }
      case 'unschedule':
      case 'postpone':
      case 'withdraw':
        c.text('reason', body.reason);
        break;
      case 'present':
        c.text('presenter', body.presenter);
        break;
      case 'record-discussion':
        c.text('summary', body.summary, { optional: true, allowEmpty: true });
        c.texts('points', body.points, { optional: true });
        c.texts('followUps', body.followUps, { optional: true });
        break;
      case 'endorse':
        c.text('resolution', body.resolution);
        c.text('conditions', body.conditions, { optional: true, allowEmpty: true });
        break;
      case 'note':
        c.text('resolution', body.resolution);
        c.texts('input', body.input, { optional: true });
        break;
      case 'refer':
        c.text('toCommittee', body.toCommittee);
        c.oneOf('type', body.type, CASE_TYPES);
        if (typeof body.toCommittee === 'string' && body.toCommittee !== '') {
          if (!this.catalogue.committees.has(body.toCommittee)) c.add('toCommittee', `unknown committee ${body.toCommittee}`);
          else if (body.toCommittee === committee) c.add('toCommittee', 'must be another committee');
        }
        break;
    }
  }

  private caseRefused(
    command: CaseCommand,
    s: CaseSnapshot,
    actor: Actor,
    own: OwnMeeting | undefined,
    target?: Loaded<MeetingSnapshot>,
  ): InvalidCommand {
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
    let detail = `cannot ${command} case ${label(s)}: it is ${caseState(s)}`;
    if (s.context.number) detail += ` with number ${s.context.number}`;
    if (own) detail += `; its meeting ${own.loaded.snapshot.context.number} is ${own.facts.state}`;
    return new InvalidCommand(detail, allowed, own && caseState(s) !== 'draft' ? { meetingId: own.facts.id } : {});
  }

  private meetingRefused(command: 'notice' | 'open' | 'adjourn', m: Loaded<MeetingSnapshot>, actor: Actor, agendaCases?: Record<string, CaseState>): InvalidCommand {
    const s = m.snapshot;
    const allowed = allowedMeetingCommands(s, { actor, agendaCases }).filter((c) => c !== command);
    if (command === 'adjourn' && meetingState(s) === 'in_session') {
      const open = openAgendaCases(s.context, agendaCases);
      const named = open.map((id) => {
        const a = s.context.agenda.find((x) => x.caseId === id);
        return `${a?.number ?? id} (${agendaCases?.[id] ?? 'unknown'})`;
      });
      return new InvalidCommand(`cannot adjourn meeting ${s.context.number}: cases still open: ${named.join(', ')}`, allowed, {
        meetingId: s.context.meetingId,
        caseIds: open,
      });
    }
    return new InvalidCommand(`cannot ${command} meeting ${s.context.number}: it is ${meetingState(s)}`, allowed, { meetingId: s.context.meetingId });
  }

  private async meetingView(m: Loaded<MeetingSnapshot>, actor?: Actor): Promise<MeetingView> {
    const s = m.snapshot;
    const agenda: AgendaItemView[] = [];
    const states: Record<string, CaseState> = {};
    for (const a of agendaOrder(s.context.agenda)) {
      const k = (await this.loadCase(a.caseId)).snapshot;
      states[a.caseId] = caseState(k);
      agenda.push({
        caseId: a.caseId,
        number: k.context.number ?? a.number,
        title: k.context.paper.title,
        type: k.context.paper.type,
        state: caseState(k),
        ...(a.standardItem ? { standardItem: a.standardItem } : {}),
      });
    }
    const c = s.context;
    return {
      ...summary(s),
      ...(c.startTime !== null ? { startTime: c.startTime } : {}),
      ...(c.endTime !== null ? { endTime: c.endTime } : {}),
      place: c.place,
      ...(c.previousMeetingId ? { previousMeetingId: c.previousMeetingId, previousMeetingDate: c.previousMeetingDate ?? undefined } : {}),
      agenda,
      attendance: c.attendance,
      minutesApprovedBy: c.minutesApprovedBy,
      allowedCommands: allowedMeetingCommands(s, { actor, agendaCases: states }),
      public: meetingState(s) !== 'planned',
      revision: m.revision,
      position: m.events[m.events.length - 1]!.position,
    };
  }

  private async caseView(k: Loaded<CaseSnapshot>, actor?: Actor, keep?: (e: RecordedEvent) => boolean): Promise<CaseView> {
    const s = k.snapshot;
    const c = s.context;
    const own = await this.meetingFactsOf(s, keep);
    return {
      id: c.caseId,
      committee: c.committee,
      number: c.number,
      title: c.paper.title,
      type: c.paper.type,
      state: caseState(s),
      proposedResolution: c.paper.proposedResolution,
      resolution: c.decision?.resolution ?? null,
      conditions: c.decision?.conditions ?? null,
      input: c.decision?.input ?? [],
      meetingId: c.meetingId,
      matterId: c.matterId,
      revision: k.revision,
      position: k.events[k.events.length - 1]!.position,
      allowedCommands: allowedCommands(s, { actor, meeting: own?.facts, previousMeeting: own?.previous?.facts }),
      recorded: !!own && own.loaded.snapshot.context.minutes === 'approved',
      meetingState: own?.facts.state ?? null,
      public: k.events.some((e) => e.type === 'CaseNumbered'),
      ...pick(c.paper, ['background', 'purpose', 'caseOfficer', 'responsible']),
      projectIds: c.paper.projectIds,
      meetsFollowUps: c.paper.meetsFollowUps,
      ...(c.standardItem ? { standardItem: c.standardItem } : {}),
      ...(c.referredFromCaseId ? { referredFromCaseId: c.referredFromCaseId } : {}),
      presenter: c.presenter,
      discussion: c.discussions.map((d) => ({ summary: d.summary, points: d.points, followUps: d.followUps })),
      referrals: c.referrals.map((r) => ({ toCommittee: r.toCommittee, type: r.type, referredCaseId: r.referredCaseId })),
      withdrawnReason: c.withdrawal?.reason ?? null,
      postponedFrom: c.postponements.map((p) => p.meetingId),
    };
  }
}

function pick<T extends object, K extends string>(o: T, keys: readonly K[]): Partial<Record<K, unknown>> & Partial<T> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if ((o as Record<string, unknown>)[k] !== undefined) out[k] = (o as Record<string, unknown>)[k];
  return out as Partial<Record<K, unknown>> & Partial<T>;
}

function label(s: CaseSnapshot): string {
  return s.context.number ?? `"${s.context.paper.title}"`;
}

function summary(s: MeetingSnapshot): MeetingSummary {
  const c = s.context;
  return { id: c.meetingId, committee: c.committee, number: c.number, year: c.year, date: c.date, state: meetingState(s), minutes: c.minutes };
}

function cutOff(at: { atPosition?: bigint; asOf?: string }): (e: RecordedEvent) => boolean {
  if (at.atPosition !== undefined) {
    const p = at.atPosition;
    return (e) => e.position <= p;
  }
  if (at.asOf !== undefined) {
    const t = Date.parse(at.asOf);
    if (Number.isNaN(t)) throw new ValidationFailed([{ field: 'asOf', message: 'must be an ISO 8601 time' }]);
    return (e) => Date.parse(e.metadata.at) <= t;
  }
  return () => true;
}

function historyEntry(e: RecordedEvent): HistoryEntry {
  return {
    id: e.id,
    position: e.position,
    revision: e.revision,
    type: e.type,
    at: e.metadata.at,
    recordedAt: e.recordedAt,
    actor: e.metadata.actor,
    data: e.data,
    correlationId: e.metadata.correlationId,
    causationId: e.metadata.causationId ?? null,
    hash: e.hash ?? null,
  };
}

// keep the imported types referenced (documentation of what flows through)
export type { CaseEvent, DomainEvent, MeetingEvent };

/** JSON with sorted keys, to compare event data regardless of key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

function historyView(e: RecordedEvent): HistoricalDecisionView {
  const d = upcast(e.type, e.data) as HistoricalDecisionRecorded['data'];
  return {
    id: e.stream,
    committee: d.committee,
    number: d.number,
    year: d.year,
    title: d.title,
    wording: d.wording,
    outcome: d.outcome ?? null,
    date: d.date ?? null,
    minutesApproved: d.minutesApproved === true,
    matterId: d.matterId ?? null,
    source: d.source,
    note: d.note ?? null,
    at: e.metadata.at,
    actor: e.metadata.actor,
    position: e.position,
  };
}

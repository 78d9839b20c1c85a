/**
 * The application service: a thin facade over the feature deciders (../committee, ../meeting,
 * ../case, ../numbering, ../history), the one command handler (../core/handler.ts) and the reads
 * (../queries). No Nest; used by the api, the records importer, the bench and the tests.
 *
 * A command: the handler catches the catalogue up, the command's load reads the records it needs
 * (folded through their evolve, with the revisions read), its pure `decide` answers a write plan
 * or a domain error (400 for records the body names that do not exist, 412 for a stale `ifMatch`,
 * 409 when the state refuses it; nothing written), and the whole plan is appended with ONE
 * `appendMany` (all streams or none), re-decided on a conflict. No lock is held across the
 * append. Who may do it is not checked here: the api's guard asks `may(actor, action, committee)`
 * once per request; `allowedCommands` (in views and refusals) intersects the machines' answer
 * with `may`. Shapes of bodies are the DTOs' (HTTP) and the records schema's (import).
 */
import type { EventStore } from '@saksflyt/event-store';
import { decideCaseCommandRouted } from '../case/route.js';
import { reorderAgenda } from '../meeting/agenda-commands.js';
import { addAttachment, removeAttachment, type AttachmentBody } from '../case/attachments.js';
import { decideCreateCase, decideEditCase } from '../case/decide.js';
import { decideAddMember, decideCreateCommittee, decideRemoveMember } from '../committee/decide.js';
import { linkMemberLogin, type LinkLoginBody } from '../committee/login.js';
import { CommandHandler } from '../core/handler.js';
import { Loader } from '../core/load.js';
import { historyStream } from '../events.js';
import { closeFollowUp } from '../followup/commands.js';
import { decideRecordHistory } from '../history/decide.js';
import { isCaseCommand } from '../machines/commands.js';
import type { Actor } from '../machines/guard-input.js';
import { decideAdjournMeeting, decideNoticeMeeting, decideOpenMeeting } from '../meeting/decide.js';
import { CalendarCommands } from '../meeting/commands.js';
import { decideContinueNumbering } from '../numbering/decide.js';
import type { NumberingState } from '../numbering/state.js';
import { Queries } from '../queries/reads.js';
import { citedItems } from '../queries/views.js';
import { answerWrittenProcedure, openWrittenProcedure, whoMayVote } from './written-procedure.js';
import { Catalogue } from './catalogue.js';
import { ValidationFailed } from './errors.js';
import type {
  AddMemberBody,
  CancelMeetingBody,
  CaseCommandBodies,
  CaseCommandName,
  CaseView,
  ChangeMeetingBody,
  CloseFollowUpBody,
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
  NumberingBody,
  OpenMeetingBody,
  PlanMeetingBody,
  RecordHistoryBody,
  ReorderAgendaBody,
  WorkflowOptions,
  WrittenAnswerBody,
} from './types.js';

export { norwegianDate } from '../meeting/decide.js';

export class Workflow {
  /** The cross-aggregate index; see catalogue.ts for how read-your-writes holds. */
  readonly catalogue: Catalogue;
  private readonly load: Loader;
  readonly handler: CommandHandler;
  private readonly queries: Queries;
  private readonly calendar: CalendarCommands;
  private readonly clock: () => Date;

  constructor(
    private readonly store: EventStore,
    options: WorkflowOptions = {},
  ) {
    this.catalogue = new Catalogue(store);
    this.load = new Loader(store, this.catalogue);
    this.clock = options.clock ?? (() => new Date());
    this.handler = new CommandHandler(store, this.catalogue, this.clock);
    this.queries = new Queries(this.load);
    this.calendar = new CalendarCommands(this.handler, this.catalogue, this.load);
  }

  /** Commands re-decided because their append met a conflict (diagnostics). */
  get retries(): number {
    return this.handler.retries;
  }

  /** Bring the catalogue up to the store's head (optional warm-up at start; every call does it anyway). */
  async catchUp(): Promise<bigint> {
    return this.catalogue.catchUp();
  }

  // ---------- committees, members, numbering ----------

  createCommittee(body: CreateCommitteeBody, ctx: CommandContext): Promise<CommandResult> {
    return this.handler.run(ctx, async () => decideCreateCommittee(body, { exists: this.catalogue.committees.has(body.code) }));
  }

  addMember(code: string, body: AddMemberBody, ctx: CommandContext): Promise<CommandResult> {
    return this.handler.run(ctx, async (ids, rec) => decideAddMember({ code, body, ifMatch: ctx.ifMatch, ids }, await rec.committee(code)));
  }

  removeMember(code: string, memberId: string, ctx: CommandContext): Promise<CommandResult> {
    return this.handler.run(ctx, async (_ids, rec) => decideRemoveMember({ code, memberId, ifMatch: ctx.ifMatch }, await rec.committee(code)));
  }

  /** PATCH a seat's login (`userId`; null unlinks): see committee/login.ts. */
  linkMemberLogin(code: string, memberId: string, body: LinkLoginBody, ctx: CommandContext): Promise<CommandResult> { return linkMemberLogin(this.handler, code, memberId, body, ctx); }
  /** PUT numbering: where the year's numbering continues; only forward (DomainRuleViolation 409). */
  continueNumbering(code: string, year: number, body: NumberingBody, ctx: CommandContext): Promise<CommandResult> {
    return this.handler.run(ctx, async (_ids, rec) => {
      await this.load.requireCommittee(code);
      return decideContinueNumbering({ code, year, body, ifMatch: ctx.ifMatch }, await rec.numbering(code, year));
    });
  }

  // ---------- meetings ----------

  /** Plan, PATCH and cancel re-target the approval chain in the same write (meeting/commands.ts). */
  planMeeting(code: string, body: PlanMeetingBody, ctx: CommandContext): Promise<CommandResult> {
    return this.calendar.plan(code, body, ctx);
  }
  changeMeeting(meetingId: string, body: ChangeMeetingBody, ctx: CommandContext): Promise<CommandResult> {
    return this.calendar.change(meetingId, body, ctx);
  }
  cancelMeeting(meetingId: string, body: CancelMeetingBody, ctx: CommandContext): Promise<CommandResult> {
    return this.calendar.cancel(meetingId, body, ctx);
  }

  /** Innkalling: freeze the agenda and number its cases N/YY in agenda order. */
  noticeMeeting(meetingId: string, ctx: CommandContext): Promise<CommandResult> {
    return this.handler.run(ctx, async (_ids, rec) => {
      const meeting = await rec.meeting(meetingId);
      const c = meeting.snapshot.context;
      const numbering = await rec.numbering(c.committee, c.year);
      const cases: Parameters<typeof decideNoticeMeeting>[1]['cases'] = {};
      for (const a of c.agenda) cases[a.caseId] = await rec.case(a.caseId);
      return decideNoticeMeeting({ meetingId, ifMatch: ctx.ifMatch, actor: ctx.actor }, { meeting, numbering, cases });
    });
  }

  openMeeting(meetingId: string, body: OpenMeetingBody, ctx: CommandContext): Promise<CommandResult> {
    return this.handler.run(ctx, async (_ids, rec) => {
      const meeting = await rec.meeting(meetingId);
      const { members } = await rec.committee(meeting.snapshot.context.committee);
      return decideOpenMeeting({ meetingId, body, ifMatch: ctx.ifMatch, actor: ctx.actor }, { meeting, members });
    });
  }

  adjournMeeting(meetingId: string, ctx: CommandContext): Promise<CommandResult> {
    return this.handler.run(ctx, async (_ids, rec) => {
      const meeting = await rec.meeting(meetingId);
      const agendaCases = await rec.agendaCaseStates(meeting.snapshot);
      return decideAdjournMeeting({ meetingId, ifMatch: ctx.ifMatch, actor: ctx.actor }, { meeting, agendaCases });
    });
  }

  // ---------- cases ----------

  createCase(body: CreateCaseBody, ctx: CommandContext): Promise<CommandResult> {
    return this.handler.run(ctx, async (ids) => {
      const cited = await citedItems(this.load, body.meetsFollowUps, body.committee);
      return decideCreateCase({ body, ids }, { committeeExists: this.catalogue.committees.has(body.committee), knownFollowUp: (id) => this.catalogue.followUps.has(id) || cited.has(id) });
    });
  }

  /** PATCH: edit the case paper (while draft, or scheduled before notice). */
  editCase(caseId: string, changes: EditCaseBody, ctx: CommandContext): Promise<CommandResult> {
    return this.handler.run(ctx, async (_ids, rec) => {
      const k = await rec.case(caseId);
      const own = await rec.ownMeeting(k.snapshot);
      const cited = await citedItems(this.load, changes.meetsFollowUps, k.snapshot.context.committee);
      return decideEditCase(
        { caseId, changes, ifMatch: ctx.ifMatch, actor: ctx.actor },
        { case: k, ...(own ? { own } : {}), knownFollowUp: (id) => this.catalogue.followUps.has(id) || cited.has(id) },
      );
    });
  }

  /** Every case command: schedule (late too), unschedule, present, record-discussion, endorse, note, postpone, refer, withdraw, amend. */
  async caseCommand<C extends CaseCommandName>(caseId: string, command: C, body: CaseCommandBodies[C], ctx: CommandContext): Promise<CommandResult>;
  async caseCommand(caseId: string, command: string, body: Record<string, unknown>, ctx: CommandContext): Promise<CommandResult>;
  async caseCommand(caseId: string, command: string, body: Record<string, unknown>, ctx: CommandContext): Promise<CommandResult> {
    if (!isCaseCommand(command) || command === 'edit') throw new ValidationFailed([{ field: 'command', message: `unknown command ${command}` }]);
    const b = body ?? {};
    if (command === 'written-procedure') return openWrittenProcedure(this.handler, this.clock, caseId, b as { deadline: string }, ctx);
    return this.handler.run(ctx, async (ids, rec) => {
      const k = await rec.case(caseId);
      const own = await rec.ownMeeting(k.snapshot);
      const meetingId = String(b.meetingId);
      const target = command === 'schedule' ? (this.catalogue.meetings.has(meetingId) ? await rec.meeting(meetingId) : null) : undefined;
      const inSession = await whoMayVote(rec, command, k.snapshot, own);
      const numbering = b.late === true && target ? await rec.numbering(target.snapshot.context.committee, target.snapshot.context.year) : undefined;
      return decideCaseCommandRouted(
        { caseId, command, body: b as never, ifMatch: ctx.ifMatch, actor: ctx.actor, ids },
        {
          ...(numbering ? { numbering } : {}),
          case: k,
          ...(own ? { own } : {}),
          ...(target !== undefined ? { target } : {}),
          ...(command === 'refer' ? { toCommitteeExists: this.catalogue.committees.has(String(b.toCommittee)) } : {}),
          ...(target && k.snapshot.context.approvesMinutesOf ? { approves: await rec.meeting(k.snapshot.context.approvesMinutesOf) } : {}),
          inSession,
        },
      );
    });
  }

  /** Close a follow-up by hand, with a reason (no case met it); closed or met already: 409. */
  closeFollowUp(followUpId: string, body: CloseFollowUpBody, ctx: CommandContext): Promise<CommandResult> {
    return closeFollowUp(this.handler, this.load, followUpId, body, ctx);
  }

  /** PUT agenda: the order of the substantive cases before notice. */
  reorderAgenda(meetingId: string, body: ReorderAgendaBody, ctx: CommandContext): Promise<CommandResult> {
    return reorderAgenda(this.handler, meetingId, body, ctx);
  }

  /** Vedlegg: the bytes are already stored by `sha256` (the api's blob store); see case/attachments.ts. */
  addAttachment(caseId: string, attachment: AttachmentBody, ctx: CommandContext): Promise<CommandResult> {
    return addAttachment(this.handler, caseId, attachment, ctx);
  }
  removeAttachment(caseId: string, attachmentId: string, ctx: CommandContext): Promise<CommandResult> {
    return removeAttachment(this.handler, caseId, attachmentId, ctx);
  }

  /** A member's answer in a written procedure (their own token; a later one replaces theirs). */
  answerWrittenProcedure(caseId: string, body: WrittenAnswerBody, ctx: CommandContext): Promise<CommandResult> {
    return answerWrittenProcedure(this.handler, this.clock, caseId, body, ctx);
  }

  // ---------- history (earlier decisions known only from the records) ----------

  /** Recording again with the same content writes nothing (`repeated: true`); other content is 409. */
  recordHistoricalDecision(code: string, body: RecordHistoryBody, ctx: CommandContext): Promise<CommandResult> {
    return this.handler.run(ctx, async () => {
      await this.load.requireCommittee(code);
      return decideRecordHistory({ code, body }, await this.load.readEvents(historyStream(code, body.number)));
    });
  }

  listHistory(code: string): Promise<HistoricalDecisionView[]> {
    return this.queries.listHistory(code);
  }

  // ---------- reads ----------

  listCommittees(): Promise<{ code: string; name: string }[]> {
    return this.queries.listCommittees();
  }
  getCommittee(code: string): Promise<CommitteeView> {
    return this.queries.getCommittee(code);
  }
  /** Where the year's numbering stands: the next free meeting and case numbers. */
  getNumbering(code: string, year: number): Promise<NumberingState & { revision: bigint }> {
    return this.queries.getNumbering(code, year);
  }
  /** The committee's meetings in planning order (optionally one year). */
  listMeetings(code: string, options: { year?: number } = {}): Promise<MeetingSummary[]> {
    return this.queries.listMeetings(code, options);
  }
  getMeeting(meetingId: string, options: { actor?: Actor } = {}): Promise<MeetingView> {
    return this.queries.getMeeting(meetingId, options);
  }
  meetingHistory(meetingId: string): Promise<HistoryEntry[]> {
    return this.queries.meetingHistory(meetingId);
  }
  /** `actor` given: allowedCommands for that caller; omitted: allowed by state alone. */
  getCase(caseId: string, options: { actor?: Actor } = {}): Promise<CaseView> {
    return this.queries.getCase(caseId, options);
  }
  /** The case as it stood at a global position or at a time (`metadata.at`); NotFound before it existed. */
  getCaseAt(caseId: string, at: { atPosition?: bigint; asOf?: string }, options: { actor?: Actor } = {}): Promise<CaseView> {
    return this.queries.getCaseAt(caseId, at, options);
  }
  caseHistory(caseId: string): Promise<HistoryEntry[]> {
    return this.queries.caseHistory(caseId);
  }
  /** The matter's cases across committees in the order they were opened. */
  getMatter(matterId: string): Promise<MatterView> {
    return this.queries.getMatter(matterId);
  }

  /** The committee a case belongs to (NotFound 404 for an unknown case). For the api's access guard. */
  caseCommittee(caseId: string): Promise<string> {
    return this.load.caseCommittee(caseId);
  }
  /** The committee a meeting belongs to (NotFound 404 for an unknown meeting). For the api's access guard. */
  meetingCommittee(meetingId: string): Promise<string> {
    return this.load.meetingCommittee(meetingId);
  }
}

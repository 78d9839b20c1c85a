/**
 * The case (sak) machine decides: given a candidate event with its `guard` input (the world
 * outside the case), does the case accept it now (`snapshot.can`), and what follows. Its context
 * IS the case record and its only action is `evolveCase`, so deciding and folding cannot
 * disagree; a stored stream is folded by `evolveCase` alone (`foldCase`) and the snapshot made
 * from the record (`caseSnapshot`: `resolveState({ value: record.status, context: record })`).
 *
 * State names and targets exist once: the states are `CASE_STATES` and every transition's target
 * is `CASE_TARGETS[event]` (case/lifecycle.ts), the table `evolveCase` reads too. What this file
 * adds is `CASE_ACCEPTS`: which facts each state accepts, and the checks each needs.
 */
import { setup, type SnapshotFrom } from 'xstate';
import { assign } from 'xstate';
import { may } from '../access/policy.js';
import { CASE_INITIAL, CASE_STATES, CASE_TARGETS, type CaseStatus } from '../case/lifecycle.js';
import { evolveCase, startCase } from '../case/evolve.js';
import { foldCaseRecord } from '../case/fold.js';
import type { CaseRecord } from '../case/state.js';
import type { Fact } from '../core/fact.js';
import type { CaseDrafted, CaseEvent } from '../events.js';
import type { CaseState, Decidable, MeetingLifecycle } from './guard-input.js';
import { inertScope } from './scope.js';

export type CaseMachineEvent = Exclude<CaseEvent, CaseDrafted> & Decidable;
export type CaseMachineInput = CaseDrafted['data'];
/** The machine's context: the case record. */
export type CaseContext = CaseRecord;

type Args = { context: CaseContext; event: CaseMachineEvent };

const meetingIs =
  (states: MeetingLifecycle[], which: 'own' | 'target') =>
  ({ context, event }: Args): boolean => {
    const m = event.guard?.meeting;
    if (!m || !states.includes(m.state) || m.committee !== context.committee) return false;
    if (which === 'own') return m.id === context.meetingId;
    return event.type === 'CaseScheduled' && m.id === event.data.meetingId;
  };

/**
 * The checks a decision needs: the meeting's facts (outside the case), and the fact against the
 * case itself (its own meeting, its number). Never skipped: stored facts are not decided again.
 */
const CHECKS = {
  /** `schedule`: onto a planned meeting of the case's committee, the one the event names. */
  targetMeetingPlanned: meetingIs(['planned'], 'target'),
  /** Before notice: its meeting still planned and no number given. */
  beforeNotice: (args: Args) => args.context.number === null && meetingIs(['planned'], 'own')(args),
  meetingNoticed: meetingIs(['noticed'], 'own'),
  meetingInSession: meetingIs(['in_session'], 'own'),
  /** The meeting has not been held yet (a case can be postponed or withdrawn up to and in the meeting). */
  meetingNotHeld: meetingIs(['planned', 'noticed', 'in_session'], 'own'),
  /** `schedule`: onto a planned meeting; with `late: true` (a tilleggssak) onto a noticed or in-session one instead. */
  targetTakesIt: (args: Args) =>
    args.event.type === 'CaseScheduled' && args.event.data.late === true
      ? meetingIs(['noticed', 'in_session'], 'target')(args)
      : meetingIs(['planned'], 'target')(args),
  /** Numbered at notice, or a late case at once (also in session), never twice there. */
  numberable: (args: Args) => meetingIs(['noticed'], 'own')(args) || (args.context.number === null && meetingIs(['in_session'], 'own')(args)),
  /** `amend`: the meeting it was decided at has been in session and its minutes are still a draft. */
  minutesStillDraft: (args: Args) => meetingIs(['in_session', 'held'], 'own')(args) && args.event.guard?.meeting?.minutes === 'draft',
  /** Endorsing the approval of minutes needs the previous meeting held, its minutes still draft. */
  minutesApprovable: ({ context, event }: Args) => {
    if (context.standardItem !== 'minutes-approval') return true;
    const prev = event.guard?.previousMeeting;
    return !prev || (prev.state === 'held' && prev.minutes === 'draft');
  },
  /** Minutes are approved, not noted: a minutes-approval item is never `note`d. */
  notMinutesApproval: ({ context }: Args) => context.standardItem !== 'minutes-approval',
  /** Only a minutes-approval item is re-targeted. */
  isMinutesApproval: ({ context }: Args) => context.standardItem === 'minutes-approval',
  /** Votes and referral before a decision are for substantive cases, not the standard items. */
  substantive: ({ context }: Args) => context.standardItem === null,
  /** A written procedure open on the case (skriftlig behandling: answers, then endorse/note without a meeting). */
  writtenOpen: ({ context }: Args) => !!context.writtenProcedure && !context.writtenProcedure.concluded,
  /** A decision: in the meeting in session, or concluding an open written procedure. */
  decidable: (args: Args) => meetingIs(['in_session'], 'own')(args) || (!!args.context.writtenProcedure && !args.context.writtenProcedure.concluded),
} satisfies Record<string, (args: Args) => boolean>;
export type CaseCheck = keyof typeof CHECKS;

/** Which facts the machine accepts in each state, and the checks each needs. */
export const CASE_ACCEPTS: { readonly [S in CaseStatus]: { readonly [T in CaseMachineEvent['type']]?: readonly CaseCheck[] } } = {
  draft: { CasePaperEdited: [], CaseScheduled: ['targetTakesIt'], CaseWithdrawn: [], AttachmentAdded: [], AttachmentRemoved: [], WrittenProcedureOpened: ['substantive'] },
  scheduled: {
    CasePaperEdited: ['beforeNotice'],
    AttachmentAdded: ['beforeNotice'],
    AttachmentRemoved: ['beforeNotice'],
    CaseUnscheduled: ['beforeNotice'],
    CaseNumbered: ['numberable'],
    CasePresented: ['meetingInSession'],
    CasePostponed: ['meetingNotHeld'],
    CaseWithdrawn: ['meetingNotHeld'],
    MinutesApprovalRetargeted: ['beforeNotice', 'isMinutesApproval'],
  },
  discussion: {
    DiscussionRecorded: ['meetingInSession'],
    ResolutionEndorsed: ['decidable', 'minutesApprovable'],
    CaseNoted: ['decidable', 'notMinutesApproval'],
    CasePostponed: ['meetingInSession'],
    VoteRecorded: ['meetingInSession', 'substantive'],
    CaseReferred: ['meetingInSession', 'substantive'],
    WrittenProcedureAnswered: ['writtenOpen'],
  },
  endorsement: { CaseReferred: [], DecisionAmended: ['minutesStillDraft'] },
  orientation: { CaseReferred: [], DecisionAmended: ['minutesStillDraft'] },
  withdrawn: {},
};

/** The state nodes, from CASE_STATES × CASE_ACCEPTS, each transition's target from CASE_TARGETS. */
const caseStates = Object.fromEntries(
  CASE_STATES.map((status) => [
    status,
    {
      on: Object.fromEntries(
        Object.entries(CASE_ACCEPTS[status]).map(([type, checks]) => {
          const target = CASE_TARGETS[type as CaseMachineEvent['type']];
          return [
            type,
            {
              ...(checks.length ? { guard: { type: 'holds' as const, params: { checks } } } : {}),
              ...(target ? { target } : {}),
              actions: 'evolve' as const,
            },
          ];
        }),
      ),
    },
  ]),
) as Record<CaseStatus, { on: Record<string, { guard?: { type: 'holds'; params: { checks: readonly CaseCheck[] } }; target?: CaseStatus; actions: 'evolve' }> }>;

export const caseMachine = setup({
  types: {} as { context: CaseContext; events: CaseMachineEvent; input: CaseMachineInput },
  guards: {
    holds: (args: Args, params: { checks: readonly CaseCheck[] }) => params.checks.every((c) => CHECKS[c](args)),
  },
  actions: {
    evolve: assign(({ context, event }: Args) => evolveCase(context, event)),
  },
}).createMachine({
  id: 'case',
  initial: CASE_INITIAL,
  context: ({ input }) => startCase({ type: 'CaseDrafted', data: input }),
  // The built table is the config; xstate's config types cannot follow a computed object.
  states: caseStates as never,
});

export type CaseSnapshot = SnapshotFrom<typeof caseMachine>;

/** The one inert scope every decision runs in (scope.ts). */
const scope = inertScope(caseMachine, { v: 1, caseId: '', committee: '', matterId: '', title: '', type: 'orientation', proposedResolution: '', projectIds: [], meetsFollowUps: [] });

export function caseState(s: CaseSnapshot): CaseState {
  return s.value as unknown as CaseState;
}

/** The snapshot right after `CaseDrafted`. */
export function draftCase(data: CaseMachineInput): CaseSnapshot {
  return caseMachine.getInitialSnapshot(scope as never, data) as CaseSnapshot;
}

/** The machine's snapshot of a case record (made from the evolved state, not by replaying). */
export function caseSnapshot(record: CaseRecord): CaseSnapshot {
  return caseMachine.resolveState({ value: record.status, context: record } as never) as CaseSnapshot;
}

/**
 * Decide: the next snapshot if the machine accepts the candidate event (with its `guard` input)
 * and, when an actor is given, the access policy lets them (`case.advance`; the notice's
 * `CaseNumbered`: `meeting.run`); null when refused. No actor: by state alone.
 */
export function decideCase(s: CaseSnapshot, event: CaseMachineEvent): CaseSnapshot | null {
  const actor = event.guard?.actor;
  if (actor !== undefined && !may(actor, event.type === 'CaseNumbered' ? 'meeting.run' : 'case.advance', s.context.committee)) return null;
  if (!s.can(event)) return null;
  return caseMachine.transition(s, event, scope as never) as CaseSnapshot;
}

/** Fold a case stream's stored events (upcast + `evolveCase`) into the machine's snapshot. */
export function foldCase(events: readonly Fact[]): CaseSnapshot {
  return caseSnapshot(foldCaseRecord(events));
}

/** A snapshot read back from JSON (a cache): rehydrate before use. */
export function rehydrateCase(json: { value: unknown; context: CaseContext }): CaseSnapshot {
  return caseSnapshot({ ...json.context, status: json.value as CaseStatus });
}

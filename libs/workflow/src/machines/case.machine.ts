/**
 * The case (sak) machine. Its events ARE the domain events of a case stream (plus guard input),
 * so one machine both decides (build the candidate event with `guard`, ask `snapshot.can`) and
 * folds (apply stored events with `replay: true`).
 *
 * The machine starts in `draft` from the `CaseDrafted` data (its input): a case exists from the
 * moment it is drafted, so the states are exactly the six of the API.
 */
import { and, assign, initialTransition, setup, transition, type SnapshotFrom } from 'xstate';
import type { CaseDrafted, CaseEvent, CasePaper, StandardItem } from '../events.js';
import { isSecretariatOf, type CaseState, type Decidable, type MeetingLifecycle } from './guard-input.js';

export type CaseMachineEvent = Exclude<CaseEvent, CaseDrafted> & Decidable;
export type CaseMachineInput = CaseDrafted['data'];

export interface CaseContext {
  caseId: string;
  committee: string;
  matterId: string;
  paper: CasePaper;
  standardItem?: StandardItem;
  referredFromCaseId?: string;
  /** The meeting the case is scheduled on, or was decided in; null while (back in) draft. */
  meetingId: string | null;
  /** `N/YY`, given at notice; lost when postponed. */
  number: string | null;
  presenter: string | null;
  discussion: { summary?: string; points: string[]; followUps: { id: string; text: string }[] }[];
  resolution: string | null;
  conditions: string | null;
  input: string[];
  referrals: { toCommittee: string; type: string; referredCaseId: string }[];
  withdrawnReason: string | null;
  /** Meetings the case was postponed from (utsatt), oldest first. */
  postponedFrom: string[];
}

/** The context reducer: what each fact changes. States and guards live in the machine. */
export function applyCaseEvent(ctx: CaseContext, e: CaseMachineEvent): CaseContext {
  switch (e.type) {
    case 'CasePaperEdited':
      return { ...ctx, paper: { ...ctx.paper, ...stripUndefined(e.data.changes) } };
    case 'CaseScheduled':
      return { ...ctx, meetingId: e.data.meetingId, number: null };
    case 'CaseUnscheduled':
      return { ...ctx, meetingId: null, number: null };
    case 'CaseNumbered':
      return { ...ctx, number: e.data.number };
    case 'CasePresented':
      return { ...ctx, presenter: e.data.presenter };
    case 'DiscussionRecorded':
      return {
        ...ctx,
        discussion: [...ctx.discussion, { summary: e.data.summary, points: e.data.points, followUps: e.data.followUps }],
      };
    case 'ResolutionEndorsed':
      return { ...ctx, resolution: e.data.resolution, conditions: e.data.conditions ?? null };
    case 'CaseNoted':
      return { ...ctx, resolution: e.data.resolution, input: e.data.input };
    case 'CasePostponed':
      return {
        ...ctx,
        meetingId: null,
        number: null,
        presenter: null,
        postponedFrom: [...ctx.postponedFrom, e.data.meetingId],
      };
    case 'CaseReferred':
      return {
        ...ctx,
        referrals: [...ctx.referrals, { toCommittee: e.data.toCommittee, type: e.data.type, referredCaseId: e.data.referredCaseId }],
      };
    case 'CaseWithdrawn':
      return { ...ctx, withdrawnReason: e.data.reason };
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

type Args = { context: CaseContext; event: CaseMachineEvent };

const meetingIs =
  (states: MeetingLifecycle[], which: 'own' | 'target') =>
  ({ context, event }: Args): boolean => {
    if (event.replay) return true;
    const m = event.guard?.meeting;
    if (!m || !states.includes(m.state) || m.committee !== context.committee) return false;
    if (which === 'own') return m.id === context.meetingId;
    return event.type === 'CaseScheduled' && m.id === event.data.meetingId;
  };

export const caseMachine = setup({
  types: {} as { context: CaseContext; events: CaseMachineEvent; input: CaseMachineInput },
  guards: {
    /** Only the secretariat of the case's committee may advance it. */
    mayAdvance: ({ context, event }: Args) => !!event.replay || isSecretariatOf(event.guard?.actor, context.committee),
    /** Agenda frozen at notice: only a planned meeting of the same committee takes new cases. */
    targetMeetingPlanned: meetingIs(['planned'], 'target'),
    /** Before notice: its meeting still planned and no number given. */
    beforeNotice: (args: Args) => !!args.event.replay || (args.context.number === null && meetingIs(['planned'], 'own')(args)),
    meetingNoticed: meetingIs(['noticed'], 'own'),
    meetingInSession: meetingIs(['in_session'], 'own'),
    /** The meeting has not been held yet (a case can be postponed or withdrawn up to and in the meeting). */
    meetingNotHeld: meetingIs(['planned', 'noticed', 'in_session'], 'own'),
    /** Endorsing the approval of minutes needs the previous meeting held, its minutes still draft. */
    minutesApprovable: ({ context, event }: Args) => {
      if (event.replay || context.standardItem !== 'minutes-approval') return true;
      const prev = event.guard?.previousMeeting;
      return !prev || (prev.state === 'held' && prev.minutes === 'draft');
    },
  },
  actions: {
    apply: assign(({ context, event }: Args) => applyCaseEvent(context, event)),
  },
}).createMachine({
  id: 'case',
  initial: 'draft',
  context: ({ input }) => ({
    caseId: input.caseId,
    committee: input.committee,
    matterId: input.matterId,
    paper: {
      title: input.title,
      type: input.type,
      proposedResolution: input.proposedResolution,
      background: input.background,
      purpose: input.purpose,
      caseOfficer: input.caseOfficer,
      responsible: input.responsible,
      projectIds: input.projectIds ?? [],
      meetsFollowUps: input.meetsFollowUps ?? [],
    },
    standardItem: input.standardItem,
    referredFromCaseId: input.referredFromCaseId,
    meetingId: null,
    number: null,
    presenter: null,
    discussion: [],
    resolution: null,
    conditions: null,
    input: [],
    referrals: [],
    withdrawnReason: null,
    postponedFrom: [],
  }),
  states: {
    draft: {
      on: {
        CasePaperEdited: { guard: 'mayAdvance', actions: 'apply' },
        CaseScheduled: { guard: and(['mayAdvance', 'targetMeetingPlanned']), target: 'scheduled', actions: 'apply' },
        CaseWithdrawn: { guard: 'mayAdvance', target: 'withdrawn', actions: 'apply' },
      },
    },
    scheduled: {
      on: {
        CasePaperEdited: { guard: and(['mayAdvance', 'beforeNotice']), actions: 'apply' },
        CaseUnscheduled: { guard: and(['mayAdvance', 'beforeNotice']), target: 'draft', actions: 'apply' },
        CaseNumbered: { guard: 'meetingNoticed', actions: 'apply' },
        CasePresented: { guard: and(['mayAdvance', 'meetingInSession']), target: 'discussion', actions: 'apply' },
        CasePostponed: { guard: and(['mayAdvance', 'meetingNotHeld']), target: 'draft', actions: 'apply' },
        CaseWithdrawn: { guard: and(['mayAdvance', 'meetingNotHeld']), target: 'withdrawn', actions: 'apply' },
      },
    },
    discussion: {
      on: {
        DiscussionRecorded: { guard: and(['mayAdvance', 'meetingInSession']), actions: 'apply' },
        ResolutionEndorsed: { guard: and(['mayAdvance', 'meetingInSession', 'minutesApprovable']), target: 'endorsement', actions: 'apply' },
        CaseNoted: { guard: and(['mayAdvance', 'meetingInSession']), target: 'orientation', actions: 'apply' },
        CasePostponed: { guard: and(['mayAdvance', 'meetingInSession']), target: 'draft', actions: 'apply' },
      },
    },
    endorsement: {
      on: { CaseReferred: { guard: 'mayAdvance', actions: 'apply' } },
    },
    orientation: {
      on: { CaseReferred: { guard: 'mayAdvance', actions: 'apply' } },
    },
    withdrawn: {},
  },
});

export type CaseSnapshot = SnapshotFrom<typeof caseMachine>;

export function caseState(s: CaseSnapshot): CaseState {
  return s.value as CaseState;
}

/** The snapshot right after `CaseDrafted`. */
export function draftCase(data: CaseMachineInput): CaseSnapshot {
  return initialTransition(caseMachine, data)[0];
}

/**
 * Decide: the next snapshot if the machine accepts the candidate event (with its `guard` input),
 * or null when it refuses.
 */
export function decideCase(s: CaseSnapshot, event: CaseMachineEvent): CaseSnapshot | null {
  if (!s.can(event)) return null;
  return transition(caseMachine, s, event)[0];
}

/** Fold stored events of a case stream (the first must be CaseDrafted) with `replay: true`. */
export function foldCase(events: readonly { type: string; data: unknown }[]): CaseSnapshot {
  const [first, ...rest] = events;
  if (!first || first.type !== 'CaseDrafted') throw new Error('a case stream starts with CaseDrafted');
  let s = draftCase(first.data as CaseMachineInput);
  for (const e of rest) s = applyStoredCaseEvent(s, e);
  return s;
}

export function applyStoredCaseEvent(s: CaseSnapshot, e: { type: string; data: unknown }): CaseSnapshot {
  return transition(caseMachine, s, { type: e.type, data: e.data, replay: true } as CaseMachineEvent)[0];
}

/** A snapshot read back from JSON (a cache): rehydrate before use. */
export function rehydrateCase(json: { value: unknown; context: CaseContext }): CaseSnapshot {
  return caseMachine.resolveState({ value: json.value as CaseState, context: json.context });
}

/**
 * The meeting (møte) machine decides: planned → noticed (innkalling, agenda frozen) → in_session →
 * held, with the minutes (referat) `draft` → `approved` as a field of the record (approved by the
 * next meeting's minutes-approval case). Like the case machine, its context IS the meeting record
 * and its only action is `evolveMeeting`; a stored stream is folded by `evolveMeeting` alone
 * (`foldMeeting`). States are `MEETING_STATES`, targets `MEETING_TARGETS` (meeting/lifecycle.ts);
 * this file adds `MEETING_ACCEPTS`: which facts each state accepts, and the checks each needs.
 */
import { assign, setup, type SnapshotFrom } from 'xstate';
import { may } from '../access/policy.js';
import type { Fact } from '../core/fact.js';
import type { MeetingEvent, MeetingPlanned } from '../events.js';
import { evolveMeeting, startMeeting } from '../meeting/evolve.js';
import { foldMeetingRecord } from '../meeting/fold.js';
import { MEETING_INITIAL, MEETING_STATES, MEETING_TARGETS, type MeetingStatus } from '../meeting/lifecycle.js';
import type { MeetingRecord } from '../meeting/state.js';
import type { CaseState, Decidable, MeetingLifecycle } from './guard-input.js';
import { inertScope } from './scope.js';

export type MeetingMachineEvent = Exclude<MeetingEvent, MeetingPlanned> & Decidable;
export type MeetingMachineInput = MeetingPlanned['data'];
/** The machine's context: the meeting record. */
export type MeetingContext = MeetingRecord;

/** The states a case on the agenda may be in for the meeting to adjourn ("dealt with"). */
export const DEALT_WITH: readonly CaseState[] = ['endorsement', 'orientation', 'draft', 'withdrawn'];

type Args = { context: MeetingContext; event: MeetingMachineEvent };

const onAgenda = (ctx: MeetingContext, e: MeetingMachineEvent) =>
  'caseId' in e.data && ctx.agenda.some((a) => a.caseId === (e.data as { caseId: string }).caseId);

/** The cases on the agenda that keep the meeting from adjourning (not yet dealt with). */
export function openAgendaCases(ctx: MeetingContext, agendaCases: Record<string, CaseState> | undefined): string[] {
  return ctx.agenda
    .filter((a) => {
      const st = agendaCases?.[a.caseId];
      return st === undefined || !DEALT_WITH.includes(st);
    })
    .map((a) => a.caseId);
}

/** The checks a decision needs: the agenda's cases (outside the meeting), and the fact against the meeting. */
const CHECKS = {
  notOnAgenda: ({ context, event }: Args) => !onAgenda(context, event),
  onAgenda: ({ context, event }: Args) => onAgenda(context, event),
  /** After notice only postponing takes a case off the (frozen) agenda. */
  postponing: ({ event }: Args) => event.type === 'CaseRemovedFromAgenda' && event.data.why === 'postponed',
  /** Every case on the agenda is decided, noted, postponed or withdrawn. */
  allDealtWith: ({ context, event }: Args) => openAgendaCases(context, event.guard?.agendaCases).length === 0,
  minutesDraft: ({ context }: Args) => context.minutes === 'draft',
  /** After notice a case joins the agenda only as a late case (tilleggssak). */
  lateAddition: ({ event }: Args) => event.type === 'CaseAddedToAgenda' && event.data.late === true,
} satisfies Record<string, (args: Args) => boolean>;
export type MeetingCheck = keyof typeof CHECKS;

/** Which facts the machine accepts in each state, and the checks each needs. */
export const MEETING_ACCEPTS: { readonly [S in MeetingStatus]: { readonly [T in MeetingMachineEvent['type']]?: readonly MeetingCheck[] } } = {
  planned: { CaseAddedToAgenda: ['notOnAgenda'], CaseRemovedFromAgenda: ['onAgenda'], MeetingNoticed: [], AgendaReordered: [] },
  noticed: { CaseRemovedFromAgenda: ['onAgenda', 'postponing'], MeetingOpened: [], CaseAddedToAgenda: ['notOnAgenda', 'lateAddition'] },
  in_session: {
    CaseRemovedFromAgenda: ['onAgenda', 'postponing'],
    MeetingAdjourned: ['allDealtWith'],
    CaseAddedToAgenda: ['notOnAgenda', 'lateAddition'],
    MinutesAmended: ['onAgenda', 'minutesDraft'],
  },
  held: { MinutesApproved: ['minutesDraft'], MinutesAmended: ['onAgenda', 'minutesDraft'] },
};

const meetingStates = Object.fromEntries(
  MEETING_STATES.map((status) => [
    status,
    {
      on: Object.fromEntries(
        Object.entries(MEETING_ACCEPTS[status]).map(([type, checks]) => {
          const target = MEETING_TARGETS[type as MeetingMachineEvent['type']];
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
);

export const meetingMachine = setup({
  types: {} as { context: MeetingContext; events: MeetingMachineEvent; input: MeetingMachineInput },
  guards: {
    holds: (args: Args, params: { checks: readonly MeetingCheck[] }) => params.checks.every((c) => CHECKS[c](args)),
  },
  actions: {
    evolve: assign(({ context, event }: Args) => evolveMeeting(context, event)),
  },
}).createMachine({
  id: 'meeting',
  initial: MEETING_INITIAL,
  context: ({ input }) => startMeeting({ type: 'MeetingPlanned', data: input }),
  // The built table is the config; xstate's config types cannot follow a computed object.
  states: meetingStates as never,
});

export type MeetingSnapshot = SnapshotFrom<typeof meetingMachine>;

/** The one inert scope every decision runs in (scope.ts). */
const scope = inertScope(meetingMachine, { v: 1, meetingId: '', committee: '', number: '', year: 0, date: '', place: '' });

export function meetingState(s: MeetingSnapshot): MeetingLifecycle {
  return s.value as unknown as MeetingLifecycle;
}

export function planMeetingSnapshot(data: MeetingMachineInput): MeetingSnapshot {
  return meetingMachine.getInitialSnapshot(scope as never, data) as MeetingSnapshot;
}

/** The machine's snapshot of a meeting record (made from the evolved state, not by replaying). */
export function meetingSnapshot(record: MeetingRecord): MeetingSnapshot {
  return meetingMachine.resolveState({ value: record.status, context: record } as never) as MeetingSnapshot;
}

/**
 * Decide: the next snapshot if the machine accepts the candidate event and, when an actor is
 * given, the access policy lets them run the meeting (`meeting.run`); null when refused.
 */
export function decideMeeting(s: MeetingSnapshot, event: MeetingMachineEvent): MeetingSnapshot | null {
  const actor = event.guard?.actor;
  if (actor !== undefined && !may(actor, 'meeting.run', s.context.committee)) return null;
  if (!s.can(event)) return null;
  return meetingMachine.transition(s, event, scope as never) as MeetingSnapshot;
}

/** Fold a meeting stream's stored events (upcast + `evolveMeeting`) into the machine's snapshot. */
export function foldMeeting(events: readonly Fact[]): MeetingSnapshot {
  return meetingSnapshot(foldMeetingRecord(events));
}

export function rehydrateMeeting(json: { value: unknown; context: MeetingContext }): MeetingSnapshot {
  return meetingSnapshot({ ...json.context, status: json.value as MeetingStatus });
}

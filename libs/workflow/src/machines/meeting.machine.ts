/**
 * The meeting (møte) machine: planned → noticed (innkalling, agenda frozen) → in_session → held,
 * with the minutes (referat) `draft` → `approved` as a context flag (approved by the next
 * meeting's minutes-approval case). Like the case machine, its events are the domain events of
 * the meeting stream plus guard input; it starts in `planned` from the `MeetingPlanned` data.
 */
import { and, assign, initialTransition, setup, transition, type SnapshotFrom } from 'xstate';
import type { MeetingEvent, MeetingPlanned, StandardItem } from '../events.js';
import { isSecretariatOf, type CaseState, type Decidable, type MeetingLifecycle } from './guard-input.js';

export type MeetingMachineEvent = Exclude<MeetingEvent, MeetingPlanned> & Decidable;
export type MeetingMachineInput = MeetingPlanned['data'];

/** The states a case on the agenda may be in for the meeting to adjourn ("dealt with"). */
export const DEALT_WITH: readonly CaseState[] = ['endorsement', 'orientation', 'draft', 'withdrawn'];

export interface AgendaEntry {
  caseId: string;
  standardItem?: StandardItem;
  /** Given at notice. */
  number: string | null;
}

export interface MeetingContext {
  meetingId: string;
  committee: string;
  number: string;
  year: number;
  date: string;
  startTime?: string;
  endTime?: string;
  place: string;
  previousMeetingId?: string;
  previousMeetingDate?: string;
  /** Current agenda entries in scheduling order (not yet in agenda order: see `agendaOrder`). */
  agenda: AgendaEntry[];
  attendance: { present: string[]; absent: string[]; guests: string[] } | null;
  minutes: 'draft' | 'approved';
  minutesApprovedBy: { byCaseId: string; byMeetingId: string } | null;
}

const STANDARD_RANK: Record<string, number> = { 'notice-approval': 0, 'minutes-approval': 1 };

/**
 * Agenda order (fast rekkefølge): standard approvals first (notice, then minutes), then the other
 * cases in the order they were scheduled, Eventuelt last.
 */
export function agendaOrder(agenda: readonly AgendaEntry[]): AgendaEntry[] {
  const rank = (e: AgendaEntry) =>
    e.standardItem === 'any-other-business' ? 3 : e.standardItem ? STANDARD_RANK[e.standardItem]! : 2;
  return agenda
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e) - rank(b.e) || a.i - b.i)
    .map(({ e }) => e);
}

export function applyMeetingEvent(ctx: MeetingContext, e: MeetingMachineEvent): MeetingContext {
  switch (e.type) {
    case 'CaseAddedToAgenda':
      return { ...ctx, agenda: [...ctx.agenda, { caseId: e.data.caseId, standardItem: e.data.standardItem, number: null }] };
    case 'CaseRemovedFromAgenda':
      return { ...ctx, agenda: ctx.agenda.filter((a) => a.caseId !== e.data.caseId) };
    case 'MeetingNoticed': {
      const numbers = new Map(e.data.agenda.map((a) => [a.caseId, a.number]));
      return { ...ctx, agenda: ctx.agenda.map((a) => ({ ...a, number: numbers.get(a.caseId) ?? a.number })) };
    }
    case 'MeetingOpened':
      return { ...ctx, attendance: { present: e.data.present, absent: e.data.absent, guests: e.data.guests } };
    case 'MeetingAdjourned':
      return ctx;
    case 'MinutesApproved':
      return { ...ctx, minutes: 'approved', minutesApprovedBy: { byCaseId: e.data.byCaseId, byMeetingId: e.data.byMeetingId } };
  }
}

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

export const meetingMachine = setup({
  types: {} as { context: MeetingContext; events: MeetingMachineEvent; input: MeetingMachineInput },
  guards: {
    replay: ({ event }: Args) => !!event.replay,
    /** Only the secretariat of the meeting's committee runs it. */
    mayRun: ({ context, event }: Args) => !!event.replay || isSecretariatOf(event.guard?.actor, context.committee),
    notOnAgenda: ({ context, event }: Args) => !!event.replay || !onAgenda(context, event),
    onAgenda: ({ context, event }: Args) => !!event.replay || onAgenda(context, event),
    /** After notice only postponing takes a case off the (frozen) agenda. */
    postponing: ({ event }: Args) =>
      !!event.replay || (event.type === 'CaseRemovedFromAgenda' && event.data.why === 'postponed'),
    /** Every case on the agenda is decided, noted, postponed or withdrawn. */
    allDealtWith: ({ context, event }: Args) =>
      !!event.replay || openAgendaCases(context, event.guard?.agendaCases).length === 0,
  },
  actions: {
    apply: assign(({ context, event }: Args) => applyMeetingEvent(context, event)),
  },
}).createMachine({
  id: 'meeting',
  initial: 'planned',
  context: ({ input }) => ({
    meetingId: input.meetingId,
    committee: input.committee,
    number: input.number,
    year: input.year,
    date: input.date,
    startTime: input.startTime,
    endTime: input.endTime,
    place: input.place,
    previousMeetingId: input.previousMeetingId,
    previousMeetingDate: input.previousMeetingDate,
    agenda: [],
    attendance: null,
    minutes: 'draft',
    minutesApprovedBy: null,
  }),
  // A recorded approval of minutes is never refused on replay, whatever the lifecycle state.
  on: { MinutesApproved: { guard: 'replay', actions: 'apply' } },
  states: {
    planned: {
      on: {
        CaseAddedToAgenda: { guard: and(['mayRun', 'notOnAgenda']), actions: 'apply' },
        CaseRemovedFromAgenda: { guard: and(['mayRun', 'onAgenda']), actions: 'apply' },
        MeetingNoticed: { guard: 'mayRun', target: 'noticed', actions: 'apply' },
      },
    },
    noticed: {
      on: {
        CaseRemovedFromAgenda: { guard: and(['mayRun', 'onAgenda', 'postponing']), actions: 'apply' },
        MeetingOpened: { guard: 'mayRun', target: 'in_session', actions: 'apply' },
      },
    },
    in_session: {
      on: {
        CaseRemovedFromAgenda: { guard: and(['mayRun', 'onAgenda', 'postponing']), actions: 'apply' },
        MeetingAdjourned: { guard: and(['mayRun', 'allDealtWith']), target: 'held', actions: 'apply' },
      },
    },
    held: {
      on: {
        MinutesApproved: { guard: and(['mayRun', ({ context }: Args) => context.minutes === 'draft']), actions: 'apply' },
      },
    },
  },
});

export type MeetingSnapshot = SnapshotFrom<typeof meetingMachine>;

export function meetingState(s: MeetingSnapshot): MeetingLifecycle {
  return s.value as MeetingLifecycle;
}

export function planMeetingSnapshot(data: MeetingMachineInput): MeetingSnapshot {
  return initialTransition(meetingMachine, data)[0];
}

export function decideMeeting(s: MeetingSnapshot, event: MeetingMachineEvent): MeetingSnapshot | null {
  if (!s.can(event)) return null;
  return transition(meetingMachine, s, event)[0];
}

export function foldMeeting(events: readonly { type: string; data: unknown }[]): MeetingSnapshot {
  const [first, ...rest] = events;
  if (!first || first.type !== 'MeetingPlanned') throw new Error('a meeting stream starts with MeetingPlanned');
  let s = planMeetingSnapshot(first.data as MeetingMachineInput);
  for (const e of rest) s = applyStoredMeetingEvent(s, e);
  return s;
}

export function applyStoredMeetingEvent(s: MeetingSnapshot, e: { type: string; data: unknown }): MeetingSnapshot {
  return transition(meetingMachine, s, { type: e.type, data: e.data, replay: true } as MeetingMachineEvent)[0];
}

export function rehydrateMeeting(json: { value: unknown; context: MeetingContext }): MeetingSnapshot {
  return meetingMachine.resolveState({ value: json.value as MeetingLifecycle, context: json.context });
}

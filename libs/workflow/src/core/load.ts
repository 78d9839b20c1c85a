/**
 * Loading: read a record's stream and fold it through the record's evolve (the machines' folds).
 * A loaded record carries the revision it was read at: the expected revision of a write decided
 * on it. Commands and reads both load through here.
 */
import { StreamNotFound, type EventStore, type RecordedEvent } from '@saksflyt/event-store';
import { caseStream, committeeStream, meetingStream, numberingStream } from '../events.js';
import { caseState, foldCase, type CaseSnapshot } from '../machines/case.machine.js';
import { foldMeeting, meetingState, type MeetingSnapshot } from '../machines/meeting.machine.js';
import type { CaseState, MeetingFacts } from '../machines/guard-input.js';
import { foldCommittee } from '../committee/evolve.js';
import type { CommitteeMember } from '../committee/state.js';
import { foldNumbering } from '../numbering/evolve.js';
import type { NumberingState } from '../numbering/state.js';
import type { Catalogue } from '../application/catalogue.js';
import { NotFound } from '../application/errors.js';
import type { MemberView } from '../application/types.js';

/** A record as decided on: its folded snapshot and the revision it was read at. */
export interface Folded<S> {
  snapshot: S;
  revision: bigint;
}
/** A record as read: also its events (reads answer positions from them). */
export interface Loaded<S> extends Folded<S> {
  events: RecordedEvent[];
}
export interface LoadedCommittee {
  code: string;
  name: string;
  members: Map<string, MemberView>;
  revision: bigint;
}
export interface LoadedNumbering {
  state: NumberingState;
  revision: bigint;
}
export type PreviousFacts = MeetingFacts & { minutes: 'draft' | 'approved' };
/** The case's current meeting (and, for a minutes-approval case, the meeting whose minutes it approves). */
export interface OwnMeeting {
  loaded: Folded<MeetingSnapshot>;
  facts: MeetingFacts;
  previous?: { loaded: Folded<MeetingSnapshot>; facts: PreviousFacts };
}

/** A committee member as commands and reads answer it. */
export function memberView(m: CommitteeMember): MemberView {
  return {
    id: m.id,
    name: m.name,
    organisation: m.organisation,
    role: m.role,
    ...(m.deputyFor !== undefined ? { deputyFor: m.deputyFor } : {}),
    ...(m.from !== undefined ? { from: m.from } : {}),
    ...(m.to !== undefined ? { to: m.to } : {}),
    ...(m.userId !== undefined ? { userId: m.userId } : {}),
    joinedAt: m.joined.at ?? '',
    ...(m.left ? { leftAt: m.left.at ?? '' } : {}),
  };
}

export function revisionOf(events: readonly { revision: bigint }[]): bigint {
  return events.length ? events[events.length - 1]!.revision : -1n;
}

export function meetingFacts(s: MeetingSnapshot): MeetingFacts {
  const c = s.context;
  return { id: c.meetingId, committee: c.committee, state: meetingState(s), minutes: c.minutes };
}

/**
 * The case's current meeting and its facts for guards, and, for a minutes-approval item, the meeting
 * whose minutes it approves: each meeting loaded by `load` (undefined: not there). One rule for the
 * commands' loads (`Session`, records.ts) and the reads' (`Loader`).
 */
export async function ownMeetingOf<F extends Folded<MeetingSnapshot>>(s: CaseSnapshot, load: (meetingId: string) => Promise<F | undefined>): Promise<(OwnMeeting & { loaded: F }) | undefined> {
  const id = s.context.meetingId;
  if (!id) return undefined;
  const loaded = await load(id);
  if (!loaded) return undefined;
  const own: OwnMeeting & { loaded: F } = { loaded, facts: meetingFacts(loaded.snapshot) };
  const c = loaded.snapshot.context;
  // the item's own target (kept through postponement); older items name it on their meeting
  const target = s.context.standardItem === 'minutes-approval' ? (s.context.approvesMinutesOf ?? c.previousMeetingId) : null;
  if (target) {
    const prev = await load(target);
    if (prev) own.previous = { loaded: prev, facts: { ...meetingFacts(prev.snapshot), minutes: prev.snapshot.context.minutes } };
  }
  return own;
}

/** The current state of every case on the meeting's agenda, each case loaded by `loadCase` (in agenda order). */
export async function agendaCaseStatesOf(m: MeetingSnapshot, loadCase: (caseId: string) => Promise<Folded<CaseSnapshot>>): Promise<Record<string, CaseState>> {
  const out: Record<string, CaseState> = {};
  for (const a of m.context.agenda) out[a.caseId] = caseState((await loadCase(a.caseId)).snapshot);
  return out;
}

export class Loader {
  constructor(
    readonly store: EventStore,
    readonly catalogue: Catalogue,
  ) {}

  async readEvents(stream: string): Promise<RecordedEvent[] | null> {
    const out: RecordedEvent[] = [];
    try {
      for await (const e of this.store.readStream(stream)) out.push(e);
    } catch (e) {
      if (e instanceof StreamNotFound || (e as { code?: string })?.code === 'STREAM_NOT_FOUND') return null;
      throw e;
    }
    return out.length ? out : null;
  }

  async case(caseId: string): Promise<Loaded<CaseSnapshot>> {
    const events = await this.readEvents(caseStream(caseId));
    if (!events) throw new NotFound('case', caseId);
    return { events, snapshot: foldCase(events), revision: revisionOf(events) };
  }

  async meeting(meetingId: string): Promise<Loaded<MeetingSnapshot>> {
    const events = await this.readEvents(meetingStream(meetingId));
    if (!events) throw new NotFound('meeting', meetingId);
    return { events, snapshot: foldMeeting(events), revision: revisionOf(events) };
  }

  async committee(code: string): Promise<LoadedCommittee> {
    const events = await this.readEvents(committeeStream(code));
    if (!events) throw new NotFound('committee', code);
    const c = foldCommittee(code, events);
    const members = new Map<string, MemberView>();
    for (const m of c.members) members.set(m.id, memberView(m));
    return { code, name: c.name, members, revision: revisionOf(events) };
  }

  async numbering(code: string, year: number): Promise<LoadedNumbering> {
    const events = (await this.readEvents(numberingStream(code, year))) ?? [];
    return { state: foldNumbering(code, year, events), revision: revisionOf(events) };
  }

  /** The case's current meeting and its facts for guards; `keep` cuts the meeting streams (as-of reads). */
  async ownMeeting(s: CaseSnapshot, keep?: (e: RecordedEvent) => boolean): Promise<(OwnMeeting & { loaded: Loaded<MeetingSnapshot> }) | undefined> {
    return ownMeetingOf(s, async (meetingId) => {
      const loaded = await this.meeting(meetingId);
      if (!keep) return loaded;
      const events = loaded.events.filter(keep);
      return events.length ? { events, snapshot: foldMeeting(events), revision: revisionOf(events) } : undefined;
    });
  }

  /** The current state of every case on the meeting's agenda. */
  async agendaCaseStates(m: MeetingSnapshot): Promise<Record<string, CaseState>> {
    return agendaCaseStatesOf(m, (caseId) => this.case(caseId));
  }

  /** 404 unless the committee exists (the catalogue caught up first). */
  async requireCommittee(code: string): Promise<void> {
    await this.catalogue.catchUp();
    if (!this.catalogue.committees.has(code)) throw new NotFound('committee', code);
  }

  async caseCommittee(caseId: string): Promise<string> {
    await this.catalogue.catchUp();
    const c = this.catalogue.cases.get(caseId);
    if (!c) throw new NotFound('case', caseId);
    return c.committee;
  }

  async meetingCommittee(meetingId: string): Promise<string> {
    await this.catalogue.catchUp();
    const m = this.catalogue.meetings.get(meetingId);
    if (!m) throw new NotFound('meeting', meetingId);
    return m.committee;
  }
}

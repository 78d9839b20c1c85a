/**
 * The catalogue: a small in-memory index for cross-aggregate lookups (a committee's meetings in
 * planning order, the previous meeting, a matter's cases, which committee a case or meeting
 * belongs to, known follow-ups). Aggregate state itself is always folded from its stream.
 *
 * How it stays current (read-your-writes): it is fed by reading the global log (`readAll`) from
 * the last position it applied. The service calls `catchUp()` at the start of every command and
 * every read that uses it, and again after every write, so its own writes (and, at the next call,
 * other processes' writes) are in it before the call returns. `apply` is only ever fed events in
 * global position order, one catch-up at a time.
 */
import type { EventStore, RecordedEvent } from '@saksflyt/event-store';
import type { CaseDrafted, CaseNumbered, CasePaperEdited, CommitteeCreated, DiscussionRecorded, HistoricalDecisionRecorded, MeetingChanged, MeetingPlanned } from '../events.js';
import { upcast } from '../core/upcast.js';
import { KeyedMutex } from './mutex.js';

export interface CatalogueMeeting {
  meetingId: string;
  committee: string;
  number: string;
  year: number;
  date: string;
  position: bigint;
}

export interface CatalogueCase {
  caseId: string;
  committee: string;
  matterId: string;
  position: bigint;
}

/** The event types the catalogue reads (every other event leaves it as it is). */
export const CATALOGUE_EVENT_TYPES: ReadonlySet<string> = new Set(['CommitteeCreated', 'MeetingPlanned', 'CaseDrafted', 'HistoricalDecisionRecorded', 'DiscussionRecorded', 'MeetingChanged', 'CasePaperEdited', 'CaseNumbered', 'WrittenProcedureOpened']);

const CATALOGUE_TYPE_LIST: readonly string[] = [...CATALOGUE_EVENT_TYPES];

export class Catalogue {
  /** The last global position applied. */
  position = 0n;
  readonly committees = new Map<string, { code: string; name: string; position: bigint }>();
  readonly meetings = new Map<string, CatalogueMeeting>();
  /** committee → meeting ids in planning order */
  readonly meetingsByCommittee = new Map<string, string[]>();
  readonly cases = new Map<string, CatalogueCase>();
  /** matter → case ids in the order they were opened */
  readonly matters = new Map<string, string[]>();
  readonly followUps = new Map<string, { caseId: string; text: string }>();
  /** follow-up → the cases whose paper ever named it in `meetsFollowUps` (which of them met it is theirs to say) */
  readonly followUpNamedBy = new Map<string, Set<string>>();
  /** committee → its historical decisions (stream name → the first event of the stream), in recording order */
  readonly history = new Map<string, Map<string, RecordedEvent>>();
  /** "NEHS 50/18" → the case that number was given to (numbers are never given twice). */
  readonly caseNumbers = new Map<string, string>();
  private readonly lock = new KeyedMutex();

  constructor(private readonly store: EventStore) {}

  /**
   * Reads the log after the last position applied. Callers share runs: while one run is going,
   * every caller gets the NEXT run (started when the current one ends, so it sees whatever the
   * caller wrote before calling); so a burst of N commands reads the log twice, not N times.
   */
  catchUp(): Promise<bigint> {
    if (!this.running) return this.start();
    this.queued ??= this.running.then(
      () => this.next(),
      () => this.next(),
    );
    return this.queued;
  }

  private running: Promise<bigint> | null = null;
  private queued: Promise<bigint> | null = null;
  private runToken: object | null = null;

  private next(): Promise<bigint> {
    this.queued = null;
    return this.running ?? this.start(); // a run started after the one waited for sees the caller's writes too
  }

  private start(): Promise<bigint> {
    const token = {};
    this.runToken = token;
    const run = this.lock.run(['catalogue'], async () => {
      // the head first: every event at or before it is covered by the read below, so the catalogue
      // stands at the head afterwards even where the store left out the types it does not read
      const head = await this.store.headPosition();
      if (head <= this.position) return this.position; // nothing written since: no read
      for await (const e of this.store.readAll({ after: this.position, types: CATALOGUE_TYPE_LIST })) this.apply(e);
      if (head > this.position) this.position = head;
      return this.position;
    });
    const done = () => {
      if (this.runToken === token) {
        this.running = null;
        this.runToken = null;
      }
    };
    this.running = run.finally(done);
    return this.running;
  }

  private apply(e: RecordedEvent): void {
    if (e.position <= this.position) return;
    this.position = e.position;
    const data = upcast(e.type, e.data);
    switch (e.type) {
      case 'CommitteeCreated': {
        const d = data as CommitteeCreated['data'];
        if (!this.committees.has(d.code)) this.committees.set(d.code, { code: d.code, name: d.name, position: e.position });
        break;
      }
      case 'MeetingPlanned': {
        const d = data as MeetingPlanned['data'];
        if (this.meetings.has(d.meetingId)) break;
        this.meetings.set(d.meetingId, {
          meetingId: d.meetingId,
          committee: d.committee,
          number: d.number,
          year: d.year,
          date: d.date,
          position: e.position,
        });
        const list = this.meetingsByCommittee.get(d.committee) ?? [];
        list.push(d.meetingId);
        this.meetingsByCommittee.set(d.committee, list);
        break;
      }
      case 'CaseDrafted': {
        const d = data as CaseDrafted['data'];
        if (this.cases.has(d.caseId)) break;
        this.cases.set(d.caseId, { caseId: d.caseId, committee: d.committee, matterId: d.matterId, position: e.position });
        const list = this.matters.get(d.matterId) ?? [];
        list.push(d.caseId);
        this.matters.set(d.matterId, list);
        this.namesFollowUps(d.caseId, d.meetsFollowUps);
        break;
      }
      case 'CasePaperEdited': {
        const d = data as CasePaperEdited['data'];
        if (e.stream.startsWith('case-')) this.namesFollowUps(e.stream.slice(5), d.changes?.meetsFollowUps);
        break;
      }
      case 'HistoricalDecisionRecorded': {
        const d = data as HistoricalDecisionRecorded['data'];
        const list = this.history.get(d.committee) ?? new Map<string, RecordedEvent>();
        if (!list.has(e.stream)) list.set(e.stream, e);
        this.history.set(d.committee, list);
        break;
      }
      case 'DiscussionRecorded': {
        const d = data as DiscussionRecorded['data'];
        const caseId = e.stream.startsWith('case-') ? e.stream.slice(5) : '';
        for (const f of d.followUps ?? []) this.followUps.set(f.id, { caseId, text: f.text });
        break;
      }
      case 'MeetingChanged': {
        // a moved meeting: its date as it stands
        const d = data as MeetingChanged['data'];
        const m = e.stream.startsWith('meeting-') ? this.meetings.get(e.stream.slice(8)) : undefined;
        if (m && d.changes?.date) m.date = d.changes.date;
        break;
      }
      case 'WrittenProcedureOpened':
      case 'CaseNumbered': {
        const caseId = e.stream.startsWith('case-') ? e.stream.slice(5) : '';
        const k = this.cases.get(caseId);
        if (k) this.caseNumbers.set(`${k.committee} ${(data as CaseNumbered['data']).number}`, caseId);
        break;
      }
    }
  }

  private namesFollowUps(caseId: string, ids: readonly string[] | undefined): void {
    for (const id of ids ?? []) {
      const set = this.followUpNamedBy.get(id) ?? new Set<string>();
      set.add(caseId);
      this.followUpNamedBy.set(id, set);
    }
  }

  /** The committee's latest meeting planned so far (any year), or undefined. */
  latestMeeting(committee: string): CatalogueMeeting | undefined {
    const list = this.meetingsByCommittee.get(committee);
    const id = list?.[list.length - 1];
    return id ? this.meetings.get(id) : undefined;
  }

  meetingsOf(committee: string): CatalogueMeeting[] {
    return (this.meetingsByCommittee.get(committee) ?? []).map((id) => this.meetings.get(id)!);
  }
}

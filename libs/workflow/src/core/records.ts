/**
 * The command side's records: a bounded cache of folded records, and the tips of this process's
 * appends still in flight. Commands load through a `Session` (one per attempt); reads (queries)
 * keep folding whole streams through `Loader` (they answer positions from the events).
 *
 * **Committed entries.** Per stream the last folded state and the revision it was folded to (the recently used,
 * `capacity` streams). A load reads only the events after that revision
 * (`readStream(stream, { fromRevision })`) and evolves them on, so other processes' writes are
 * caught by the tail read; a conflict on a stream drops its entry (the next load folds it afresh).
 * Where the store knows the stream's current revision without reading (`knownStreamRevision`:
 * SQLite, a stream it wrote itself while no other connection committed since) and it is the
 * entry's, the tail read is skipped.
 * An entry only ever holds state folded from stored events, or the post-state of an append of
 * ours that the store acknowledged at exactly the revision the plan said.
 *
 * **Tips (pipelining).** Only on a store that `ordersConcurrentAppends` (SQLite): when a command
 * has submitted its appendMany, each stream of its plan gets a tip: the state it decided on
 * evolved with the plan's events, at revision + n, with the id of its last event. A later command
 * in this process decides on the tip and appends with the tip's revision as expected revision AND
 * the tip's last event id (`expectedLastEventId`): the store writes queued appends in submission
 * order, so it holds when the earlier one was written; if the earlier one fails, the later one
 * fails too (its expected event is not there, whatever someone else wrote at that revision) and
 * re-decides, and the tips built on it are dropped (a tip names its chain: the first speculative
 * append it stands on). On a settled append: success promotes its post-state to the committed
 * entry (unless the store answered another revision: a repeat; then the entry is dropped);
 * failure drops the tips of its chain. Nothing waits: no lock, no waiting for an append.
 * On other stores (KurrentDB: concurrent appends may be reordered) no tips are made.
 */
import { StreamNotFound, type EventStore, type NewEvent, type RecordedEvent, type StreamWrite } from '@saksflyt/event-store';
import type { Catalogue } from '../application/catalogue.js';
import { NotFound } from '../application/errors.js';
import type { MemberView } from '../application/types.js';
import { evolveCase } from '../case/evolve.js';
import type { CaseRecord } from '../case/state.js';
import { evolveCommittee, foldCommittee } from '../committee/evolve.js';
import type { CommitteeRecord } from '../committee/state.js';
import { caseStream, committeeStream, meetingStream, numberingStream } from '../events.js';
import { caseSnapshot, foldCase, type CaseSnapshot } from '../machines/case.machine.js';
import type { CaseState } from '../machines/guard-input.js';
import { foldMeeting, meetingSnapshot, type MeetingSnapshot } from '../machines/meeting.machine.js';
import { evolveMeeting } from '../meeting/evolve.js';
import type { MeetingRecord } from '../meeting/state.js';
import { evolveNumbering, foldNumbering } from '../numbering/evolve.js';
import type { NumberingRecord } from '../numbering/state.js';
import type { Fact } from './fact.js';
import { agendaCaseStatesOf, memberView, ownMeetingOf, type Folded, type LoadedCommittee, type LoadedNumbering, type OwnMeeting } from './load.js';
import { upcast } from './upcast.js';

/** How a record of one stream kind is folded from scratch and evolved on. */
interface Kind<S> {
  fold(stream: string, events: readonly Fact[]): S;
  evolve(state: S, events: readonly Fact[]): S;
}

const lift = <F>(e: Fact): F => ({ type: e.type, data: upcast(e.type, e.data), metadata: e.metadata }) as F;

const CASE: Kind<CaseSnapshot> = {
  fold: (_s, events) => foldCase(events),
  evolve: (s, events) => caseSnapshot(events.reduce<CaseRecord>((r, e) => evolveCase(r, lift(e)), s.context)),
};
const MEETING: Kind<MeetingSnapshot> = {
  fold: (_s, events) => foldMeeting(events),
  evolve: (s, events) => meetingSnapshot(events.reduce<MeetingRecord>((r, e) => evolveMeeting(r, lift(e)), s.context)),
};
const COMMITTEE: Kind<CommitteeRecord> = {
  fold: (stream, events) => foldCommittee(stream.slice('committee-'.length), events),
  evolve: (s, events) => events.reduce<CommitteeRecord>((r, e) => evolveCommittee(r, lift(e)), s),
};
const NUMBERING: Kind<NumberingRecord> = {
  fold: (stream, events) => {
    const rest = stream.slice('numbering-'.length);
    const dash = rest.lastIndexOf('-');
    return foldNumbering(rest.slice(0, dash), Number(rest.slice(dash + 1)), events);
  },
  evolve: (s, events) => events.reduce<NumberingRecord>((r, e) => evolveNumbering(r, lift(e)), s),
};

/** The kind of a stream the cache folds; undefined: not cached (history, projects, …). */
function kindOf(stream: string): Kind<unknown> | undefined {
  if (stream.startsWith('case-')) return CASE as Kind<unknown>;
  if (stream.startsWith('meeting-')) return MEETING as Kind<unknown>;
  if (stream.startsWith('numbering-')) return NUMBERING as Kind<unknown>;
  if (stream.startsWith('committee-')) return COMMITTEE as Kind<unknown>;
  return undefined;
}

interface Committed {
  revision: bigint;
  state: unknown;
}
interface Tip {
  revision: bigint;
  state: unknown;
  lastEventId: string;
  /** The chain: the first speculative append this tip stands on (shared by the tips built on it). */
  chain: object;
}
interface Entry {
  committed?: Committed;
  tip?: Tip;
}

/** What one attempt decided a stream on. */
interface Base {
  /** -1n: the stream does not exist. */
  revision: bigint;
  state: unknown;
  /** The tip it was decided on (speculative), if any. */
  tip?: Tip;
}

/** One append of a plan, as submitted: what to do with the cache when it settles. */
export interface Submitted {
  settled(result: { streams: { stream: string; nextRevision: bigint }[] } | null, error?: unknown): void;
}

export class RecordCache {
  /**
   * The entries in two generations (recently used, and used before that): a lookup in the older
   * moves the entry to the newer; when the newer holds half the capacity it becomes the older and
   * the older is forgotten. So at most `capacity` streams are kept, at least the last half of them
   * used, and nothing costs more than O(1). (A Map kept in LRU order by delete-and-set evicts by
   * `keys().next()`, which walks over every deleted slot at the front of the table: ~10 µs per
   * eviction at 10 000 streams.)
   */
  private young = new Map<string, Entry>();
  private old = new Map<string, Entry>();
  readonly pipelining: boolean;

  constructor(
    readonly store: EventStore,
    readonly catalogue: Catalogue,
    readonly capacity = 10_000,
  ) {
    this.pipelining = store.ordersConcurrentAppends === true;
  }

  /** A new attempt's view of the records. */
  session(): Session {
    return new Session(this);
  }

  /** The stream's entry (marked as used). */
  get(stream: string): Entry | undefined {
    const e = this.young.get(stream);
    if (e) return e;
    const o = this.old.get(stream);
    if (o) {
      this.old.delete(stream);
      this.keep(stream, o);
    }
    return o;
  }

  /** The stream's entry, not marked as used. */
  private peek(stream: string): Entry | undefined {
    return this.young.get(stream) ?? this.old.get(stream);
  }

  private keep(stream: string, e: Entry): void {
    this.young.set(stream, e);
    if (this.young.size >= Math.max(1, this.capacity >> 1)) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  private entry(stream: string): Entry {
    let e = this.get(stream);
    if (!e) {
      e = {};
      this.keep(stream, e);
    }
    return e;
  }

  /** A state folded from stored events (or acknowledged): kept unless the entry knows a newer one. */
  commit(stream: string, revision: bigint, state: unknown): void {
    const e = this.entry(stream);
    if (!e.committed || e.committed.revision < revision) e.committed = { revision, state };
  }

  /** The latest revision known for the stream: its tip's, else its committed one's. */
  latestRevision(stream: string): bigint | undefined {
    const e = this.peek(stream);
    return e?.tip?.revision ?? e?.committed?.revision;
  }

  drop(stream: string): void {
    this.young.delete(stream);
    this.old.delete(stream);
  }

  /**
   * The plan's writes are about to be submitted: the store writes (expectedLastEventId set where a
   * stream was decided on a tip) and, after `submit` was called, the tips. Call `register` in the
   * same tick as the store's appendMany (submission order = tip order).
   */
  prepare(session: Session, writes: StreamWrite[]): { writes: StreamWrite[]; register: () => Submitted } {
    const tips: { stream: string; tip: Tip | null; base: Base | undefined }[] = [];
    const out = writes.map((w) => {
      const base = session.bases.get(w.stream);
      const kind = kindOf(w.stream);
      const decidedOn = base && (typeof w.expectedRevision === 'bigint' ? base.revision === w.expectedRevision : w.expectedRevision === 'no_stream' && base.revision < 0n);
      const fresh = !base && w.expectedRevision === 'no_stream';
      if (!kind || !(decidedOn || fresh)) {
        tips.push({ stream: w.stream, tip: null, base });
        return w;
      }
      const last = w.events[w.events.length - 1]!.id!;
      const state = base && base.revision >= 0n ? kind.evolve(base.state, w.events as NewEvent[]) : kind.fold(w.stream, w.events);
      const revision = (base && base.revision >= 0n ? base.revision : -1n) + BigInt(w.events.length);
      tips.push({ stream: w.stream, tip: { revision, state, lastEventId: last, chain: base?.tip?.chain ?? {} }, base });
      return base?.tip ? { ...w, expectedLastEventId: base.tip.lastEventId } : w;
    });
    const register = (): Submitted => {
      for (const t of tips) {
        const e = this.entry(t.stream);
        if (!t.tip) {
          // a write the cache cannot follow: forget the stream (the next load folds it afresh)
          this.drop(t.stream);
          continue;
        }
        // a tip only where the store keeps submission order, and only on what the stream's latest
        // known state is: the tip decided on, or (no tip) the committed state at the revision decided
        // on (the tip decided on may have been committed meanwhile; a failed one is not committed)
        const decidedAt = t.base ? t.base.revision : -1n;
        const current = e.tip === undefined && (e.committed?.revision ?? -1n) === decidedAt;
        if (this.pipelining && (e.tip ? e.tip === t.base?.tip : current)) e.tip = t.tip;
      }
      return {
        settled: (result, error) => {
          tips.forEach((t, i) => {
            const e = this.peek(t.stream);
            if (!t.tip) return;
            if (result) {
              const r = result.streams[i];
              if (r && r.nextRevision === t.tip.revision) this.commit(t.stream, t.tip.revision, t.tip.state);
              else this.drop(t.stream); // the store answered another revision (a repeat): refold
              const now = this.peek(t.stream);
              if (now?.tip === t.tip) now.tip = undefined;
            } else if (e) {
              if (e.tip && e.tip.chain === t.tip.chain) e.tip = undefined;
              const conflictOn = (error as { stream?: string } | undefined)?.stream;
              if (conflictOn === t.stream) this.drop(t.stream);
            }
          });
        },
      };
    };
    return { writes: out, register };
  }
}

/** One attempt's loads: every stream loaded once, on the tip if there is one, else committed + tail. */
export class Session {
  readonly bases = new Map<string, Base>();

  constructor(private readonly cache: RecordCache) {}

  private async tail(stream: string, fromRevision: bigint): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    try {
      for await (const e of this.cache.store.readStream(stream, fromRevision > 0n ? { fromRevision } : {})) out.push(e);
    } catch (e) {
      if (e instanceof StreamNotFound || (e as { code?: string })?.code === 'STREAM_NOT_FOUND') return [];
      throw e;
    }
    return out;
  }

  /** The stream's record as this attempt decides on it (undefined: no such stream). */
  async load<S>(stream: string): Promise<Folded<S> | undefined> {
    const known = this.bases.get(stream);
    if (known) return known.revision < 0n ? undefined : { snapshot: known.state as S, revision: known.revision };
    const kind = kindOf(stream)!;
    const cache = this.cache;
    let entry = cache.get(stream);
    let base: Base;
    if (cache.pipelining && entry?.tip) {
      base = { revision: entry.tip.revision, state: entry.tip.state, tip: entry.tip };
    } else {
      const committed = entry?.committed;
      // the store KNOWS the stream is still at the committed revision (nobody wrote it since): no tail read
      const known = committed ? cache.store.knownStreamRevision?.(stream) : undefined;
      const events = known !== undefined && known === committed!.revision ? [] : await this.tail(stream, committed ? committed.revision + 1n : 0n);
      if (committed) {
        base = events.length
          ? { revision: events[events.length - 1]!.revision, state: kind.evolve(committed.state, events) }
          : { revision: committed.revision, state: committed.state };
      } else base = events.length ? { revision: events[events.length - 1]!.revision, state: kind.fold(stream, events) } : { revision: -1n, state: undefined };
      if (base.revision >= 0n) cache.commit(stream, base.revision, base.state);
      // an append of ours submitted meanwhile, on at least what was read: decide on its tip
      entry = cache.get(stream);
      if (cache.pipelining && entry?.tip && entry.tip.revision >= base.revision)
        base = { revision: entry.tip.revision, state: entry.tip.state, tip: entry.tip };
    }
    this.bases.set(stream, base);
    return base.revision < 0n ? undefined : { snapshot: base.state as S, revision: base.revision };
  }

  /**
   * An append of ours was submitted (or acknowledged) on a stream after this attempt loaded it (it
   * decided on the state before that append): deciding again costs less than the conflict.
   */
  stale(): boolean {
    if (!this.cache.pipelining) return false;
    for (const [stream, base] of this.bases) {
      const latest = this.cache.latestRevision(stream);
      if (latest !== undefined && latest > base.revision) return true;
    }
    return false;
  }

  /** The streams loaded (to look for a command already carried out). */
  streams(): string[] {
    return [...this.bases.keys()];
  }

  // ---------- the records commands decide on ----------

  async case(caseId: string): Promise<Folded<CaseSnapshot>> {
    const k = await this.load<CaseSnapshot>(caseStream(caseId));
    if (!k) throw new NotFound('case', caseId);
    return k;
  }

  async meeting(meetingId: string): Promise<Folded<MeetingSnapshot>> {
    const m = await this.load<MeetingSnapshot>(meetingStream(meetingId));
    if (!m) throw new NotFound('meeting', meetingId);
    return m;
  }

  async committee(code: string): Promise<LoadedCommittee> {
    const c = await this.load<CommitteeRecord>(committeeStream(code));
    if (!c) throw new NotFound('committee', code);
    const members = new Map<string, MemberView>();
    for (const m of c.snapshot.members) members.set(m.id, memberView(m));
    return { code, name: c.snapshot.name, members, revision: c.revision };
  }

  async numbering(code: string, year: number): Promise<LoadedNumbering> {
    const stream = numberingStream(code, year);
    const n = await this.load<NumberingRecord>(stream);
    return n ? { state: n.snapshot, revision: n.revision } : { state: NUMBERING.fold(stream, []), revision: -1n };
  }

  /** The case's current meeting and its facts for guards (and the previous one for a minutes-approval case). */
  async ownMeeting(s: CaseSnapshot): Promise<OwnMeeting | undefined> {
    return ownMeetingOf(s, (meetingId) => this.load<MeetingSnapshot>(meetingStream(meetingId)));
  }

  /** The current state of every case on the meeting's agenda. */
  async agendaCaseStates(m: MeetingSnapshot): Promise<Record<string, CaseState>> {
    return agendaCaseStatesOf(m, (caseId) => this.case(caseId));
  }
}

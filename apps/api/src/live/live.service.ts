/**
 * Server-sent event feeds over the projections (API.md "Live feeds"). One subscription per
 * projection to the runner's committed changes; each message is turned into one SSE frame per
 * topic (decisions, portfolio, one meeting's minutes) ONCE and written to every client of the topic.
 *
 * A meeting's frames carry its whole minutes: a change whose minutes read exactly as the last frame
 * the client got (an event that touched the meeting but nothing the minutes show) is not sent
 * (`TopicSpec.contentKey`), so a live client never receives two identical frames in a row (a
 * resumed client's catch-up still has one frame per missed change, each under its own id).
 *
 * No gap, no duplicate: a client's first messages (the snapshot, or the change log after its
 * `Last-Event-ID`) are taken and the client is registered in the same tick; the runner flushes
 * pending changes (emitting them to the clients already registered) before answering either.
 *
 * Back-pressure: frames go straight to the raw socket (`reply.raw.write`). When `write()` has
 * returned false (no 'drain' since) and the socket still holds more than `sseMaxBufferedBytes`
 * unsent when the next frame comes, the client is dropped (its connection destroyed; an unfinished
 * frame is discarded by the client), so the server never buffers without bound; the client
 * resumes with `Last-Event-ID`.
 */
import type { ServerResponse } from 'node:http';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import type { ChangeMessage, DocChange, FeedMessage } from '@saksflyt/projections';
import { FeedCursor, annualCycleProjection, decisionsProjection, minutesFeedFilter, portfolioProjection, toFollowUp, type AnnualCycleMeeting, type FollowUp, type FollowUpDoc, type Minutes } from '@saksflyt/projections';
import { bigintAsNumber } from '../platform.js';
import { ProjectionsService } from '../projections/projections.module.js';
import { minutesJson } from '../documents/documents.controller.js';
import { PUBLIC_READER, redactExempt, type ExemptReader } from '@saksflyt/workflow';

/**
 * A topic as one kind of reader sees it: its key names the reader (readers the policy treats alike
 * share it, e.g. every public client) and its data pass the one redaction (exempt cases).
 */
export function forReader(spec: TopicSpec, reader: ExemptReader): TopicSpec {
  const hide = (v: unknown) => (v === null ? null : redactExempt(v, reader));
  return {
    key: `${spec.key}|${reader.key}`,
    projection: spec.projection,
    snapshot: (position) => hide(spec.snapshot(position)),
    rows: (changes, position) => hide(spec.rows(changes, position)),
    ...(spec.contentKey ? { contentKey: spec.contentKey } : {}),
  };
}

export type FeedProjection = 'decisions' | 'portfolio' | 'minutes' | 'annual-cycle' | 'followups';

/** What a topic sends: the whole view, and the rows a committed event changed (null: nothing for it). */
export interface TopicSpec {
  key: string;
  projection: FeedProjection;
  snapshot(position: bigint): unknown;
  rows(changes: DocChange[], position: bigint): unknown | null;
  /**
   * A topic whose frames carry the whole view (a meeting's minutes): what its content is, apart
   * from the position. A client is not sent a frame whose content equals the last one it got.
   */
  contentKey?(data: unknown): string;
}

export function frame(event: 'snapshot' | 'change', position: bigint, data: unknown): string {
  return `id: ${position}\nevent: ${event}\ndata: ${JSON.stringify(data, bigintAsNumber)}\n\n`;
}

export class LiveClient {
  dead = false;
  /** What this client was sent up to (or resumed after): no change at or before it is sent again. */
  cursor = new FeedCursor();
  /** The content key of the last frame written (topics with `contentKey`). */
  lastKey: string | undefined;
  /** write() returned false and no 'drain' since: the client is behind. */
  private behind = false;
  constructor(
    readonly res: ServerResponse,
    private readonly maxBuffered: number,
    private readonly onGone: (c: LiveClient) => void,
  ) {
    res.on('drain', () => (this.behind = false));
  }

  /**
   * Writes a frame. A client still behind from earlier frames with more than `maxBuffered` bytes
   * unsent is dropped instead (memory per client stays below the bound plus one frame).
   */
  write(chunk: string): void {
    if (this.dead) return;
    if (this.behind && this.res.writableLength > this.maxBuffered) return this.drop();
    if (!this.res.write(chunk)) this.behind = true;
  }

  /** A frame of a topic with content keys: a change is skipped when its content is what the client has already. */
  send(chunk: string, key: string | undefined, always = false): void {
    if (key !== undefined) {
      if (key === this.lastKey && !always) return;
      this.lastKey = key;
    }
    this.write(chunk);
  }

  /** A comment line, unless frames are still waiting to go out (they keep the connection busy anyway). */
  heartbeat(): void {
    if (!this.dead && !this.behind) this.write(': keep-alive\n\n');
  }

  /** Ends the response at once, discarding what is buffered (slow client, or shutdown). */
  drop(): void {
    if (this.dead) return;
    this.dead = true;
    this.onGone(this);
    this.res.destroy();
  }

  end(): void {
    if (this.dead) return;
    this.dead = true;
    this.onGone(this);
    this.res.end();
  }
}

interface Topic {
  spec: TopicSpec;
  clients: Set<LiveClient>;
}

export const TOPICS = {
  decisions: (svc: ProjectionsService, reader: ExemptReader = PUBLIC_READER): TopicSpec => forReader({
    key: 'decisions',
    projection: 'decisions',
    snapshot: () => svc.runner.query('decisions', {}).view,
    rows: (changes) => {
      const rows = decisionsProjection.rows(changes);
      return rows.length ? rows : null;
    },
  }, reader),
  portfolio: (svc: ProjectionsService, reader: ExemptReader = PUBLIC_READER): TopicSpec => forReader({
    key: 'portfolio',
    projection: 'portfolio',
    snapshot: () => svc.runner.query('portfolio', {}).view,
    rows: (changes) => {
      const rows = portfolioProjection.rows(changes);
      return rows.length ? rows : null;
    },
  }, reader),
  meeting: (svc: ProjectionsService, meetingId: string, reader: ExemptReader = PUBLIC_READER): TopicSpec => {
    // the served documents as they are when a change is looked at (a case decided by written procedure touches the meeting that lists it)
    const touches = (change: DocChange) => minutesFeedFilter(meetingId, svc.runner.reader('minutes'))(change);
    // The minutes are rendered from the served documents: `position` in the data is the position
    // they reflect (at or after the message's id when several events were committed together).
    const current = (): unknown => {
      const { position, view } = svc.runner.query<Minutes | null>('minutes', { meetingId });
      return view ? minutesJson(view, position) : null;
    };
    return forReader({
      key: `meeting:${meetingId}`,
      projection: 'minutes',
      snapshot: () => current(),
      rows: (changes) => (changes.some(touches) ? current() : null),
      // the minutes as they read, whatever position they were rendered at
      contentKey: (data) => JSON.stringify(data === null ? null : { ...(data as object), position: undefined }),
    }, reader);
  },
  /** A committee's annual cycle (of one year, or every year): the change rows are its meetings that changed, counts and all. */
  annualCycle: (svc: ProjectionsService, committee: string, year?: number): TopicSpec => {
    const mine = (m: AnnualCycleMeeting) => m.committee === committee && (year === undefined || m.year === year);
    return {
      key: `annual-cycle:${committee}:${year ?? ''}`,
      projection: 'annual-cycle',
      snapshot: () => svc.runner.query('annual-cycle', { committee, ...(year !== undefined ? { year } : {}) }).view,
      rows: (changes) => {
        const rows = annualCycleProjection.rows(changes, svc.runner.reader('annual-cycle')).filter(mine);
        return rows.length ? rows : null;
      },
    };
  },
  /**
   * The follow-ups the reader may read (those of approved minutes, and of draft minutes of the
   * committees whose private records it may read), `overdue` by today's date: the change rows are
   * the follow-ups that changed, and those of minutes just approved (they become readable to all).
   */
  followUps: (svc: ProjectionsService, reader: ExemptReader, mayReadDraft: (committee: string) => boolean, today: () => string): TopicSpec => {
    const docs = () => svc.runner.reader('followups');
    const approved = (meetingId: string | null) => meetingId !== null && (docs().get<{ minutesApprovedAt?: string | null }>('meeting', meetingId)?.minutesApprovedAt ?? null) !== null;
    const readable = (f: FollowUp) => mayReadDraft(f.committee) || approved(f.meetingId);
    return forReader({
      key: 'followups',
      projection: 'followups',
      snapshot: () => svc.runner.query('followups', { canReadDraft: mayReadDraft, today: today() }).view,
      rows: (changes) => {
        const byId = new Map<string, FollowUp>();
        for (const c of changes) if (c.collection === 'followup' && c.doc) byId.set(c.id, toFollowUp(c.doc as FollowUpDoc, today()));
        const nowApproved = new Set(changes.filter((c) => c.collection === 'meeting' && c.doc && (c.doc as { minutesApprovedAt?: string | null }).minutesApprovedAt).map((c) => c.id));
        if (nowApproved.size)
          for (const d of docs().list<FollowUpDoc>('followup')) if (d.meetingId && nowApproved.has(d.meetingId) && !byId.has(d.id)) byId.set(d.id, toFollowUp(d, today()));
        const rows = [...byId.values()].filter(readable);
        return rows.length ? rows : null;
      },
    }, reader);
  },
};

@Injectable()
export class LiveService implements OnModuleDestroy {
  private readonly topics = new Map<string, Topic>();
  private readonly subscriptions = new Map<FeedProjection, Subscription>();
  private readonly clients = new Set<LiveClient>();
  private heartbeat: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly views: ProjectionsService) {}

  /** Number of connected clients (for tests and health). */
  get clientCount(): number {
    return this.clients.size;
  }

  private ensureSubscribed(projection: FeedProjection): void {
    if (this.subscriptions.has(projection)) return;
    const sub = this.views.runner.changes(projection).subscribe({
      next: (m) => this.broadcast(projection, m),
      complete: () => this.closeAll(),
    });
    this.subscriptions.set(projection, sub);
  }

  private broadcast(projection: FeedProjection, m: FeedMessage): void {
    for (const topic of this.topics.values()) {
      if (topic.spec.projection !== projection || topic.clients.size === 0) continue;
      const data = m.kind === 'snapshot' ? topic.spec.snapshot(m.position) : topic.spec.rows(m.changes, m.position);
      if (m.kind === 'change' && data === null) continue;
      const chunk = frame(m.kind, m.position, data);
      const key = topic.spec.contentKey?.(data);
      for (const c of topic.clients) if (c.cursor.pass(m)) c.send(chunk, key, m.kind === 'snapshot');
    }
  }

  /**
   * Opens a feed: the snapshot (no `lastEventId`) or every change after `lastEventId` (a snapshot
   * when the change log no longer reaches back), then live. `hijack` is called (and the headers
   * written) only once the first messages are ready, so an error before that is an ordinary answer.
   */
  open(res: ServerResponse, hijack: () => Record<string, string>, spec: TopicSpec, lastEventId: bigint | undefined): LiveClient {
    if (this.closed) throw new Error('live feeds are closed');
    this.ensureSubscribed(spec.projection);
    // --- one tick from here: first messages, then registration (no gap, no duplicate)
    const first: string[] = ['retry: 1000\n\n'];
    let lastKey: string | undefined;
    const missed: ChangeMessage[] | null = lastEventId === undefined ? null : this.views.runner.changesSince(spec.projection, lastEventId);
    const cursor = new FeedCursor(lastEventId ?? null);
    if (missed === null) {
      const s = this.views.runner.snapshot(spec.projection, {});
      const data = spec.snapshot(s.position);
      first.push(frame('snapshot', s.position, data));
      lastKey = spec.contentKey?.(data);
      cursor.pass({ kind: 'snapshot', position: s.position });
    } else {
      for (const m of missed) cursor.pass({ kind: 'change', position: m.position });
      // every missed change that touched the topic, each under its own id (a meeting's frames all
      // read as the minutes are now); the live frames after them skip what reads the same as the last
      let last: unknown = null;
      for (const m of missed) {
        const rows = spec.rows(m.changes, m.position);
        if (rows === null) continue;
        first.push(frame('change', m.position, rows));
        last = rows;
      }
      if (last !== null) lastKey = spec.contentKey?.(last);
    }
    const headers = hijack();
    let topic = this.topics.get(spec.key);
    if (!topic) this.topics.set(spec.key, (topic = { spec, clients: new Set() }));
    const t = topic;
    const client = new LiveClient(res, this.views.sseMaxBufferedBytes, (c) => {
      t.clients.delete(c);
      this.clients.delete(c);
      if (t.clients.size === 0 && this.topics.get(t.spec.key) === t) this.topics.delete(t.spec.key);
    });
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.on('close', () => client.end());
    res.on('error', () => client.drop());
    client.lastKey = lastKey;
    client.cursor = cursor;
    t.clients.add(client);
    this.clients.add(client);
    client.write(first.join(''));
    this.startHeartbeat();
    return client;
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.heartbeat();
    }, this.views.heartbeatMs);
    this.heartbeat.unref();
  }

  private closeAll(): void {
    for (const c of Array.from(this.clients)) c.end();
  }

  onModuleDestroy(): void {
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const s of this.subscriptions.values()) s.unsubscribe();
    this.subscriptions.clear();
    this.closeAll();
  }
}

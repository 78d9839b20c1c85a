/**
 * A command already carried out: its answer rebuilt from the stored events.
 *
 * A client that lost the answer retries with the same Idempotency-Key, so the same command id and
 * the same derived event ids (ids.ts). If the first try was written (the server died after the
 * append, before the api saved the idempotency record), deciding again on the changed state gives
 * another plan: the store refuses it (DuplicateEventId: an id stored at another place), answers a
 * repeat at other revisions than planned, or the decider refuses the state. Then the command's own
 * events are looked up in the streams it may have written: its root event is the one with id
 * `eventId(commandId, stream, 0)` and no causation; its events in a stream are the consecutive run
 * `eventId(commandId, stream, 0..)`. The root stream folded up to the command's last event there
 * gives the answer the command gave (id, state, revision, and each command's extra fields), the
 * highest position of its events found gives the position.
 */
import type { EventStore, RecordedEvent } from '@saksflyt/event-store';
import { StreamNotFound } from '@saksflyt/event-store';
import type { CommandResult } from '../application/types.js';
import { foldCaseRecord } from '../case/fold.js';
import { foldMeetingRecord } from '../meeting/fold.js';
import { eventId } from './ids.js';
import { upcast } from './upcast.js';

async function readAllOf(store: EventStore, stream: string): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  try {
    for await (const e of store.readStream(stream)) out.push(e);
  } catch (e) {
    if (e instanceof StreamNotFound || (e as { code?: string })?.code === 'STREAM_NOT_FOUND') return [];
    throw e;
  }
  return out;
}

/** The command's events in the stream (its consecutive run), with the events before them. */
async function mineIn(store: EventStore, commandId: string, stream: string): Promise<{ upTo: RecordedEvent[]; mine: RecordedEvent[] } | null> {
  const events = await readAllOf(store, stream);
  const first = eventId(commandId, stream, 0);
  const at = events.findIndex((e) => e.id === first);
  if (at < 0) return null;
  let end = at + 1;
  while (end < events.length && events[end]!.id === eventId(commandId, stream, end - at)) end++;
  return { upTo: events.slice(0, end), mine: events.slice(at, end) };
}

/**
 * Was the command carried out? Its original answer (position: the highest of its events found in
 * the streams named), 'unknown' when it was but the answer cannot be rebuilt, null when not.
 */
export async function carriedOut(store: EventStore, commandId: string, streams: string[]): Promise<CommandResult | 'unknown' | null> {
  let root: { stream: string; upTo: RecordedEvent[]; mine: RecordedEvent[] } | null = null;
  let found = false;
  let position = 0n;
  for (const stream of new Set(streams)) {
    const m = await mineIn(store, commandId, stream);
    if (!m) continue;
    found = true;
    for (const e of m.mine) if (e.position > position) position = e.position;
    if (!root && (m.mine[0]!.metadata?.causationId ?? null) === null) root = { stream, ...m };
  }
  if (!found) return null;
  if (!root) return 'unknown';
  const answer = rebuild(root.stream, root.upTo, root.mine);
  return answer ? ({ ...answer, position } as CommandResult) : 'unknown';
}

function rebuild(stream: string, upTo: RecordedEvent[], mine: RecordedEvent[]): Omit<CommandResult, 'position'> | null {
  const first = mine[0]!;
  const revision = mine[mine.length - 1]!.revision;
  const data = upcast(first.type, first.data) as Record<string, unknown>;
  if (stream.startsWith('case-')) {
    const r = foldCaseRecord(upTo);
    if (first.type === 'AttachmentAdded')
      return { id: data.attachmentId, caseId: r.caseId, state: r.status, revision, filename: data.filename, contentType: data.contentType, size: data.size, sha256: data.sha256 } as Omit<CommandResult, 'position'>;
    return {
      id: r.caseId,
      state: r.status,
      revision,
      ...(first.type === 'CaseDrafted' && first.revision === 0n ? { matterId: r.matterId, committee: r.committee } : {}),
      ...(first.type === 'CaseReferred' ? { referredCaseId: data.referredCaseId } : {}),
    } as Omit<CommandResult, 'position'>;
  }
  if (stream.startsWith('meeting-')) {
    const r = foldMeetingRecord(upTo);
    return {
      id: r.meetingId,
      committee: r.committee,
      number: r.number,
      state: r.status,
      revision,
      ...(first.type === 'MeetingNoticed' ? { agenda: data.agenda } : {}),
    } as Omit<CommandResult, 'position'>;
  }
  if (stream.startsWith('committee-')) {
    const code = stream.slice('committee-'.length);
    if (first.type === 'CommitteeCreated') return { id: code, state: 'active', revision } as Omit<CommandResult, 'position'>;
    if (first.type === 'MemberJoined') return { id: data.memberId, state: 'member', revision, committee: code } as Omit<CommandResult, 'position'>;
    if (first.type === 'MemberLeft') return { id: data.memberId, state: 'left', revision, committee: code } as Omit<CommandResult, 'position'>;
    if (first.type === 'MemberLoginLinked' || first.type === 'MemberLoginUnlinked') return { id: data.memberId, state: 'member', revision, committee: code } as Omit<CommandResult, 'position'>;
    return null;
  }
  if (stream.startsWith('numbering-') && first.type === 'NumberingContinued') {
    const rest = stream.slice('numbering-'.length);
    const dash = rest.lastIndexOf('-');
    return {
      id: `${rest.slice(0, dash)}/${rest.slice(dash + 1)}`,
      state: 'continued',
      revision,
      nextMeetingNumber: data.nextMeetingNumber,
      nextCaseNumber: data.nextCaseNumber,
    } as Omit<CommandResult, 'position'>;
  }
  return null;
}

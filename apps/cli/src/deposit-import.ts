/**
 * Importing a deposit zip (`saksflyt import saksflyt-NEHS-2018.zip`): the deposit's event log
 * (`hendelser.jsonl`) is appended as it is, stream by stream in its log order, with the same
 * event ids, types, data and metadata (who and when), after every file's SHA-256 was checked. The
 * views are then the ones those events give (see docs/ARCHITECTURE.md "Importing a deposit").
 * The attachments' bytes go into the blob store first (the events name them).
 *
 * Refused before anything is written (exit 1): a deposit whose files do not match their hashes, or
 * a store holding one of its streams with other events. A stream the store already holds as the
 * deposit's first events is continued (importing the same deposit twice writes nothing).
 */
import { Readable } from 'node:stream';
import { DepositInvalid, readDeposit } from '@saksflyt/archive';
import { StreamNotFound, type EventStore, type RecordedEvent } from '@saksflyt/event-store';
import { BlobStore } from '../../api/src/attachments/blob-store.js';
import type { Progress } from './io.js';

export interface DepositImportResult {
  committee: string;
  year: number;
  events: { inDeposit: number; written: number; alreadyStored: number };
  streams: number;
  attachments: number;
  /** The exporting store's last event (the deposit's `su:byggetFraPosisjon`). */
  builtFrom: { position: string; hash: string | null };
  position: bigint;
}

export class DepositRefused extends Error {}

async function storedIds(store: EventStore, stream: string): Promise<string[]> {
  const ids: string[] = [];
  try {
    for await (const e of store.readStream(stream)) ids.push(e.id);
  } catch (e) {
    if (!(e instanceof StreamNotFound)) throw e;
  }
  return ids;
}

export async function importDeposit(store: EventStore, blobDir: string, zip: Uint8Array, progress: Progress): Promise<DepositImportResult> {
  let deposit;
  try {
    deposit = readDeposit(zip);
  } catch (e) {
    if (e instanceof DepositInvalid) throw new DepositRefused(e.message);
    throw e;
  }
  const events = [...deposit.events].sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
  // Check every stream first: absent, or holding exactly the deposit's first events.
  const byStream = new Map<string, RecordedEvent[]>();
  for (const e of events) (byStream.get(e.stream) ?? byStream.set(e.stream, []).get(e.stream)!).push(e);
  const have = new Map<string, number>();
  for (const [stream, list] of byStream) {
    list.forEach((e, i) => {
      if (e.revision !== BigInt(i)) throw new DepositRefused(`${stream}: the deposit's revisions are not 0, 1, 2, … (event ${e.id})`);
    });
    const ids = await storedIds(store, stream);
    if (ids.length > list.length || ids.some((id, i) => id !== list[i]!.id)) throw new DepositRefused(`the store already holds ${stream} with other events: import a deposit into an empty store`);
    have.set(stream, ids.length);
  }
  // The attachments' bytes before the events that name them.
  const blobs = BlobStore.open(blobDir);
  let attachments = 0;
  for (const l of deposit.listed) {
    if (!l.path.startsWith('dokumenter/vedlegg/')) continue;
    const r = await blobs.receive(Readable.from([Buffer.from(deposit.files.get(l.path)!)]), Number.MAX_SAFE_INTEGER);
    if (r.kind !== 'ok' || r.sha256 !== l.sha256) throw new DepositRefused(`${l.path}: could not be stored by its SHA-256`);
    await blobs.commit(r);
    attachments++;
  }
  // The events, each run of one stream's consecutive events in one append, in the log's order.
  let written = 0;
  let done = 0;
  let position = await store.headPosition();
  progress.update(0, events.length);
  for (let i = 0; i < events.length; ) {
    const stream = events[i]!.stream;
    let j = i;
    while (j < events.length && events[j]!.stream === stream) j++;
    const run = events.slice(i, j).filter((e) => e.revision >= BigInt(have.get(stream)!));
    if (run.length > 0) {
      const first = run[0]!.revision;
      const r = await store.append(
        stream,
        run.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })),
        { expectedRevision: first === 0n ? 'no_stream' : first - 1n },
      );
      position = r.position;
      written += run.length;
    }
    done += j - i;
    progress.update(done, events.length);
    i = j;
  }
  progress.stop();
  return {
    committee: deposit.archive.header.committee.code,
    year: deposit.archive.header.year,
    events: { inDeposit: events.length, written, alreadyStored: events.length - written },
    streams: byStream.size,
    attachments,
    builtFrom: { position: /<su:byggetFraPosisjon>(\d+)</.exec(deposit.xml)?.[1] ?? '0', hash: /<su:byggetFraSjekksum>([0-9a-f]{64})</.exec(deposit.xml)?.[1] ?? null },
    position,
  };
}

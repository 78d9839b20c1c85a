/**
 * Issue 2: `kill -9` of the SERVER during a 32-writer append load loses no acknowledged event.
 *
 * The real server (`apps/api/src/main.ts`, compiled once by child-server.ts into a private outDir
 * under `.tmp/` so a concurrent `npm run build` into dist/ cannot change it under us) runs as a
 * child process on an empty SQLite store. 32 concurrent HTTP writers (fetch, keep-alive) create cases; a case counts as
 * acknowledged only once its whole 201 body has arrived. After >= 1.2 s and >= 300 acks the child
 * gets SIGKILL. Then, with the server dead, the store file is opened directly: every acknowledged
 * case's stream is there (CaseDrafted with the title it was created with, at the acknowledged
 * position), the hash chain verifies, the head is at or past the highest acknowledged position.
 * The server is restarted on the same data dir: health reports that head, and a sample of the
 * acknowledged cases (the last ones acknowledged included) answer 200 with their titles.
 * Two rounds on the same data dir (the second one writes on a store recovered from the first kill).
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { expect, test } from '@jest/globals';
import { openSqliteStore } from '@saksflyt/event-store';
import { childRequest as req, childServers, type Child } from './child-server.js';

const { startServer, dataDir: newDataDir } = childServers('server-crash');

const WRITERS = 32;
const MIN_LOAD_MS = 1200;
const MIN_ACKS = 300;
const ROUNDS = 2;

const ADMIN = 'tok-admin';
const SECRETARIAT = 'tok-secretariat-nehs';
const TOKENS = {
  [SECRETARIAT]: { name: 'Anita Lindholt', roles: [{ role: 'secretariat', committee: 'NEHS' }] },
  [ADMIN]: { name: 'Admin', roles: [{ role: 'admin' }] },
};

interface Ack {
  id: string;
  title: string;
  position: bigint;
  round: number;
}

async function health(url: string): Promise<{ kind: string; headPosition: number }> {
  const res = await req(url, 'GET', '/api/health');
  expect(res.status).toBe(200);
  return res.body.store;
}

/**
 * 32 writers creating cases until the server is killed (after MIN_LOAD_MS and MIN_ACKS, at most 20 s).
 * Returns what was acknowledged (whole 201 body received) and anything unexpected before the kill.
 */
async function loadAndKill(server: Child, round: number) {
  const acks: Ack[] = [];
  const unexpected: string[] = [];
  let killed = false;
  let seq = 0;
  const writer = async (w: number) => {
    for (;;) {
      if (killed) return;
      const title = `Krasjprøve r${round} w${w} #${seq++} ${randomUUID()}`;
      try {
        const res = await req(server.url, 'POST', '/api/cases', SECRETARIAT, {
          committee: 'NEHS',
          title,
          type: 'approval',
          proposedResolution: 'Utvalget tar saken til orientering.',
        });
        if (res.status === 201 && typeof res.body?.id === 'string') {
          acks.push({ id: res.body.id, title, position: BigInt(res.body.position), round });
        } else if (!killed) {
          unexpected.push(`${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
        }
      } catch (e) {
        // connection reset / refused: expected only once the server is killed
        if (!killed) unexpected.push(`writer ${w}: ${e instanceof Error ? `${e.message} ${String((e as any).cause ?? '')}` : String(e)}`);
        return;
      }
    }
  };
  const started = Date.now();
  const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));
  while ((Date.now() - started < MIN_LOAD_MS || acks.length < MIN_ACKS) && Date.now() - started < 20_000) {
    if (unexpected.length > 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const loadMs = Date.now() - started;
  const acksAtKill = acks.length;
  killed = true; // from here on, failed requests are expected
  server.proc.kill('SIGKILL');
  const exit = await server.exited;
  await Promise.all(writers);
  return { acks, unexpected, exit, loadMs, acksAtKill };
}

/** With the server dead: every acknowledged case is in the store file, the chain verifies. */
async function checkStoreFile(file: string, acked: Ack[]) {
  const store = await openSqliteStore({ file });
  try {
    const missing: string[] = [];
    for (const a of acked) {
      const events = [];
      try {
        for await (const e of store.readStream(`case-${a.id}`)) events.push(e);
      } catch (e) {
        missing.push(`${a.id} (round ${a.round}, position ${a.position}): ${(e as Error).message}`);
        continue;
      }
      const first = events[0] as any;
      const atAck = events.find((e) => e.position === a.position);
      if (first?.type !== 'CaseDrafted' || first.data?.title !== a.title || !atAck) {
        missing.push(`${a.id} (round ${a.round}, position ${a.position}): stream holds ${JSON.stringify(events.map((e) => [e.type, String(e.position)]))}`);
      }
    }
    const verdict = await store.verifyChain();
    const head = await store.headPosition();
    return { missing, verdict, head };
  } finally {
    await store.close();
  }
}

function sample<T>(xs: T[], n: number): T[] {
  const copy = [...xs];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}

test('SIGKILL of the server under 32 concurrent writers loses no acknowledged case, twice', async () => {
  const { dataDir, tokensFile } = newDataDir('saksflyt-server-crash-', TOKENS);
  const file = path.join(dataDir, 'saksflyt.db');

  let server = await startServer(dataDir, tokensFile);
  expect((await health(server.url)).kind).toBe('sqlite');
  const committee = await req(server.url, 'POST', '/api/committees', ADMIN, { code: 'NEHS', name: 'Nasjonalt e-helsestyre' });
  expect(committee.status).toBe(201);

  const all: Ack[] = [];
  const report: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const { acks, unexpected, exit, loadMs, acksAtKill } = await loadAndKill(server, round);
    expect(unexpected).toEqual([]);
    expect(exit.signal).toBe('SIGKILL');
    expect(acks.length).toBeGreaterThanOrEqual(MIN_ACKS);
    all.push(...acks);
    const maxAcked = acks.reduce((m, a) => (a.position > m ? a.position : m), 0n);

    const { missing, verdict, head } = await checkStoreFile(file, all);
    expect(missing).toEqual([]);
    expect(verdict).toMatchObject({ ok: true });
    // the committee + every acknowledged case (other events may be there too, e.g. unacknowledged ones)
    expect(verdict.ok && verdict.events).toBeGreaterThanOrEqual(all.length + 1);
    expect(head).toBeGreaterThanOrEqual(maxAcked);
    report.push(
      `round ${round}: ${acks.length} acknowledged (${acksAtKill} when SIGKILL was sent) after ${loadMs} ms of load; ` +
        `max acked position ${maxAcked}, head ${head}, chain ${verdict.ok ? `${verdict.events} events` : 'BROKEN'}`,
    );

    // restart on the same data dir: health shows the head, the acknowledged cases are served
    server = await startServer(dataDir, tokensFile);
    const h = await health(server.url);
    expect(BigInt(h.headPosition)).toBe(head);
    const lastAcked = [...acks].sort((a, b) => (a.position < b.position ? 1 : -1)).slice(0, 20);
    const toGet = [...lastAcked, ...sample(acks, 30), ...sample(all.filter((a) => a.round !== round), 30)];
    const wrong: string[] = [];
    for (const a of toGet) {
      const got = await req(server.url, 'GET', `/api/cases/${a.id}`, SECRETARIAT);
      if (got.status !== 200 || got.body.id !== a.id || got.body.title !== a.title || got.body.state !== 'draft') {
        wrong.push(`${a.id}: ${got.status} ${JSON.stringify(got.body).slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
  }
  // the last restart stops cleanly
  server.proc.kill('SIGTERM');
  await server.exited;
  console.log(`server-crash.e2e:\n  ${report.join('\n  ')}`);
}, 120_000);

/**
 * `kill -9` during attachment uploads leaves, for each upload, either the whole attachment and its
 * event or neither (issue 11, "Done when").
 *
 * The built server runs as a child process (child-server.ts). One upload streams 8 MiB slowly
 * (chunked, no Content-Length) and is cut off by SIGKILL half-way; meanwhile four writers upload
 * files of 64 KiB–1 MiB to other cases as fast as they can, so the kill also falls between
 * storing some file and appending its event. After a restart on the same data dir:
 * - every acknowledged upload (its whole 201 body received) is on its case and downloads with the
 *   SHA-256 and size it was acknowledged with: never lost;
 * - every attachment any case lists downloads whole, with the SHA-256 and size its event holds
 *   (no event without its bytes);
 * - the cut-off upload left no event, and no temp file is left in the blob folder.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@jest/globals';
import { childRequest as req, childServers, readAnswer } from './child-server.js';

const { startServer, dataDir: newDataDir } = childServers('attachments-crash');

const ADMIN = 'tok-admin';
const SEC = 'tok-secretariat-nehs';
const TOKENS = {
  [SEC]: { name: 'Anita Lindholt', roles: [{ role: 'secretariat', committee: 'NEHS' }] },
  [ADMIN]: { name: 'Admin', roles: [{ role: 'admin' }] },
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const pdf = (n: number) => Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(n - 9)]);

interface Ack {
  caseId: string;
  id: string;
  sha256: string;
  size: number;
}

test('kill -9 during uploads: each attachment is there whole with its event, or neither; no temp file after restart', async () => {
  const { dataDir, tokensFile } = newDataDir('saksflyt-att-crash-', TOKENS);
  const server = await startServer(dataDir, tokensFile);
  expect((await req(server.url, 'POST', '/api/committees', ADMIN, { code: 'NEHS', name: 'Nasjonalt e-helsestyre' })).status).toBe(201);
  const cases: string[] = [];
  for (let i = 0; i < 9; i++) cases.push((await req(server.url, 'POST', '/api/cases', SEC, { committee: 'NEHS', title: `Sak ${i}`, type: 'approval', proposedResolution: 'P' })).body.id);
  const [slowCase, ...fastCases] = cases;

  // the slow upload: 8 MiB in 64 KiB chunks, 20 ms apart; killed after about half of it
  let sent = 0;
  let halfway!: () => void;
  const reachedHalf = new Promise<void>((r) => (halfway = r));
  const slowBytes = pdf(8 * 1024 * 1024);
  const slow = fetch(`${server.url}/api/cases/${slowCase}/attachments?filename=slow.pdf`, {
    method: 'POST',
    headers: { authorization: `Bearer ${SEC}`, 'content-type': 'application/pdf' },
    duplex: 'half',
    body: new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent >= slowBytes.length) return controller.close();
        await new Promise((r) => setTimeout(r, 20));
        const chunk = slowBytes.subarray(sent, sent + 64 * 1024);
        sent += chunk.length;
        if (sent >= slowBytes.length / 2) halfway();
        controller.enqueue(new Uint8Array(chunk));
      },
    }),
  } as RequestInit).then(
    (r) => r.status,
    () => 'cut off',
  );

  // four fast writers
  const acks: Ack[] = [];
  let killed = false;
  const unexpected: string[] = [];
  const writer = async (w: number) => {
    for (let n = 0; !killed; n++) {
      const caseId = fastCases[(w * 2 + n) % fastCases.length]!;
      const bytes = pdf(64 * 1024 + ((n * 7919 + w * 104729) % (960 * 1024)));
      try {
        const r = await readAnswer(await fetch(`${server.url}/api/cases/${caseId}/attachments?filename=w${w}-${n}.pdf`, { method: 'POST', headers: { authorization: `Bearer ${SEC}`, 'content-type': 'application/pdf' }, body: bytes }));
        if (r.status === 201) {
          expect([r.body.sha256, r.body.size]).toEqual([sha(bytes), bytes.length]);
          acks.push({ caseId, id: r.body.id, sha256: r.body.sha256, size: r.body.size });
        } else if (!killed) unexpected.push(`${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      } catch {
        if (!killed) unexpected.push('connection failed before the kill');
      }
    }
  };
  const writers = [0, 1, 2, 3].map(writer);
  await reachedHalf;
  await new Promise((r) => setTimeout(r, 300 + Math.floor(Math.random() * 300)));
  server.proc.kill('SIGKILL');
  killed = true;
  await server.exited;
  await Promise.all(writers);
  expect(await slow).toBe('cut off');
  expect(unexpected).toEqual([]);
  expect(acks.length).toBeGreaterThan(3);

  const again = await startServer(dataDir, tokensFile);
  try {
    expect(readdirSync(path.join(dataDir, 'blobs', 'tmp'))).toEqual([]);
    const listed = new Map<string, { caseId: string; sha256: string; size: number }>();
    for (const caseId of cases) {
      const c = await req(again.url, 'GET', `/api/cases/${caseId}`, SEC);
      expect(c.status).toBe(200);
      for (const a of c.body.attachments as { id: string; sha256: string; size: number }[]) listed.set(a.id, { caseId, sha256: a.sha256, size: a.size });
    }
    // never lost: every acknowledged upload is listed as acknowledged
    expect(acks.filter((a) => JSON.stringify(listed.get(a.id)) !== JSON.stringify({ caseId: a.caseId, sha256: a.sha256, size: a.size }))).toEqual([]);
    // no event without its whole bytes
    const broken: string[] = [];
    for (const [id, a] of listed) {
      const res = await fetch(`${again.url}/api/cases/${a.caseId}/attachments/${id}`, { headers: { authorization: `Bearer ${SEC}` } });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200 || body.length !== a.size || sha(body) !== a.sha256) broken.push(`${id}: ${res.status} ${body.length}/${a.size}`);
    }
    expect(broken).toEqual([]);
    // the cut-off upload: no event
    expect((await req(again.url, 'GET', `/api/cases/${slowCase}`, SEC)).body.attachments).toEqual([]);
  } finally {
    again.proc.kill('SIGKILL');
    await again.exited;
  }
}, 120_000);

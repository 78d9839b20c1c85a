/**
 * Issue 13 (faults): SIGTERM to the real server (a child process, child-server.ts) while a slow
 * request is in flight (an attachment upload whose body the client is still sending) and a live feed
 * (SSE) is open. The server stops taking new requests (a new connection is refused, or answered 503
 * problem JSON), finishes the upload with its normal 201, ends the live feed, flushes the
 * projections and exits 0 within 10 s. After a restart on the same data dir nothing is missing:
 * the head is the one the upload answered, every projection stands at it at once (no rebuild, no
 * catching up), and the case lists the attachment.
 */
import http from 'node:http';
import { expect, test } from '@jest/globals';
import { childRequest as req, childServers } from './child-server.js';

const { startServer, dataDir: newDataDir } = childServers('faults-sigterm');

const SEC = 'tok-secretariat-nehs';
const ADMIN = 'tok-admin';
const TOKENS = {
  [SEC]: { name: 'Anita Lindholt', roles: [{ role: 'secretariat', committee: 'NEHS' }] },
  [ADMIN]: { name: 'Admin', roles: [{ role: 'admin' }] },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('SIGTERM: new requests refused, the upload in flight finishes 201, the views are flushed, exit 0 within 10 s', async () => {
  const { dataDir, tokensFile } = newDataDir('saksflyt-sigterm-', TOKENS);
  let server = await startServer(dataDir, tokensFile);
  expect((await req(server.url, 'POST', '/api/committees', ADMIN, { code: 'NEHS', name: 'Nasjonalt e-helsestyre' })).status).toBe(201);
  const created = await req(server.url, 'POST', '/api/cases', SEC, { committee: 'NEHS', title: 'Sak med vedlegg', type: 'approval', proposedResolution: 'Utvalget tar saken til orientering.' });
  expect(created.status).toBe(201);
  const caseId = created.body.id as string;

  // a live feed held open across the stop
  const sse = await fetch(`${server.url}/api/live/decisions`, { headers: { accept: 'text/event-stream' } });
  expect(sse.status).toBe(200);
  const sseEnded = (async () => {
    const reader = sse.body!.getReader();
    for (;;) if ((await reader.read()).done) return 'ended';
  })().catch(() => 'ended');

  // the slow request: 20 chunks of 10 kB, 100 ms apart
  const chunk = Buffer.from('Vedlegg som sendes sakte.\n'.repeat(400)); // 10 400 bytes
  const chunks = 20;
  const { port } = new URL(server.url);
  let signal: () => void = () => undefined;
  const signalled = new Promise<void>((resolve) => (signal = resolve));
  const upload = new Promise<{ status: number; body: any }>((resolve, reject) => {
    const r = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/cases/${caseId}/attachments?filename=sakte.txt`,
        headers: { authorization: `Bearer ${SEC}`, 'content-type': 'text/plain', 'content-length': String(chunk.length * chunks) },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += String(d)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    r.on('error', reject);
    void (async () => {
      for (let i = 0; i < chunks; i++) {
        r.write(chunk);
        await sleep(100);
        if (i === 4) signal();
      }
      r.end();
    })();
  });

  await signalled; // half of the body sent
  const signalledAt = Date.now();
  server.proc.kill('SIGTERM');
  await sleep(300);

  // a new request while the upload is still being sent: refused (connection) or 503 problem JSON
  let fresh: string;
  try {
    const r = await fetch(`${server.url}/api/health`, { headers: { connection: 'close' } });
    fresh = `${r.status} ${r.headers.get('content-type')}`;
  } catch (e) {
    fresh = `refused ${String((e as { cause?: { code?: string } }).cause?.code ?? e)}`;
  }
  expect(fresh).toMatch(/^(refused ECONNREFUSED|503 application\/problem\+json)/);

  const answer = await upload;
  expect(answer).toMatchObject({ status: 201, body: { id: expect.any(String), position: expect.any(Number) } });
  const position = answer.body.position as number;
  expect(await sseEnded).toBe('ended');
  const exit = await server.exited;
  expect(exit).toEqual({ code: 0, signal: null });
  expect(Date.now() - signalledAt).toBeLessThan(10_000);
  expect(server.log()).toMatch(/SIGTERM: stopping/);

  // restarted: nothing missing, the views at the head at once (flushed at the stop, no rebuild)
  server = await startServer(dataDir, tokensFile);
  const health = (await req(server.url, 'GET', '/api/health')).body;
  expect(health).toMatchObject({ status: 'ok', store: { headPosition: position } });
  for (const p of health.projections) expect(p).toMatchObject({ position, serving: { position } });
  const c = await req(server.url, 'GET', `/api/cases/${caseId}`, SEC);
  expect(c.body.attachments).toEqual([expect.objectContaining({ filename: 'sakte.txt', size: chunk.length * chunks })]);
  server.proc.kill('SIGTERM');
  expect(await server.exited).toEqual({ code: 0, signal: null });
}, 60_000);

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore, type EventStore } from '@saksflyt/event-store';
import { loadProject, PortfolioError, registerProject, reportProjectStatus } from '@saksflyt/portfolio';

const ctx = { actor: { name: 'Anita Lindholt' }, correlationId: 'corr-1', at: '2020-10-28T09:00:00+01:00' };

describe('portfolio project aggregate on a real SQLite store', () => {
  let dir: string;
  let store: EventStore;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'saksflyt-portfolio-'));
    store = await openSqliteStore({ file: path.join(dir, 'saksflyt.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers a project and reports status, with metadata from the context', async () => {
    const r = await registerProject(store, { id: '196', name: 'Oppruste og modernisere SYSVAK', owner: 'FHI', phase: 'gjennomføring' }, ctx);
    const s = await reportProjectStatus(store, '196', { risk: 'høy', note: 'Rapporteres med høy risiko' }, { ...ctx, correlationId: 'corr-2' });
    const events = [];
    for await (const e of store.readStream('project-196')) events.push(e);
    // the positions the store gave the two events (not necessarily 1 and 2)
    expect(r).toEqual({ id: '196', revision: 0n, position: events[0].position });
    expect(s).toEqual({ id: '196', revision: 1n, position: events[1].position });
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['ProjectRegistered', { v: 1, id: '196', name: 'Oppruste og modernisere SYSVAK', owner: 'FHI', phase: 'gjennomføring' }],
      ['ProjectStatusReported', { v: 1, risk: 'høy', note: 'Rapporteres med høy risiko' }],
    ]);
    expect(events[1].metadata).toEqual({ actor: 'Anita Lindholt', correlationId: 'corr-2', causationId: null, at: '2020-10-28T09:00:00+01:00' });
    expect(await loadProject(store, '196')).toEqual({
      id: '196', name: 'Oppruste og modernisere SYSVAK', owner: 'FHI', phase: 'gjennomføring', status: null, risk: 'høy', revision: 1n,
    });
  });

  it('refuses a duplicate id with 409, an unknown project with 404, a bad body with 400, writing nothing', async () => {
    const registered = await registerProject(store, { id: '101', name: 'Robust Mobilt Helsenett', owner: 'Helse Nord RHF' }, ctx);
    const dup = await registerProject(store, { id: '101', name: 'Other', owner: 'KS' }, ctx).catch((e) => e);
    expect(dup).toBeInstanceOf(PortfolioError);
    expect(dup.status).toBe(409);
    const unknown = await reportProjectStatus(store, '999', { note: 'x' }, ctx).catch((e) => e);
    expect(unknown.status).toBe(404);
    const bad = await registerProject(store, { id: '', name: 'x', owner: 3 as unknown as string }, ctx).catch((e) => e);
    expect(bad.status).toBe(400);
    expect(bad.errors.map((e: { field: string }) => e.field)).toEqual(['id', 'owner']);
    expect((await reportProjectStatus(store, '101', { note: '' }, ctx).catch((e) => e)).status).toBe(400);
    expect(await store.headPosition()).toBe(registered.position);
    expect((await loadProject(store, '999').catch((e) => e)).status).toBe(404);
  });
});

/**
 * `saksflyt replay --at <time> [--committee C] [--json]` on a temp SQLite data dir holding the real
 * records (imported with `saksflyt import`): the register and the annual cycle as they stood, the
 * same as the time machine answers the HTTP reads; exit codes 2 (bad usage) and 3 (no store).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '@saksflyt/event-store';
import { allProjections, TimeMachine, type DecisionRow } from '@saksflyt/projections';
import { runCli } from '../src/cli.js';

const dir = mkdtempSync(path.join(tmpdir(), 'saksflyt-cli-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], dataDir = dir): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { SAKSFLYT_DATA_DIR: dataDir }, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('saksflyt replay', () => {
  beforeAll(async () => {
    const r = await run(['import', 'fixtures/records/nehs-2018-2019.json', '--json']);
    expect(r.code).toBe(0);
  }, 60_000);

  it('prints the register and the annual cycle as they stood, in JSON the same as the time machine', async () => {
    const now = await run(['replay', '--at', '2100-01-01T00:00:00Z', '--committee', 'NEHS', '--json']);
    expect(now.err).toEqual([]);
    expect(now.code).toBe(0);
    const a = JSON.parse(now.out.join('\n'));
    expect(a.decisions.length).toBeGreaterThan(5);
    expect(a.annualCycle.NEHS.length).toBeGreaterThan(0);
    // the same answer as the time machine over the same store, by position
    const store = await openSqliteStore({ file: path.join(dir, 'saksflyt.db') });
    const tm = new TimeMachine({ store, file: path.join(dir, 'saksflyt-projections.db'), projections: allProjections });
    try {
      const head = await store.headPosition();
      expect(a.position).toBe(Number(head));
      expect(a.decisions).toEqual(await tm.query<DecisionRow[]>('decisions', head, { committee: 'NEHS' }));
      expect(a.annualCycle.NEHS).toEqual(await tm.query('annual-cycle', head, { committee: 'NEHS' }));
      // half-way through the record (by the events' own times): fewer decisions, the time machine's answer then
      const ats: string[] = [];
      for await (const e of store.readAll()) ats.push(e.metadata.at);
      const mid = [...ats].sort()[Math.floor(ats.length / 2)]!;
      const then = await run(['replay', '--at', mid, '--committee', 'NEHS', '--json']);
      expect(then.code).toBe(0);
      const t = JSON.parse(then.out.join('\n'));
      const moment = await tm.momentAt(mid);
      expect(t.position).toBe(Number(moment.position));
      expect(t.position).toBeLessThan(a.position);
      expect(t.decisions).toEqual(await tm.query('decisions', moment.position, { committee: 'NEHS' }));
      expect(t.decisions.length).toBeLessThan(a.decisions.length);
    } finally {
      await tm.close();
      await store.close();
    }
    const before = await run(['replay', '--at', '1990-01-01', '--json']);
    expect(before.code).toBe(0);
    expect(JSON.parse(before.out.join('\n'))).toEqual({ asOf: '1990-01-01', position: 0, decisions: [], annualCycle: {} });
  });

  it('prints it for people without --json', async () => {
    const r = await run(['replay', '--at', '2100-01-01T00:00:00Z']);
    expect(r.code).toBe(0);
    const text = r.out.join('\n');
    expect(text).toMatch(/^Som per 2100-01-01T00:00:00Z \(bygget fra hendelse \d+\)/);
    expect(text).toMatch(/Vedtaksregister \(\d+\)/);
    expect(text).toMatch(/Årshjul NEHS \(\d+ møter\)/);
  });

  it('exit 2 for bad usage, 3 when there is no store', async () => {
    const bad = await run(['replay', '--at', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toMatch(/not an ISO 8601 time/);
    expect((await run(['replay'])).code).not.toBe(0);
    const unknown = await run(['replay', '--at', '2100-01-01T00:00:00Z', '--committee', 'NOPE']);
    expect(unknown.code).toBe(2);
    expect(unknown.err.join('\n')).toMatch(/committee NOPE was unknown/);
    const none = await run(['replay', '--at', '2100-01-01T00:00:00Z'], path.join(dir, 'no-such-dir'));
    expect(none.code).toBe(3);
    expect(none.err.join('\n')).toMatch(/no store/);
  });
});

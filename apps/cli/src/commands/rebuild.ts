/**
 * `saksflyt rebuild`: rebuilds every projection from the log into a fresh projection file beside
 * the old one, then puts it in its place (the old file stays until the new one has caught up).
 * Stop the server first: a running server keeps serving the file it opened.
 * Progress: events applied of the events in the log (counted first; positions are never computed with).
 */
import { existsSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ProjectionRunner, allProjections } from '@saksflyt/projections';
import { CliExit, EXIT, openStore, printJson, progress, storeEnv, withCommonOptions, type CliIo, type StoreOptions } from '../io.js';

const SIDE_FILES = ['', '-wal', '-shm'];

async function rebuild(opts: StoreOptions, io: CliIo): Promise<void> {
  const { loadConfig } = await import('../../../api/src/config/config.js');
  const { PROJECTIONS_DB_FILE } = await import('../../../api/src/projections/projections.module.js');
  const { dataDir } = loadConfig(storeEnv(io, opts));
  const store = await openStore(io, opts);
  const target = path.join(dataDir, PROJECTIONS_DB_FILE);
  const fresh = `${target}.rebuild`;
  const started = Date.now();
  try {
    const head = await store.headPosition();
    // the events' positions, to show how far the rebuild is (a lookup, no arithmetic on positions)
    const positions: bigint[] = [];
    for await (const e of store.readAll()) {
      if (e.position > head) break;
      positions.push(e.position);
    }
    for (const s of SIDE_FILES) rmSync(fresh + s, { force: true });
    const bar = progress(io, 'rebuild', { json: opts.json, every: 20_000 });
    bar.update(0, positions.length);
    const runner = await ProjectionRunner.start({ store, file: fresh, projections: allProjections });
    const applied = (): number => {
      let low: bigint | null = null;
      for (const s of runner.status()) if (low === null || s.position < low) low = s.position;
      let lo = 0;
      let hi = positions.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (positions[mid]! <= (low ?? 0n)) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const timer = setInterval(() => bar.update(applied(), positions.length), 200);
    let status;
    try {
      await runner.waitFor(head, 24 * 3600_000);
      await runner.whenCaughtUp();
      status = runner.status();
    } finally {
      clearInterval(timer);
      await runner.stop();
    }
    bar.update(positions.length, positions.length);
    bar.stop();
    const failed = status.filter((s) => s.status === 'failed');
    if (failed.length > 0) throw new CliExit(EXIT.failed, `projection ${failed.map((f) => `${f.name}: ${f.error}`).join('; ')} failed; the old views are kept`, failed);
    for (const s of SIDE_FILES) rmSync(target + s, { force: true });
    renameSync(fresh, target);
    for (const s of SIDE_FILES.slice(1)) if (existsSync(fresh + s)) renameSync(fresh + s, target + s);
    const summary = { ok: true, events: positions.length, position: head, projections: status.map((s) => ({ name: s.name, version: s.version, position: s.position })), ms: Date.now() - started };
    if (opts.json) printJson(io, summary);
    else io.out(`rebuilt ${summary.projections.map((p) => `${p.name} v${p.version}`).join(', ')} from ${positions.length} events up to position ${head} in ${summary.ms} ms`);
  } finally {
    await store.close();
  }
}

export function register(program: Command, io: CliIo): void {
  withCommonOptions(program.command('rebuild').description('rebuild the projections (views) from the event log, with progress; stop the server first')).action(async (opts: StoreOptions) => rebuild(opts, io));
}

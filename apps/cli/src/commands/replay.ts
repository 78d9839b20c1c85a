/**
 * `saksflyt replay --at <time> [--committee C] [--json]`: the decisions register and the annual
 * cycle as they stood at a moment, from the auditor's time machine (`TimeMachine` of
 * @saksflyt/projections: the same projection definitions the server serves, replayed from the
 * nearest snapshot; its index and snapshots are kept in `<data-dir>/saksflyt-projections.db`, the
 * server's projections file). Exit codes: 0 printed, 2 bad usage (a time that is not ISO 8601, a
 * committee unknown at that moment), 3 the store cannot be opened.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CommanderError, type Command } from 'commander';
import { createEventStore, type EventStore } from '@saksflyt/event-store';
import { allProjections, TimeMachine, type AnnualCycleMeeting, type DecisionRow } from '@saksflyt/projections';
import type { CliIo } from '../cli.js';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
/** The server's projections file (apps/api/src/projections/projections.module.ts PROJECTIONS_DB_FILE). */
const PROJECTIONS_DB_FILE = 'saksflyt-projections.db';

export interface ReplayAnswer {
  asOf: string;
  position: number;
  decisions: DecisionRow[];
  annualCycle: Record<string, AnnualCycleMeeting[]>;
}

function fail(io: CliIo, exitCode: number, message: string): never {
  io.err(`saksflyt replay: ${message}`);
  throw new CommanderError(exitCode, 'saksflyt.replay', message);
}

function print(a: ReplayAnswer, io: CliIo): void {
  io.out(`Som per ${a.asOf} (bygget fra hendelse ${a.position})`);
  io.out('');
  io.out(`Vedtaksregister (${a.decisions.length})`);
  for (const d of a.decisions)
    io.out(`  ${d.committee} ${d.number ?? '-'}  ${d.date ?? ''}  ${d.outcome === 'endorsement' ? 'vedtak' : 'orientering'}${d.minutesApproved ? '' : ' (referat ikke godkjent)'}  ${d.title}`);
  for (const [code, meetings] of Object.entries(a.annualCycle)) {
    io.out('');
    io.out(`Årshjul ${code} (${meetings.length} møter)`);
    for (const m of meetings) io.out(`  ${m.date}  ${m.number}  ${m.state}${m.state === 'held' ? `, referat ${m.minutes}` : ''}  ${m.decided}/${m.cases} saker behandlet`);
  }
}

export function register(program: Command, io: CliIo, env: NodeJS.ProcessEnv = io.env ?? process.env): void {
  program
    .command('replay')
    .description('print the decisions register and the annual cycle as they stood at a moment (the auditor\'s time machine)')
    .requiredOption('--at <time>', 'ISO 8601 time with offset (or a date YYYY-MM-DD, UTC midnight)')
    .option('--committee <code>', 'only this committee')
    .option('--data-dir <dir>', 'SQLite data directory (default: $SAKSFLYT_DATA_DIR or ./data)')
    .option('--json', 'print the answer as JSON')
    .action(async (opts: { at: string; committee?: string; dataDir?: string; json?: boolean }) => {
      if (!ISO_TIME.test(opts.at) || Number.isNaN(Date.parse(opts.at))) fail(io, 2, `--at ${opts.at} is not an ISO 8601 time`);
      const dataDir = opts.dataDir ?? env.SAKSFLYT_DATA_DIR ?? './data';
      const storeEnv: NodeJS.ProcessEnv = { ...env, SAKSFLYT_DATA_DIR: dataDir };
      if (!storeEnv.EVENTSTORE_CONNECTION_STRING && !existsSync(path.join(dataDir, 'saksflyt.db'))) fail(io, 3, `no store in ${dataDir}`);
      let store: EventStore;
      try {
        store = await createEventStore(storeEnv);
      } catch (e) {
        fail(io, 3, `the store cannot be opened: ${e instanceof Error ? e.message : String(e)}`);
      }
      let tm: TimeMachine | undefined;
      try {
        tm = new TimeMachine({ store, file: path.join(dataDir, PROJECTIONS_DB_FILE), projections: allProjections });
        const moment = await tm.momentAt(opts.at);
        const docs = await tm.reader('annual-cycle', moment.position);
        const known = docs.list<{ code: string }>('committee').map((c) => c.code).sort();
        if (opts.committee !== undefined && !known.includes(opts.committee)) fail(io, 2, `committee ${opts.committee} was unknown at ${opts.at}`);
        const codes = opts.committee !== undefined ? [opts.committee] : known;
        const decisions = await tm.query<DecisionRow[]>('decisions', moment.position, opts.committee !== undefined ? { committee: opts.committee } : {});
        const annualCycle: ReplayAnswer['annualCycle'] = {};
        for (const code of codes) annualCycle[code] = await tm.query<AnnualCycleMeeting[]>('annual-cycle', moment.position, { committee: code });
        const answer: ReplayAnswer = { asOf: opts.at, position: Number(moment.position), decisions, annualCycle };
        if (opts.json) io.out(JSON.stringify(answer, null, 2));
        else print(answer, io);
      } finally {
        await tm?.close();
        await store.close();
      }
    });
}

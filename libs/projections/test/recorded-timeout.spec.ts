/**
 * A past-moment read that cannot be answered in time: `recorded` rejects with HistoryNotRecorded,
 * which names the position the history reached and answers 503 problem JSON (not a bare 500).
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { HistoryNotRecorded, ProjectionRunner, registersProjection } from '@saksflyt/projections';
import { ev, tempStore, type TempStore } from './helpers.js';

describe('the time machine history not reaching a position in time', () => {
  let t: TempStore | undefined;
  let runner: ProjectionRunner | undefined;
  afterEach(async () => {
    await runner?.stop();
    await t?.cleanup();
    runner = t = undefined;
  });

  it('rejects with HistoryNotRecorded: the position reached, and a 503 problem', async () => {
    t = await tempStore();
    const { position } = await t.store.append('a', [ev('Counted', {})], { expectedRevision: 'any' });
    runner = await ProjectionRunner.start({ store: t.store, file: t.file, projections: [registersProjection] });
    await runner.recorded(position); // reached: resolves
    // a cursor no event of this store has: the history never reaches it
    const beyond = BigInt(Number.MAX_SAFE_INTEGER);
    const error = await runner.recorded(beyond, 50).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HistoryNotRecorded);
    const e = error as HistoryNotRecorded;
    expect(e.reached).toBe(position);
    expect(e.toProblem()).toEqual({
      status: 503,
      title: 'Service Unavailable',
      detail: `The time machine's history has reached position ${position}, not ${beyond}, within 0.05 s. Try again later.`,
      position: Number(position),
    });
  });
});

/**
 * The live view documents stay the size of what they show: a meeting's document does not grow with
 * every unscheduling (the record's `removed` history is not kept in the view), and a flush writes
 * the same JSON as `JSON.stringify` while serialising each document once.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { allProjections, ProjectionRunner, type Minutes } from '@saksflyt/projections';
import { World } from '../src/testing/world.js';
import { changesJson, clearDocJson, docJson } from '../src/runner/doc-json.js';
import { tempStore, type TempStore } from './helpers.js';

describe('view document size', () => {
  let t: TempStore | undefined;
  let runner: ProjectionRunner | undefined;
  afterEach(async () => {
    await runner?.stop();
    await t?.cleanup();
  });

  it('a meeting document stays bounded however often cases are unscheduled; the minutes are unchanged', async () => {
    const w = new World();
    w.createCommittee('DOC', 'Dokumentutvalget');
    w.join('DOC', 'Kari Nordmann', 'Direktoratet', 'chair');
    const m = w.planMeeting('DOC', '2030-03-01', 'Oslo');
    const cases = Array.from({ length: 5 }, (_, i) => w.draftCase('DOC', { title: `Sak ${i}`, type: 'discussion', proposedResolution: 'Drøftes.' }));
    t = await tempStore();
    const store = t.store;
    let appended = 0;
    const append = async (): Promise<void> => {
      await w.appendTo(store, appended);
      appended = w.events.length;
      expect((await runner!.waitFor(await store.headPosition(), 5000)).reached).toBe(true);
    };
    runner = await ProjectionRunner.start({ store, file: t.file, projections: allProjections });
    const size = (): number => JSON.stringify(runner!.reader('registers').get('meeting', m)).length;
    const round = async (): Promise<void> => {
      for (const c of cases) w.schedule(c, m);
      for (const c of cases) w.unschedule(c);
      await append();
    };
    await round();
    const first = size();
    for (let i = 0; i < 40; i++) await round();
    const doc = runner.reader('registers').get<{ removed: unknown[] }>('meeting', m)!;
    expect(doc.removed).toEqual([]);
    expect(size()).toBe(first); // 200 unschedulings later: the same size
    for (const c of cases) w.schedule(c, m);
    await append();
    const minutes = runner.query<Minutes>('minutes', { meetingId: m }).view;
    expect(minutes.cases.filter((c) => c.title.startsWith('Sak ')).map((c) => c.title)).toEqual(['Sak 0', 'Sak 1', 'Sak 2', 'Sak 3', 'Sak 4']);
  });

  it('changesJson is JSON.stringify of the changes, each document serialised once per flush', () => {
    const a = { x: 1, s: 'æøå "q" \n', nested: { list: [1, null, 'z'] } };
    const changes = [
      { collection: 'meeting', id: 'm-1', doc: a },
      { collection: 'case', id: 'c"2', doc: null },
      { collection: 'case', id: 'c-3', doc: a },
    ];
    expect(changesJson(changes)).toBe(JSON.stringify(changes));
    expect(changesJson([])).toBe('[]');
    expect(docJson(a)).toBe(JSON.stringify(a));
    // within a flush the text is kept (documents are never changed after put) …
    (a as { x: number }).x = 2;
    expect(docJson(a)).toBe(JSON.stringify({ ...a, x: 1 }));
    // … and forgotten after it
    clearDocJson();
    expect(docJson(a)).toBe(JSON.stringify(a));
    clearDocJson();
  });
});

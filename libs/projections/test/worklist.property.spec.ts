/**
 * The worklist's cursor paging as a property: over random sequences of case drafts, edits,
 * withdrawals and meetings, interleaved with paging at random page sizes, every case that existed
 * when paging began is seen exactly once and in the list's order, whatever changed between pages;
 * a case drafted meanwhile is never seen on a later page. Dense and gapped (sparse) positions.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { RecordedEvent } from '@saksflyt/event-store';
import type { DocStore } from '../src/runner/types.js';
import { registersProjection } from '../src/views/registers.js';
import { queryWorklist, type WorklistPage } from '../src/views/worklist.js';
import { World } from '../src/testing/world.js';

class Docs implements DocStore {
  private readonly maps = new Map<string, Map<string, unknown>>();
  get<T>(c: string, id: string): T | undefined {
    return this.maps.get(c)?.get(id) as T | undefined;
  }
  list<T>(c: string): T[] {
    return [...(this.maps.get(c)?.values() ?? [])] as T[];
  }
  put(c: string, id: string, doc: unknown): void {
    if (!this.maps.has(c)) this.maps.set(c, new Map());
    this.maps.get(c)!.set(id, doc);
  }
  delete(c: string, id: string): void {
    this.maps.get(c)?.delete(id);
  }
}

type Op = { kind: 'draft' } | { kind: 'edit'; pick: number } | { kind: 'withdraw'; pick: number } | { kind: 'schedule'; pick: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant({ kind: 'draft' as const }),
  fc.record({ kind: fc.constant('edit' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('withdraw' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('schedule' as const), pick: fc.nat() }),
);

function run(gap: number, before: Op[], between: Op[][], limit: number): void {
  const w = new World();
  w.createCommittee('NEHS', 'Nasjonalt e-helsestyre');
  const meeting = w.planMeeting('NEHS', '2019-02-15', 'Gardermoen');
  const docs = new Docs();
  let applied = 0;
  const feed = () => {
    for (; applied < w.events.length; applied++) {
      const { stream, event } = w.events[applied]!;
      const e = { ...event, stream, id: `e${applied}`, position: BigInt((applied + 1) * gap), revision: 0n, recordedAt: event.metadata.at } as unknown as RecordedEvent;
      registersProjection.evolve(docs, e);
    }
  };
  const drafts: string[] = [];
  const apply = (o: Op) => {
    const pick = (n: number) => drafts[n % drafts.length]!;
    const state = (id: string) => w.cases.get(id)!.state;
    if (o.kind === 'draft' || !drafts.length) drafts.push(w.draftCase('NEHS', { title: `Sak ${drafts.length}`, type: 'discussion', proposedResolution: '' }));
    else if (o.kind === 'edit') w.editTitle(pick(o.pick), `Endret ${o.pick}`);
    else if (o.kind === 'withdraw' && state(pick(o.pick)) === 'draft') w.withdraw(pick(o.pick));
    else if (o.kind === 'schedule' && state(pick(o.pick)) === 'draft') w.schedule(pick(o.pick), meeting);
  };
  before.forEach(apply);
  feed();
  const all = queryWorklist(docs, { limit: 200 }).items.map((x) => x.id);
  const seen: string[] = [];
  let page: WorklistPage = queryWorklist(docs, { limit });
  for (let i = 0; ; i++) {
    seen.push(...page.items.map((x) => x.id));
    if (!page.nextCursor) break;
    (between[i] ?? []).forEach(apply);
    feed();
    page = queryWorklist(docs, { limit, cursor: page.nextCursor });
  }
  expect(seen).toEqual(all);
}

describe('worklist paging (property)', () => {
  for (const [mode, gap] of [['dense', 1], ['sparse', 97]] as const)
    it(`sees every case once, in order, whatever changes between pages (${mode} positions)`, () => {
      fc.assert(
        fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), fc.array(fc.array(op, { maxLength: 6 }), { maxLength: 20 }), fc.integer({ min: 1, max: 7 }), (before, between, limit) =>
          run(gap, before, between, limit),
        ),
        { numRuns: 300 },
      );
    });
});

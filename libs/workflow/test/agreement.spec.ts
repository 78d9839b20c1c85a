/**
 * Property: the API's allowedCommands and the service never disagree. Random sequences of case
 * and meeting commands against a real SQLite store: a command succeeds exactly when the view's
 * allowedCommands (computed by the machine) listed it, and a refused command writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CASE_COMMANDS, InvalidCommand, MEETING_COMMANDS, type Actor, type CaseCommand } from '../src/index.js';
import { admin, ctx, harness, type Harness } from './helpers.js';

type Step = { on: 'case'; command: CaseCommand } | { on: 'meeting'; command: 'plan' | (typeof MEETING_COMMANDS)[number] };

const BODIES: Record<CaseCommand, Record<string, unknown>> = {
  schedule: {},
  unschedule: { reason: 'r' },
  present: { presenter: 'p' },
  'record-discussion': { points: ['x'], followUps: ['neste møte'] },
  endorse: { resolution: 'Tilslutning.' },
  note: { resolution: 'Tatt til orientering.' },
  postpone: { reason: 'r' },
  refer: { toCommittee: 'OTHER', type: 'endorsement', reason: 'r' },
  withdraw: { reason: 'r' },
  edit: { title: 'Ny tittel' },
  amend: { reason: 'Skrivefeil', resolution: 'Rettet.' },
  vote: { for: [], against: [] },
  'written-procedure': { deadline: '2099-12-31' },
};

describe('allowedCommands and the service agree (fast-check, SQLite)', () => {
  let h: Harness;
  let run = 0;
  beforeAll(async () => {
    h = await harness();
    await h.wf.createCommittee({ code: 'OTHER', name: 'Annet utvalg' }, ctx(admin));
  });
  afterAll(async () => {
    await h.close();
  });

  it('over random command sequences', async () => {
    // weights steer sequences deep into meetings (withdraw ends a case, so it is rare)
    const weights: [Step, number][] = [
      ...CASE_COMMANDS.map((command): [Step, number] => [
        { on: 'case', command },
        { schedule: 6, present: 6, endorse: 6, note: 6, 'record-discussion': 2, refer: 4, withdraw: 1, postpone: 1, unschedule: 1, edit: 2, amend: 2, vote: 2, 'written-procedure': 1 }[command],
      ]),
      ...(['plan', ...MEETING_COMMANDS] as const).map((command): [Step, number] => [{ on: 'meeting', command }, command === 'plan' ? 1 : command === 'cancel' ? 1 : 3]),
    ];
    const step: fc.Arbitrary<Step> = fc.oneof(...weights.map(([s, weight]) => ({ weight, arbitrary: fc.constant(s) })));
    const succeeded = new Set<string>();
    // a meeting's happy path as a skeleton (ending in a decision or a postponement, so each of them
    // is reached in most runs, not only by chance), with random steps inserted anywhere (which may derail it)
    const sequences: fc.Arbitrary<Step[]> = fc
      .tuple(fc.constantFrom<CaseCommand>('endorse', 'note', 'postpone'), fc.array(fc.tuple(fc.nat(6), step), { maxLength: 25 }))
      .map(([outcome, noise]) => {
        const skeleton: Step[] = [
          { on: 'meeting', command: 'plan' },
          { on: 'case', command: 'schedule' },
          { on: 'meeting', command: 'notice' },
          { on: 'meeting', command: 'open' },
          { on: 'case', command: 'present' },
          { on: 'case', command: outcome },
          { on: 'case', command: 'refer' },
        ];
        return skeleton.flatMap((sk, i) => [sk, ...noise.filter(([pos]) => pos === i).map(([, st]) => st)]);
      });
    let successes = 0;
    let refusals = 0;
    await fc.assert(
      fc.asyncProperty(sequences, async (steps) => {
        const { wf, store } = h;
        const code = `T${++run}`;
        const actor: Actor = { name: 'Sekretariat', roles: [{ role: 'secretariat', committee: code }] };
        await wf.createCommittee({ code, name: `Utvalg ${code}` }, ctx(admin));
        const caseId = (await wf.createCase({ committee: code, title: 'Sak', type: 'endorsement', proposedResolution: 'x' }, ctx(actor))).id;
        let meetingId: string | null = null;
        let day = 0;
        for (const s of steps) {
          const before = await store.headPosition();
          let expected: boolean;
          let attempt: () => Promise<unknown>;
          if (s.on === 'meeting' && s.command === 'plan') {
            expected = true;
            const date = new Date(Date.UTC(2018, 0, 1 + day++)).toISOString().slice(0, 10);
            attempt = async () => (meetingId = (await wf.planMeeting(code, { date, place: 'Oslo' }, ctx(actor))).id);
          } else if (s.on === 'meeting') {
            if (!meetingId) continue;
            const m = await wf.getMeeting(meetingId, { actor });
            expected = (m.allowedCommands as string[]).includes(s.command);
            const id = meetingId;
            attempt = () =>
              s.command === 'notice'
                ? wf.noticeMeeting(id, ctx(actor))
                : s.command === 'open'
                  ? wf.openMeeting(id, { present: [] }, ctx(actor))
                  : s.command === 'reorder-agenda'
                    ? wf.reorderAgenda(id, { order: m.agenda.filter((a) => !a.standardItem).map((a) => a.caseId) }, ctx(actor))
                  : s.command === 'edit'
                    ? wf.changeMeeting(id, { place: 'Bergen' }, ctx(actor))
                    : s.command === 'cancel'
                      ? wf.cancelMeeting(id, { reason: 'Avlyst' }, ctx(actor))
                      : wf.adjournMeeting(id, ctx(actor));
          } else {
            const view = await wf.getCase(caseId, { actor });
            expected = view.allowedCommands.includes(s.command);
            if (s.command === 'schedule') {
              if (!meetingId) continue;
              // allowedCommands answers "onto some planned meeting"; the target must be planned too
              expected &&= (await wf.getMeeting(meetingId)).state === 'planned';
            }
            const body = s.command === 'schedule' ? { meetingId } : BODIES[s.command];
            attempt = () => (s.command === 'edit' ? wf.editCase(caseId, body, ctx(actor)) : wf.caseCommand(caseId, s.command, body, ctx(actor)));
          }
          let ok = true;
          try {
            await attempt();
          } catch (e) {
            ok = false;
            expect(e).toBeInstanceOf(InvalidCommand);
            expect(await store.headPosition()).toBe(before);
          }
          expect({ step: s, ok }).toEqual({ step: s, ok: expected });
          if (ok) {
            successes++;
            succeeded.add(s.command);
          }
          else refusals++;
        }
      }),
      { numRuns: 60 },
    );
    // the sequences did exercise both sides
    expect(successes).toBeGreaterThan(50);
    expect(refusals).toBeGreaterThan(50);
    for (const c of ['schedule', 'notice', 'open', 'present', 'endorse', 'note', 'refer', 'postpone']) expect(succeeded).toContain(c);
  });
});

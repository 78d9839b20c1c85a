/**
 * Given/when/then of the attachment deciders (no store), the fold of their events, the numbering
 * at notice, and the one redaction of exempt cases (access/redact.ts) with the policy's
 * `read.exempt`.
 */
import { describe, expect, it } from '@jest/globals';
import { decideAddAttachment, decideRemoveAttachment, numberAttachments } from '../src/case/attachments.js';
import type { Folded, OwnMeeting } from '../src/core/load.js';
import { meetingFacts } from '../src/core/load.js';
import {
  InvalidCommand,
  NotFound,
  PUBLIC_READER,
  StaleRevision,
  exemptReader,
  foldCase,
  foldMeeting,
  may,
  redactExempt,
  type Actor,
  type CaseDrafted,
  type CaseSnapshot,
  type Fact,
  type MeetingSnapshot,
} from '../src/index.js';

const ids = (name: string) => `id:${name}`;
const folded = <S>(fold: (f: Fact[]) => S, facts: Fact[]): Folded<S> => ({ snapshot: fold(facts), revision: BigInt(facts.length - 1) });
const drafted = (extra: Partial<CaseDrafted['data']> = {}): Fact => ({
  type: 'CaseDrafted',
  data: { v: 1, caseId: 'c1', committee: 'NEHS', matterId: 'm', title: 'Sak', type: 'endorsement', proposedResolution: 'P', projectIds: [], meetsFollowUps: [], ...extra },
});
const kase = (...after: Fact[]): Folded<CaseSnapshot> => folded(foldCase, [drafted(), ...after]);
const meeting = (...after: Fact[]): Folded<MeetingSnapshot> =>
  folded(foldMeeting, [{ type: 'MeetingPlanned', data: { v: 1, meetingId: 'M1', committee: 'NEHS', number: '8/2018', year: 2018, date: '2018-12-06', place: 'Oslo' } }, ...after]);
const own = (m: Folded<MeetingSnapshot>): OwnMeeting => ({ loaded: m, facts: meetingFacts(m.snapshot) });
const file = { filename: 'Saksfremlegg.pdf', contentType: 'application/pdf', size: 1234, sha256: 'a'.repeat(64) };
const added = (id: string): Fact => ({ type: 'AttachmentAdded', data: { v: 1, attachmentId: id, ...file } });
const sec: Actor = { name: 'S', roles: [{ role: 'secretariat', committee: 'NEHS' }] };

describe('attachment deciders', () => {
  it('add: one AttachmentAdded on the case with hash, size, name and type (draft)', () => {
    const p = decideAddAttachment({ caseId: 'c1', attachment: file, ids, actor: sec }, { case: kase() });
    expect(p.writes).toEqual([{ stream: 'case-c1', expectedRevision: 0n, events: [{ type: 'AttachmentAdded', data: { v: 1, attachmentId: 'id:attachment', ...file } }] }]);
    expect(p.answer).toMatchObject({ id: 'id:attachment', caseId: 'c1', state: 'draft', revision: 1n, ...file });
  });

  it('add while scheduled before notice; refused (409) once the meeting is noticed, naming the meeting, with allowedCommands', () => {
    const planned = meeting({ type: 'CaseAddedToAgenda', data: { v: 1, caseId: 'c1' } });
    const scheduled = kase({ type: 'CaseScheduled', data: { v: 1, meetingId: 'M1' } });
    expect(decideAddAttachment({ caseId: 'c1', attachment: file, ids }, { case: scheduled, own: own(planned) }).answer.state).toBe('scheduled');
    const noticed = meeting({ type: 'CaseAddedToAgenda', data: { v: 1, caseId: 'c1' } }, { type: 'MeetingNoticed', data: { v: 1, agenda: [{ caseId: 'c1', number: '50/18' }] } });
    const numbered = kase({ type: 'CaseScheduled', data: { v: 1, meetingId: 'M1' } }, { type: 'CaseNumbered', data: { v: 1, meetingId: 'M1', number: '50/18' } });
    let err: unknown;
    try {
      decideAddAttachment({ caseId: 'c1', attachment: file, ids, actor: sec }, { case: numbered, own: own(noticed) });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidCommand);
    const p = (err as InvalidCommand).toProblem() as unknown as { detail: string; allowedCommands: string[]; blocking: unknown };
    expect(p).toMatchObject({
      detail: 'cannot add an attachment to case 50/18: it is scheduled with number 50/18; its meeting 8/2018 is noticed (attachments change only while the case is draft, or scheduled before notice)',
      allowedCommands: ['postpone', 'withdraw'],
      blocking: { meetingId: 'M1' },
    });
  });

  it('add: 412 for a stale If-Match; remove: 404 for an unknown attachment (before 409), then the event', () => {
    expect(() => decideAddAttachment({ caseId: 'c1', attachment: file, ids, ifMatch: 5n }, { case: kase() })).toThrow(StaleRevision);
    expect(() => decideRemoveAttachment({ caseId: 'c1', attachmentId: 'nope' }, { case: kase(added('a1')) })).toThrow(NotFound);
    const p = decideRemoveAttachment({ caseId: 'c1', attachmentId: 'a1' }, { case: kase(added('a1')) });
    expect(p.writes[0]!.events).toEqual([{ type: 'AttachmentRemoved', data: { v: 1, attachmentId: 'a1' } }]);
  });

  it('the fold keeps the attachments in the order added, removed ones gone; the numbering runs per meeting in agenda order', () => {
    const k = foldCase([drafted(), added('a1'), added('a2'), added('a3'), { type: 'AttachmentRemoved', data: { v: 1, attachmentId: 'a2' } }]);
    expect(k.context.attachments.map((a) => a.id)).toEqual(['a1', 'a3']);
    const byCase: Record<string, { attachments: { id: string }[] }> = { x: { attachments: [{ id: 'x1' }] }, y: { attachments: [] }, z: { attachments: [{ id: 'z1' }, { id: 'z2' }] } };
    expect(numberAttachments(['z', 'y', 'x'], (id) => byCase[id] as never).map((n) => [n.attachmentId, n.label])).toEqual([
      ['z1', 'Vedlegg 1'],
      ['z2', 'Vedlegg 2'],
      ['x1', 'Vedlegg 3'],
    ]);
  });
});

describe('the one redaction of exempt cases', () => {
  const exempt = {
    committee: 'NEHS',
    number: '50/18',
    title: 'Tittel',
    resolution: 'Vedtak',
    exemption: { basis: 'offl. § 14' },
    proposedResolution: 'hemmelig',
    background: 'hemmelig',
    presenter: 'hemmelig',
    discussion: [{ summary: 'hemmelig', points: ['hemmelig'] }],
    attachments: [{ filename: 'hemmelig.pdf' }],
    items: [{ label: 'NR. 1', title: 'Punkt', proposedResolution: 'hemmelig' }],
  };
  const minutes = { committee: 'NEHS', cases: [exempt, { ...exempt, exemption: null, caseId: 'open' }] };

  it('the public sees number, title, vedtak and the basis; the paper, discussion and attachments are emptied (nested sub-items too)', () => {
    const r = redactExempt(minutes, PUBLIC_READER);
    expect(r.cases[0]).toEqual({
      committee: 'NEHS',
      number: '50/18',
      title: 'Tittel',
      resolution: 'Vedtak',
      exemption: { basis: 'offl. § 14' },
      proposedResolution: null,
      background: null,
      presenter: null,
      discussion: [],
      attachments: [],
      items: [{ label: 'NR. 1', title: 'Punkt', proposedResolution: null }],
    });
    expect(r.cases[1]).toBe(minutes.cases[1]); // not exempt: untouched
    expect(JSON.stringify(minutes)).toContain('hemmelig'); // never mutated
  });

  it('the committee, auditors and admins see all (the same object); others and an exempt object with no committee: only auditors and admins', () => {
    const reader = (roles: Actor['roles']) => exemptReader({ name: 'x', roles });
    for (const roles of [[{ role: 'member', committee: 'NEHS' }], [{ role: 'secretariat', committee: 'NEHS' }], [{ role: 'auditor' }], [{ role: 'admin' }]])
      expect(redactExempt(minutes, reader(roles))).toBe(minutes);
    expect(redactExempt(minutes, reader([{ role: 'member', committee: 'NUIT' }]))).toEqual(redactExempt(minutes, PUBLIC_READER));
    const orphan = { exemption: { basis: 'offl. § 14' }, background: 'hemmelig' };
    expect(redactExempt(orphan, reader([{ role: 'member', committee: 'NEHS' }])).background).toBeNull();
    expect(redactExempt(orphan, reader([{ role: 'auditor' }])).background).toBe('hemmelig');
    expect(may({ name: 'x', roles: [{ role: 'member', committee: 'NEHS' }] }, 'read.exempt', 'NEHS')).toBe(true);
    expect(may(null, 'read.exempt', 'NEHS')).toBe(false);
  });

  it('readers the policy treats alike share a key (one live-feed frame each)', () => {
    expect(exemptReader({ name: 'a', roles: [{ role: 'member', committee: 'NEHS' }] }).key).toBe(exemptReader({ name: 'b', roles: [{ role: 'member', committee: 'NEHS' }] }).key);
    expect(exemptReader(null).key).toBe('public');
  });
});

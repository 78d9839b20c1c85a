/**
 * Small logs written for one behaviour each: a field-level change (CasePaperEdited title), cases
 * that left the agenda, approved minutes, the XML writer's escaping and the derived ids.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '@saksflyt/event-store';
import { archiveToXml, buildArchive, escapeXml, systemId, uuidV5, type Archive } from '../src/index.js';
import { ArchiveXsd, syntheticLog, xmlTexts, type LogRow } from './support.js';

const M1 = '11111111-1111-4111-8111-111111111111';
const M2 = '22222222-2222-4222-8222-222222222222';
const C1 = 'c1111111-1111-4111-8111-111111111111';
const C2 = 'c2222222-2222-4222-8222-222222222222';
const C3 = 'c3333333-3333-4333-8333-333333333333';
const C4 = 'c4444444-4444-4444-8444-444444444444';
const P1 = 'a1111111-1111-4111-8111-111111111111';

const log = (rows: LogRow[]): RecordedEvent[] => syntheticLog(rows, 'e');

const paper = (title: string, type = 'orientation') => ({ title, type, proposedResolution: 'Utvalget tar saken til orientering.', projectIds: [], meetsFollowUps: [] });

const BASE: [string, string, Record<string, unknown>, string?, string?][] = [
  ['committee-TST', 'CommitteeCreated', { code: 'TST', name: 'Testutvalget' }],
  ['committee-TST', 'MemberJoined', { memberId: P1, name: 'Åse Ørnes', organisation: 'Bærum kommune', role: 'chair' }],
  ['meeting-' + M1, 'MeetingPlanned', { meetingId: M1, committee: 'TST', number: '1/2024', year: 2024, date: '2024-03-01', place: 'Møterom «Ærlig»' }],
  ['case-' + C1, 'CaseDrafted', { caseId: C1, committee: 'TST', matterId: 'm1', ...paper('Gammel tittel') }],
  ['case-' + C1, 'CaseScheduled', { meetingId: M1 }],
  ['meeting-' + M1, 'CaseAddedToAgenda', { caseId: C1 }],
  ['case-' + C1, 'CasePaperEdited', { changes: { title: 'Ny tittel & <bedre>' } }, 'Kari Nordmann', '2024-02-20T14:30:00+01:00'],
];

describe('a field-level change', () => {
  it('CasePaperEdited title gives one entry with the previous and the new title, who and when', () => {
    const a = buildArchive(log(BASE), { committee: 'TST', year: 2024, generatedAt: '2024-03-02T00:00:00Z' })!;
    const entries = a.changeLog.filter((c) => c.event === 'CasePaperEdited');
    expect(entries).toEqual([
      {
        position: 7,
        eventId: 'e0000007-0000-4000-8000-000000000000',
        at: '2024-02-20T14:30:00+01:00',
        actor: 'Kari Nordmann',
        unit: { kind: 'case', id: C1 },
        event: 'CasePaperEdited',
        field: 'title',
        previous: 'Gammel tittel',
        next: 'Ny tittel & <bedre>',
      },
    ]);
    expect(a.cases[0]!.title).toBe('Ny tittel & <bedre>');
    expect(a.cases[0]!.actors).toEqual(['sekretariatet', 'Kari Nordmann']);
    // The agenda entry follows the edit too.
    expect(a.meetings[0]!.agenda).toEqual([{ caseId: C1, number: null, title: 'Ny tittel & <bedre>' }]);
  });

  it('an edit that changes nothing logs nothing', () => {
    const rows = [...BASE, ['case-' + C1, 'CasePaperEdited', { changes: { title: 'Ny tittel & <bedre>' } }] as [string, string, Record<string, unknown>]];
    const a = buildArchive(log(rows), { committee: 'TST', year: 2024, generatedAt: '2024-03-02T00:00:00Z' })!;
    expect(a.changeLog.filter((c) => c.event === 'CasePaperEdited')).toHaveLength(1);
  });

  it('returns null for a committee that is not in the log', () => {
    expect(buildArchive(log(BASE), { committee: 'NEHS', year: 2024, generatedAt: '2024-03-02T00:00:00Z' })).toBeNull();
    expect(buildArchive([], { committee: 'TST', year: 2024, generatedAt: '2024-03-02T00:00:00Z' })).toBeNull();
  });
});

describe('a year with postponed and withdrawn cases and approved minutes', () => {
  let a: Archive;
  let xml: string;
  let xsd: ArchiveXsd;
  beforeAll(() => {
    const rows: [string, string, Record<string, unknown>, string?, string?][] = [
      ...BASE,
      ['case-' + C2, 'CaseDrafted', { caseId: C2, committee: 'TST', matterId: 'm2', ...paper('Utsatt sak', 'discussion') }],
      ['case-' + C2, 'CaseScheduled', { meetingId: M1 }],
      ['meeting-' + M1, 'CaseAddedToAgenda', { caseId: C2 }],
      ['case-' + C3, 'CaseDrafted', { caseId: C3, committee: 'TST', matterId: 'm3', ...paper('Trukket sak') }],
      ['case-' + C3, 'CaseScheduled', { meetingId: M1 }],
      ['meeting-' + M1, 'CaseAddedToAgenda', { caseId: C3 }],
      ['case-' + C3, 'CaseWithdrawn', { reason: 'Ikke klar' }],
      ['meeting-' + M1, 'CaseRemovedFromAgenda', { caseId: C3, reason: 'Ikke klar', why: 'withdrawn' }],
      ['meeting-' + M1, 'MeetingNoticed', { agenda: [{ caseId: C1, number: '1/24' }, { caseId: C2, number: '2/24' }] }],
      ['case-' + C1, 'CaseNumbered', { meetingId: M1, number: '1/24' }],
      ['case-' + C2, 'CaseNumbered', { meetingId: M1, number: '2/24' }],
      ['meeting-' + M1, 'MeetingOpened', { present: [P1], absent: [], guests: ['Gjest\u0007 Gjestesen'] }, 'sekretariatet', '2024-03-01T10:00:00+01:00'],
      ['case-' + C1, 'CasePresented', { presenter: 'Åse Ørnes' }],
      ['case-' + C1, 'DiscussionRecorded', { summary: 'Drøftet.', points: ['Punkt "én"'], followUps: [{ id: 'f1', text: 'Følg opp' }] }],
      ['case-' + C1, 'CaseNoted', { resolution: 'Testutvalget tar saken til orientering – «æøå».', input: ['Innspill 1'] }, 'Åse Ørnes', '2024-03-01T11:00:00+01:00'],
      ['case-' + C2, 'CasePostponed', { meetingId: M1, reason: 'Tid' }],
      ['meeting-' + M1, 'CaseRemovedFromAgenda', { caseId: C2, reason: 'Tid', why: 'postponed' }],
      ['meeting-' + M1, 'MeetingAdjourned', {}],
      ['meeting-' + M2, 'MeetingPlanned', { meetingId: M2, committee: 'TST', number: '2/2024', year: 2024, date: '2024-05-01', place: 'Teams', previousMeetingId: M1 }],
      ['case-' + C4, 'CaseDrafted', { caseId: C4, committee: 'TST', matterId: 'm4', standardItem: 'minutes-approval', ...paper('Godkjenning av referat', 'approval') }],
      ['case-' + C4, 'CaseScheduled', { meetingId: M2 }],
      ['meeting-' + M2, 'CaseAddedToAgenda', { caseId: C4, standardItem: 'minutes-approval' }],
      ['case-' + C2, 'CaseScheduled', { meetingId: M2 }],
      ['meeting-' + M2, 'CaseAddedToAgenda', { caseId: C2 }],
      ['meeting-' + M2, 'MeetingNoticed', { agenda: [{ caseId: C4, number: '3/24' }, { caseId: C2, number: '4/24' }] }],
      ['case-' + C4, 'CaseNumbered', { meetingId: M2, number: '3/24' }],
      ['case-' + C2, 'CaseNumbered', { meetingId: M2, number: '4/24' }],
      ['meeting-' + M2, 'MeetingOpened', { present: [P1], absent: [], guests: [] }],
      ['case-' + C4, 'ResolutionEndorsed', { resolution: 'Referatet godkjennes.' }, 'Åse Ørnes', '2024-05-01T10:05:00+02:00'],
      ['meeting-' + M1, 'MinutesApproved', { byCaseId: C4, byMeetingId: M2 }, 'Åse Ørnes', '2024-05-01T10:05:00+02:00'],
    ];
    a = buildArchive(log(rows), { committee: 'TST', year: 2024, generatedAt: '2024-06-01T00:00:00Z' })!;
    xml = archiveToXml(a);
    xsd = new ArchiveXsd();
  });
  afterAll(() => xsd?.dispose());

  it('keeps cases that left an agenda, with why, and the meetings they were on', () => {
    expect(a.meetings.map((m) => [m.number, m.state])).toEqual([
      ['1/2024', 'held'],
      ['2/2024', 'in_session'],
    ]);
    expect(a.meetings[0]!.agenda.map((x) => x.number)).toEqual(['1/24']);
    expect(a.meetings[0]!.removed.map((r) => [r.caseId, r.why])).toEqual([
      [C3, 'withdrawn'],
      [C2, 'postponed'],
    ]);
    const c2 = a.cases.find((c) => c.id === C2)!;
    expect(c2).toMatchObject({ number: '4/24', meetingId: M2, meetingIds: [M1, M2], state: 'scheduled' });
    const c3 = a.cases.find((c) => c.id === C3)!;
    expect(c3).toMatchObject({ state: 'withdrawn', withdrawnReason: 'Ikke klar', meetingId: M1, number: null });
    expect(a.changeLog.filter((c) => c.unit.id === C2 && c.event === 'CasePostponed').map((c) => [c.field, c.previous, c.next])).toEqual([
      ['state', 'scheduled', 'draft'],
      ['number', '2/24', null],
      ['meetingId', M1, null],
    ]);
  });

  it('records approved minutes: by which case and meeting, when', () => {
    expect(a.meetings[0]!.minutes).toEqual({
      status: 'approved',
      approvedAt: '2024-05-01T10:05:00+02:00',
      approvedOn: '2024-05-01',
      approvedBy: { caseId: C4, caseNumber: '3/24', meetingId: M2, meetingNumber: '2/2024' },
    });
    expect(a.decisions.map((d) => [d.caseNumber, d.outcome, d.meetingNumber, d.decidedBy])).toEqual([
      ['1/24', 'orientation', '1/2024', 'Åse Ørnes'],
      ['3/24', 'endorsement', '2/2024', 'Åse Ørnes'],
    ]);
    expect(a.meetings[0]!.attendance).toEqual({ present: [{ id: P1, name: 'Åse Ørnes', organisation: 'Bærum kommune', role: 'chair' }], absent: [], guests: ['Gjest\u0007 Gjestesen'] });
  });

  it('writes valid XML: escaped text, forbidden characters dropped, Norwegian characters intact', () => {
    expect(xsd.errorOf(xml)).toBeNull();
    // a vedtak and an approval are dated by their meeting's date; the time they were recorded beside it
    expect(xmlTexts(xml, '//su:vedtak/su:vedtaksdato')).toEqual(['2024-03-01', '2024-05-01']);
    expect(xmlTexts(xml, '//su:vedtak/su:vedtakRegistrert')).toEqual(['2024-03-01T11:00:00+01:00', '2024-05-01T10:05:00+02:00']);
    expect(xmlTexts(xml, '//su:moetemappe/su:referatGodkjentDato')).toEqual(['2024-05-01']);
    expect(a.decisions.map((d) => d.decidedOn)).toEqual(['2024-03-01', '2024-05-01']);
    expect(xml).not.toContain('\u0007');
    expect(xmlTexts(xml, '//su:moetemappe/su:gjest')).toEqual(['Gjest Gjestesen']);
    expect(xmlTexts(xml, '//su:saksmappe/as:tittel')).toContain('Ny tittel & <bedre>');
    expect(xmlTexts(xml, '//as:merknadstekst')).toEqual(['Testutvalget tar saken til orientering – «æøå».', 'Referatet godkjennes.']);
    expect(xmlTexts(xml, '//su:saksmappe/sa:saksstatus/n5mdk:kode')).toEqual(a.cases.map((c) => ({ orientation: 'A', endorsement: 'A', withdrawn: 'U' })[c.state as string] ?? 'B'));
    expect(xmlTexts(xml, '//su:moetemappe[1]/su:moeteregistrering/su:moeteregistreringsstatus/n5mdk:kode')).toEqual(['behandlet', 'trukket', 'utsatt']);
    expect(xmlTexts(xml, '//su:moetemappe[1]/su:referatstatus')).toEqual(['godkjent']);
    // The committee's changes refer to a derived, stable uuid.
    expect(xmlTexts(xml, '//su:endring[su:enhetstype="utvalg"]/ls:referanseArkivenhet')[0]).toBe(systemId('committee', 'TST'));
  });
});

describe('the XML writer and the ids', () => {
  it('escapes &, <, >, " and drops characters XML 1.0 forbids', () => {
    expect(escapeXml('a & b < c > d "e" \u0000\u0008\u000B\u001F\uFFFE ok\tæ\n')).toBe('a &amp; b &lt; c &gt; d &quot;e&quot;  ok\tæ\n');
    expect(escapeXml('x\uD800y\uDC00z😀')).toBe('xyz😀');
  });

  it('derives RFC 4122 version 5 uuids (the standard test vector) and keeps uuids as they are', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(systemId('case', C1)).toBe(C1);
    expect(systemId('actor', 'Kari Nordmann')).toBe(systemId('actor', 'Kari Nordmann'));
    expect(systemId('actor', 'Kari Nordmann')).not.toBe(systemId('committee', 'Kari Nordmann'));
    expect(systemId('committee', 'TST')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

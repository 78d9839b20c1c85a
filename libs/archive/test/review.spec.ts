/**
 * One synthetic log across two years (TST 2024 and 2025) and another committee's events mixed in,
 * for what a review of the export found: a case that crosses into the next year, a case removed
 * twice from the same meeting by two people, minutes approved at the next year's meeting, a
 * postponement that keeps the discussion, referrals as a list, Noark 5 saksår/sekvensnummer and
 * mappeID unique in the file, every referanseArkivenhet resolving, and the numbering and history
 * streams in the change log. Each archive is built from the whole log and from the log the API
 * passes (only the committee's relevant streams), and its XML is validated against the schema.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '@saksflyt/event-store';
import { archiveToXml, buildArchive, systemId, type Archive } from '../src/index.js';
import { ArchiveXsd, syntheticLog, xmlTexts, type LogRow } from './support.js';

type Row = LogRow;

const log = (rows: LogRow[]): RecordedEvent[] => syntheticLog(rows, 'f');

/** What the API passes: the committee's stream, its numbering and history streams, its meetings and cases. */
function relevant(events: RecordedEvent[], code: string): RecordedEvent[] {
  const meetings = new Set<string>();
  const cases = new Set<string>();
  for (const e of events) {
    const d = e.data as { committee?: string };
    if (e.type === 'MeetingPlanned' && d.committee === code) meetings.add(e.stream);
    if (e.type === 'CaseDrafted' && d.committee === code) cases.add(e.stream);
  }
  return events.filter(
    (e) => e.stream === `committee-${code}` || e.stream.startsWith(`numbering-${code}-`) || e.stream.startsWith(`history-${code}-`) || meetings.has(e.stream) || cases.has(e.stream),
  );
}

const M1 = '11111111-1111-4111-8111-111111111111'; // 1/2024
const M3 = '33333333-3333-4333-8333-333333333333'; // 1/2025
const MX = '99999999-9999-4999-8999-999999999999'; // another committee's 1/2024
const C1 = 'c1111111-1111-4111-8111-111111111111'; // decided at 1/2024, referred twice
const C5 = 'c5555555-5555-4555-8555-555555555555'; // discussed and postponed at 1/2024, endorsed at 1/2025
const C6 = 'c6666666-6666-4666-8666-666666666666'; // approves 1/2024's minutes at 1/2025
const C7 = 'c7777777-7777-4777-8777-777777777777'; // unscheduled twice from 1/2024 (Kari, then Ola)
const CX = 'c9999999-9999-4999-8999-999999999999'; // another committee's case
const P1 = 'a1111111-1111-4111-8111-111111111111';
const Y25 = '2025-02-01T10:00:00+01:00';

const paper = (title: string, type = 'orientation') => ({ title, type, proposedResolution: 'Forslag.', projectIds: [], meetsFollowUps: [] });

const ROWS: Row[] = [
  ['committee-TST', 'CommitteeCreated', { code: 'TST', name: 'Testutvalget' }],
  ['committee-TST', 'MemberJoined', { memberId: P1, name: 'Åse Ørnes', organisation: 'Bærum kommune', role: 'chair' }],
  ['committee-OTH', 'CommitteeCreated', { code: 'OTH', name: 'Annet utvalg' }],
  ['numbering-TST-2024', 'NumberingContinued', { committee: 'TST', year: 2024, nextMeetingNumber: 1, nextCaseNumber: 5 }, 'admin'],
  ['meeting-' + M1, 'MeetingPlanned', { meetingId: M1, committee: 'TST', number: '1/2024', year: 2024, date: '2024-03-01', place: 'Rom 1' }],
  ['numbering-TST-2024', 'MeetingNumberAssigned', { meetingId: M1, number: '1/2024', seq: 1 }],
  ['meeting-' + MX, 'MeetingPlanned', { meetingId: MX, committee: 'OTH', number: '1/2024', year: 2024, date: '2024-03-02', place: 'Rom 9' }],
  ['case-' + CX, 'CaseDrafted', { caseId: CX, committee: 'OTH', matterId: 'mx', ...paper('Annen sak') }],
  ['case-' + CX, 'CaseScheduled', { meetingId: MX }],
  ['meeting-' + MX, 'CaseAddedToAgenda', { caseId: CX }],
  ['case-' + C1, 'CaseDrafted', { caseId: C1, committee: 'TST', matterId: 'm1', ...paper('Sak én', 'endorsement') }],
  ['case-' + C1, 'CaseScheduled', { meetingId: M1 }],
  ['meeting-' + M1, 'CaseAddedToAgenda', { caseId: C1 }],
  ['case-' + C5, 'CaseDrafted', { caseId: C5, committee: 'TST', matterId: 'm5', ...paper('Sak over årsskiftet', 'endorsement') }],
  ['case-' + C5, 'CaseScheduled', { meetingId: M1 }],
  ['meeting-' + M1, 'CaseAddedToAgenda', { caseId: C5 }],
  ['case-' + C7, 'CaseDrafted', { caseId: C7, committee: 'TST', matterId: 'm7', ...paper('Sak tatt av to ganger') }],
  ['case-' + C7, 'CaseScheduled', { meetingId: M1 }],
  ['meeting-' + M1, 'CaseAddedToAgenda', { caseId: C7 }],
  ['case-' + C7, 'CaseUnscheduled', { meetingId: M1, reason: 'Ikke klar' }, 'Kari', '2024-02-10T10:00:00+01:00'],
  ['meeting-' + M1, 'CaseRemovedFromAgenda', { caseId: C7, reason: 'Ikke klar', why: 'unscheduled' }, 'Kari', '2024-02-10T10:00:00+01:00'],
  ['case-' + C7, 'CaseScheduled', { meetingId: M1 }],
  ['meeting-' + M1, 'CaseAddedToAgenda', { caseId: C7 }],
  ['case-' + C7, 'CaseUnscheduled', { meetingId: M1, reason: 'Fortsatt ikke klar' }, 'Ola', '2024-02-20T11:00:00+01:00'],
  ['meeting-' + M1, 'CaseRemovedFromAgenda', { caseId: C7, reason: 'Fortsatt ikke klar', why: 'unscheduled' }, 'Ola', '2024-02-20T11:00:00+01:00'],
  ['meeting-' + M1, 'MeetingNoticed', { agenda: [{ caseId: C1, number: '5/24' }, { caseId: C5, number: '6/24' }] }],
  ['numbering-TST-2024', 'CaseNumbersAssigned', { meetingId: M1, numbers: [{ caseId: C1, number: '5/24', seq: 5 }, { caseId: C5, number: '6/24', seq: 6 }] }],
  ['case-' + C1, 'CaseNumbered', { meetingId: M1, number: '5/24' }],
  ['case-' + C5, 'CaseNumbered', { meetingId: M1, number: '6/24' }],
  ['meeting-' + M1, 'MeetingOpened', { present: [P1], absent: [], guests: [] }],
  ['case-' + C1, 'CasePresented', { presenter: 'Åse Ørnes' }],
  ['case-' + C1, 'ResolutionEndorsed', { resolution: 'Tilslutning til sak én.' }, 'Åse Ørnes', '2024-03-01T10:00:00+01:00'],
  ['case-' + C1, 'CaseReferred', { toCommittee: 'AAA', type: 'orientation', referredCaseId: 'r1' }],
  ['case-' + C1, 'CaseReferred', { toCommittee: 'BBB', type: 'discussion', referredCaseId: 'r2' }],
  ['case-' + C5, 'CasePresented', { presenter: 'Åse Ørnes' }],
  ['case-' + C5, 'DiscussionRecorded', { summary: 'Drøftet i mars.', points: ['Punkt A'], followUps: [{ id: 'f1', text: 'Hent tall' }] }],
  ['case-' + C5, 'CasePostponed', { meetingId: M1, reason: 'Mangler tall' }],
  ['meeting-' + M1, 'CaseRemovedFromAgenda', { caseId: C5, reason: 'Mangler tall', why: 'postponed' }],
  ['meeting-' + M1, 'MeetingAdjourned', {}],
  ['history-TST-3-24', 'HistoricalDecisionRecorded', { committee: 'TST', number: '3/24', year: 2024, title: 'Tidligere sak', wording: 'Vedtatt før Saksflyt.', source: { seeds: [] } }, 'import'],
  // 2025
  ['meeting-' + M3, 'MeetingPlanned', { meetingId: M3, committee: 'TST', number: '1/2025', year: 2025, date: '2025-02-01', place: 'Rom 2', previousMeetingId: M1 }, 'sekretariatet', Y25],
  ['case-' + C6, 'CaseDrafted', { caseId: C6, committee: 'TST', matterId: 'm6', standardItem: 'minutes-approval', ...paper('Godkjenning av referat', 'approval') }, 'sekretariatet', Y25],
  ['case-' + C6, 'CaseScheduled', { meetingId: M3 }, 'sekretariatet', Y25],
  ['meeting-' + M3, 'CaseAddedToAgenda', { caseId: C6, standardItem: 'minutes-approval' }, 'sekretariatet', Y25],
  ['case-' + C5, 'CaseScheduled', { meetingId: M3 }, 'sekretariatet', Y25],
  ['meeting-' + M3, 'CaseAddedToAgenda', { caseId: C5 }, 'sekretariatet', Y25],
  ['meeting-' + M3, 'MeetingNoticed', { agenda: [{ caseId: C6, number: '1/25' }, { caseId: C5, number: '2/25' }] }, 'sekretariatet', Y25],
  ['case-' + C6, 'CaseNumbered', { meetingId: M3, number: '1/25' }, 'sekretariatet', Y25],
  ['case-' + C5, 'CaseNumbered', { meetingId: M3, number: '2/25' }, 'sekretariatet', Y25],
  ['meeting-' + M3, 'MeetingOpened', { present: [P1], absent: [], guests: [] }, 'sekretariatet', Y25],
  ['case-' + C6, 'ResolutionEndorsed', { resolution: 'Referatet godkjennes.' }, 'Åse Ørnes', Y25],
  ['meeting-' + M1, 'MinutesApproved', { byCaseId: C6, byMeetingId: M3 }, 'Åse Ørnes', Y25],
  ['case-' + C5, 'CasePresented', { presenter: 'Åse Ørnes' }, 'sekretariatet', Y25],
  ['case-' + C5, 'ResolutionEndorsed', { resolution: 'Tilslutning i 2025.' }, 'Åse Ørnes', '2025-02-01T11:00:00+01:00'],
  ['committee-OTH', 'MemberJoined', { memberId: P1, name: 'Åse Ørnes', organisation: 'Bærum kommune', role: 'member' }, 'admin', Y25],
];

const EVENTS = log(ROWS);
const build = (events: RecordedEvent[], year: number): Archive => buildArchive(events, { committee: 'TST', year, generatedAt: '2025-06-01T00:00:00Z' })!;
const withoutPosition = (a: Archive): unknown => ({ ...a, header: { ...a.header, position: 0 } });

describe('review fixes: TST 2024 and 2025', () => {
  let a24: Archive;
  let a25: Archive;
  let xml24: string;
  let xml25: string;
  let xsd: ArchiveXsd;
  beforeAll(() => {
    a24 = build(EVENTS, 2024);
    a25 = build(EVENTS, 2025);
    xml24 = archiveToXml(a24);
    xml25 = archiveToXml(a25);
    xsd = new ArchiveXsd();
  });
  afterAll(() => xsd?.dispose());

  it('builds the same archives from the committee’s relevant events as from the whole log, valid XML', () => {
    const filtered = relevant(EVENTS, 'TST');
    expect(filtered.some((e) => e.stream.includes(MX) || e.stream.includes(CX) || e.stream === 'committee-OTH')).toBe(false);
    expect(withoutPosition(build(filtered, 2024))).toEqual(withoutPosition(a24));
    expect(withoutPosition(build(filtered, 2025))).toEqual(withoutPosition(a25));
    expect(xsd.errorOf(xml24)).toBeNull();
    expect(xsd.errorOf(xml25)).toBeNull();
    expect(a24.cases.map((c) => c.id)).not.toContain(CX);
  });

  it('1: a case postponed into the next year is, in 2024, what it was in 2024; its 2025 handling is listed as later, never as a 2024 decision', () => {
    const c5 = a24.cases.find((c) => c.id === C5)!;
    expect(c5).toMatchObject({ number: null, lastNumber: '6/24', state: 'draft', meetingId: M1, meetingNumber: '1/2024', meetingIds: [M1], outcome: null, resolution: null, decidedAt: null, decidedBy: null });
    expect(c5.later).toEqual([
      { meetingId: M3, meetingNumber: '1/2025', meetingDate: '2025-02-01', number: '2/25', outcome: 'endorsement', resolution: 'Tilslutning i 2025.', decidedOn: '2025-02-01', decidedAt: '2025-02-01T11:00:00+01:00', decidedBy: 'Åse Ørnes', left: null },
    ]);
    expect(a24.decisions.filter((d) => !d.history).map((d) => d.caseId)).toEqual([C1]);
    expect(a24.decisions.some((d) => d.resolution === 'Tilslutning i 2025.')).toBe(false);
    // In the XML: no 2024 vedtak of it, saksår 2024, the 2025 handling as senereBehandling.
    expect(xmlTexts(xml24, '//su:vedtak/su:vedtakstekst')).not.toContain('Tilslutning i 2025.');
    expect(xmlTexts(xml24, '//as:merknadstekst')).toEqual(['Tilslutning til sak én.']);
    expect(xmlTexts(xml24, '//su:saksmappe/sa:saksaar')).toEqual(a24.cases.map(() => '2024'));
    expect(xmlTexts(xml24, `//su:saksmappe[as:systemID="${C5}"]//su:senereBehandling/su:moetenummer`)).toEqual(['1/2025']);
    expect(xmlTexts(xml24, `//su:saksmappe[as:systemID="${C5}"]//su:saksnummer`)).toEqual(['6/24', '2/25']);
    // 2025 has the decision, at its meeting.
    const c5in25 = a25.cases.find((c) => c.id === C5)!;
    expect(c5in25).toMatchObject({ number: '2/25', lastNumber: '2/25', state: 'endorsement', meetingId: M3, meetingNumber: '1/2025', later: [] });
    expect(a25.decisions.filter((d) => !d.history).map((d) => [d.caseNumber, d.meetingNumber, d.resolution])).toEqual([
      ['1/25', '1/2025', 'Referatet godkjennes.'],
      ['2/25', '1/2025', 'Tilslutning i 2025.'],
    ]);
  });

  it('2: a case removed twice from the same meeting keeps both removals: who, when, position, and a registration each', () => {
    const removals = a24.meetings[0]!.removed.filter((r) => r.caseId === C7);
    const events = EVENTS.filter((e) => e.type === 'CaseRemovedFromAgenda' && (e.data as { caseId: string }).caseId === C7);
    expect(removals.map((r) => [r.actor, r.at, r.position, r.eventId, r.reason])).toEqual([
      ['Kari', '2024-02-10T10:00:00+01:00', Number(events[0]!.position), events[0]!.id, 'Ikke klar'],
      ['Ola', '2024-02-20T11:00:00+01:00', Number(events[1]!.position), events[1]!.id, 'Fortsatt ikke klar'],
    ]);
    const ids = xmlTexts(xml24, `//su:moeteregistrering[su:referanseSaksmappe="${C7}"]/as:systemID`);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    const all = xmlTexts(xml24, '//su:moeteregistrering/as:systemID');
    expect(new Set(all).size).toBe(all.length);
  });

  it('3: minutes approved at the next year’s meeting name that meeting’s number', () => {
    expect(a24.meetings[0]!.minutes).toEqual({
      status: 'approved',
      approvedAt: Y25,
      approvedOn: '2025-02-01',
      approvedBy: { caseId: C6, caseNumber: '1/25', meetingId: M3, meetingNumber: '1/2025' },
    });
    expect(xmlTexts(xml24, '//su:moetemappe/su:referatGodkjentIMoete')).toEqual([M3]);
  });

  it('4: a postponement keeps the discussion (list of discussions, follow-ups in the XML); referrals are a list', () => {
    const c5 = a24.cases.find((c) => c.id === C5)!;
    expect(c5.discussions).toEqual([{ summary: 'Drøftet i mars.', points: ['Punkt A'], followUps: [{ id: 'f1', text: 'Hent tall' }], at: '2024-03-01T09:00:00+01:00', actor: 'sekretariatet', meetingId: M1 }]);
    expect(c5.discussion).toEqual({ summary: 'Drøftet i mars.', points: ['Punkt A'], followUps: [{ id: 'f1', text: 'Hent tall' }] });
    expect(c5.presenter).toBeNull();
    expect(a25.cases.find((c) => c.id === C5)!.discussion.followUps).toEqual([{ id: 'f1', text: 'Hent tall' }]);
    expect(xmlTexts(xml24, `//su:saksmappe[as:systemID="${C5}"]//su:oppfoelging`)).toEqual(['Hent tall']);
    expect(xmlTexts(xml24, `//su:saksmappe[as:systemID="${C5}"]//su:oppsummering`)).toEqual(['Drøftet i mars.']);
    const c1 = a24.cases.find((c) => c.id === C1)!;
    expect(c1.referrals.map((r) => [r.committee, r.caseId, r.type])).toEqual([
      ['AAA', 'r1', 'orientation'],
      ['BBB', 'r2', 'discussion'],
    ]);
    expect(c1.referredTo).toEqual({ committee: 'BBB', caseId: 'r2', type: 'discussion' });
  });

  it('5: sakssekvensnummer and mappeID are unique in the file (also for cases without a number); N/YY stays in su:saksnummer', () => {
    const seq = xmlTexts(xml24, '//su:saksmappe/sa:sakssekvensnummer');
    expect(seq).toEqual(a24.cases.map((_, i) => String(i + 1)));
    const mappeIds = xmlTexts(xml24, '//su:saksmappe/as:mappeID');
    expect(mappeIds).toEqual(a24.cases.map((_, i) => `TST-2024-${i + 1}`));
    expect(a24.cases.find((c) => c.id === C7)).toMatchObject({ number: null, lastNumber: null });
    expect(xmlTexts(xml24, `//su:saksmappe[as:systemID="${C7}"]/as:mappeID`)).toHaveLength(1);
    expect(xmlTexts(xml24, `//su:saksmappe[as:systemID="${C1}"]//su:saksdata/su:saksnummer`)).toEqual(['5/24']);
    // The schema rejects a duplicated sekvensnummer.
    const dup = xml24.replace(/<sa:sakssekvensnummer>2<\/sa:sakssekvensnummer>/, '<sa:sakssekvensnummer>1</sa:sakssekvensnummer>');
    expect(dup).not.toBe(xml24);
    expect(xsd.errorOf(dup)).not.toBeNull();
  });

  it('5: every referanseArkivenhet resolves to a systemID of a unit in the file', () => {
    for (const xml of [xml24, xml25]) {
      const units = new Set(xmlTexts(xml, '//su:moetemappe/as:systemID | //su:saksmappe/as:systemID | //su:utvalgsenhet/su:systemID'));
      const refs = xmlTexts(xml, '//su:endring/ls:referanseArkivenhet');
      expect(refs.length).toBeGreaterThan(0);
      expect(refs.filter((r) => !units.has(r))).toEqual([]);
    }
    expect(xmlTexts(xml24, '//su:utvalgsenhet/su:systemID')).toEqual([systemId('committee', 'TST')]);
    expect(new Set(xmlTexts(xml24, '//su:endring/su:enhetstype'))).toEqual(new Set(['utvalg', 'nummerering', 'moetemappe', 'saksmappe', 'historikk']));
  });

  it('6: the year’s numbering and history streams are in the change log', () => {
    const numbering = a24.changeLog.filter((c) => c.unit.kind === 'numbering');
    expect(numbering.filter((c) => c.event === 'NumberingContinued').map((c) => [c.actor, c.field, c.previous, c.next])).toEqual([
      ['admin', 'nextMeetingNumber', null, '1'],
      ['admin', 'nextCaseNumber', null, '5'],
    ]);
    expect(numbering.filter((c) => c.event === 'CaseNumbersAssigned').map((c) => [c.field, c.previous, c.next])).toEqual([
      ['nextCaseNumber', '5', '7'],
      [`cases.${C1}`, null, '5/24'],
      [`cases.${C5}`, null, '6/24'],
    ]);
    expect(numbering.every((c) => c.unit.id === 'numbering-TST-2024')).toBe(true);
    const history = a24.changeLog.filter((c) => c.unit.kind === 'history');
    expect(history.find((c) => c.field === 'wording')).toMatchObject({ event: 'HistoricalDecisionRecorded', actor: 'import', previous: null, next: 'Vedtatt før Saksflyt.', unit: { kind: 'history', id: 'history-TST-3-24' } });
    expect(a25.changeLog.filter((c) => c.unit.kind === 'numbering' || c.unit.kind === 'history')).toEqual([]);
    expect(xmlTexts(xml24, '//su:endring[su:enhetstype="nummerering"]/ls:referanseArkivenhet')[0]).toBe(systemId('committee', 'TST'));
  });
});

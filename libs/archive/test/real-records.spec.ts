/**
 * The archive of the real records: every record file imported into a temp SQLite store, the whole
 * log read back (`readAll`) and folded into NEHS 2018. What the archive says is compared with what
 * the store holds (the events themselves), not with strings copied from the output; the XML
 * validates against the export schema (and Arkivverket's, which it imports) and an invalid
 * variation does not.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '@saksflyt/event-store';
import type { DataOf } from '@saksflyt/workflow';
import { archiveToXml, buildArchive, escapeXml, type Archive } from '../src/index.js';
import { ArchiveXsd, realRecordsStore, xmlTexts } from './support.js';

const GENERATED_AT = '2026-11-22T23:00:00+01:00';

describe('buildArchive on the real records: NEHS 2018', () => {
  let t: Awaited<ReturnType<typeof realRecordsStore>>;
  let events: RecordedEvent[];
  let archive: Archive;
  let xml: string;
  let xsd: ArchiveXsd;

  const ofType = <T extends RecordedEvent['type']>(type: T): RecordedEvent[] => events.filter((e) => e.type === type);
  const meetingPlanned = (): RecordedEvent => ofType('MeetingPlanned').find((e) => (e.data as DataOf<'MeetingPlanned'>).number === '8/2018' && (e.data as DataOf<'MeetingPlanned'>).committee === 'NEHS')!;
  const meetingId = (): string => (meetingPlanned().data as DataOf<'MeetingPlanned'>).meetingId;
  const streamOf = (stream: string): RecordedEvent[] => events.filter((e) => e.stream === stream);
  const memberNames = (): Map<string, string> =>
    new Map(streamOf('committee-NEHS').filter((e) => e.type === 'MemberJoined').map((e) => [(e.data as DataOf<'MemberJoined'>).memberId, (e.data as DataOf<'MemberJoined'>).name]));

  beforeAll(async () => {
    t = await realRecordsStore();
    events = t.events;
    archive = buildArchive(events, { committee: 'NEHS', year: 2018, generatedAt: GENERATED_AT })!;
    xml = archiveToXml(archive);
    xsd = new ArchiveXsd();
  });
  afterAll(async () => {
    xsd?.dispose();
    await t?.close();
  });

  it('heads the archive with the committee, the year, the last position folded and the counts', () => {
    const created = streamOf('committee-NEHS').find((e) => e.type === 'CommitteeCreated')!;
    expect(archive.header).toMatchObject({
      committee: { code: 'NEHS', name: (created.data as DataOf<'CommitteeCreated'>).name },
      year: 2018,
      generatedAt: GENERATED_AT,
      position: Number(events[events.length - 1]!.position),
      counts: {
        meetings: archive.meetings.length,
        cases: archive.cases.length,
        decisions: archive.decisions.filter((d) => !d.history).length,
        historicalDecisions: archive.decisions.filter((d) => d.history).length,
        changes: archive.changeLog.length,
      },
    });
    expect(JSON.parse(JSON.stringify(archive))).toEqual(archive);
  });

  it('holds meeting 8/2018 as planned, noticed, opened and held, with its agenda 47/18–57/18', () => {
    const planned = meetingPlanned().data as DataOf<'MeetingPlanned'>;
    const noticed = streamOf(`meeting-${planned.meetingId}`).find((e) => e.type === 'MeetingNoticed')!.data as DataOf<'MeetingNoticed'>;
    const opened = streamOf(`meeting-${planned.meetingId}`).find((e) => e.type === 'MeetingOpened')!.data as DataOf<'MeetingOpened'>;
    expect(archive.meetings.map((m) => m.number)).toEqual(['8/2018']);
    const m = archive.meetings[0]!;
    expect(m).toMatchObject({ id: planned.meetingId, date: planned.date, startTime: planned.startTime, endTime: planned.endTime, place: planned.place, state: 'held' });
    expect(m.agenda.map((a) => a.number)).toEqual(Array.from({ length: 11 }, (_, i) => `${47 + i}/18`));
    expect(m.agenda.map((a) => ({ caseId: a.caseId, number: a.number }))).toEqual(noticed.agenda);
    const names = memberNames();
    expect(m.attendance!.present.map((p) => p.name)).toEqual(opened.present.map((id) => names.get(id)));
    expect(m.attendance!.absent.map((p) => p.name)).toEqual(opened.absent.map((id) => names.get(id)));
    expect(m.attendance!.guests).toEqual(opened.guests);
    expect(m.members.length).toBe(names.size);
    expect(m.minutes).toEqual({ status: 'draft', approvedAt: null, approvedOn: null, approvedBy: null });
  });

  it('holds every case of the agenda with the vedtak text, decidedAt and decidedBy the store holds', () => {
    expect(archive.cases.map((c) => c.number)).toEqual(archive.meetings[0]!.agenda.map((a) => a.number));
    for (const c of archive.cases) {
      const stream = streamOf(`case-${c.id}`);
      const drafted = stream.find((e) => e.type === 'CaseDrafted')!;
      const decision = stream.find((e) => e.type === 'ResolutionEndorsed' || e.type === 'CaseNoted')!;
      expect(decision).toBeDefined();
      const d = decision.data as DataOf<'ResolutionEndorsed'>;
      expect(c).toMatchObject({
        meetingId: meetingId(),
        meetingNumber: '8/2018',
        matterId: (drafted.data as DataOf<'CaseDrafted'>).matterId,
        outcome: decision.type === 'ResolutionEndorsed' ? 'endorsement' : 'orientation',
        resolution: d.resolution,
        decidedAt: decision.metadata.at,
        decidedBy: decision.metadata.actor,
        draftedAt: drafted.metadata.at,
      });
      expect(c.actors).toEqual([...new Set(stream.map((e) => e.metadata.actor))]);
      const presented = stream.find((e) => e.type === 'CasePresented');
      if (presented) expect(c.presenter).toBe((presented.data as DataOf<'CasePresented'>).presenter);
    }
  });

  it('lists the decisions in meeting date then case number order, then the year’s historical decisions', () => {
    const decided = archive.decisions.filter((d) => !d.history);
    expect(decided.map((d) => d.caseNumber)).toEqual(archive.meetings[0]!.agenda.map((a) => a.number));
    for (const d of decided) {
      const decision = streamOf(`case-${d.caseId}`).find((e) => e.type === 'ResolutionEndorsed' || e.type === 'CaseNoted')!;
      expect(d).toMatchObject({
        resolution: (decision.data as DataOf<'CaseNoted'>).resolution,
        meetingNumber: '8/2018',
        meetingDate: (meetingPlanned().data as DataOf<'MeetingPlanned'>).date,
        decidedAt: decision.metadata.at,
        decidedBy: decision.metadata.actor,
        position: Number(decision.position),
      });
    }
    const recorded = ofType('HistoricalDecisionRecorded')
      .map((e) => e.data as DataOf<'HistoricalDecisionRecorded'>)
      .filter((d) => d.committee === 'NEHS' && d.year === 2018);
    expect(recorded.length).toBeGreaterThan(0);
    const history = archive.decisions.filter((d) => d.history);
    expect(history.map((d) => d.caseNumber).sort()).toEqual(recorded.map((d) => d.number).sort());
    for (const h of history) expect(h.resolution).toBe(recorded.find((d) => d.number === h.caseNumber)!.wording);
    expect(archive.decisions.indexOf(history[0]!)).toBe(decided.length);
  });

  it('logs one change per changed field with the recorded position, time and actor of its event', () => {
    const byPosition = new Map(events.map((e) => [Number(e.position), e]));
    expect(archive.changeLog.length).toBeGreaterThan(0);
    let last = 0;
    for (const c of archive.changeLog) {
      const e = byPosition.get(c.position)!;
      expect({ id: e.id, type: e.type, at: e.metadata.at, actor: e.metadata.actor }).toEqual({ id: c.eventId, type: c.event, at: c.at, actor: c.actor });
      expect(c.position).toBeGreaterThanOrEqual(last);
      expect(c.previous).not.toBe(c.next);
      last = c.position;
    }
    // Every vedtak appears as the new value of the case's `resolution`, at the decision event.
    for (const c of archive.cases) {
      const entry = archive.changeLog.find((x) => x.unit.kind === 'case' && x.unit.id === c.id && x.field === 'resolution')!;
      expect(entry).toMatchObject({ previous: null, next: c.resolution, at: c.decidedAt, actor: c.decidedBy });
    }
    // The real edits of a case paper: old and new value of the field, as the events give them.
    for (const edit of ofType('CasePaperEdited').filter((e) => archive.cases.some((c) => `case-${c.id}` === e.stream))) {
      const drafted = streamOf(edit.stream).find((e) => e.type === 'CaseDrafted')!.data as DataOf<'CaseDrafted'>;
      const changes = (edit.data as DataOf<'CasePaperEdited'>).changes;
      const entries = archive.changeLog.filter((x) => x.eventId === edit.id);
      for (const [field, value] of Object.entries(changes)) {
        const before = (drafted as unknown as Record<string, unknown>)[field];
        if (before === value) continue;
        expect(entries.find((x) => x.field === field)).toMatchObject({ previous: before ?? null, next: value });
      }
    }
    // The committee's membership of the year (by metadata.at): one entry per member joined.
    const joined = streamOf('committee-NEHS').filter((e) => e.type === 'MemberJoined' && e.metadata.at.startsWith('2018'));
    expect(archive.changeLog.filter((x) => x.unit.kind === 'committee' && x.event === 'MemberJoined')).toHaveLength(joined.length);
    // The meeting: planned, each case added, noticed, opened, adjourned.
    const meetingEvents = new Set(archive.changeLog.filter((x) => x.unit.kind === 'meeting').map((x) => x.event));
    expect([...meetingEvents]).toEqual(['MeetingPlanned', 'CaseAddedToAgenda', 'MeetingNoticed', 'MeetingOpened', 'MeetingAdjourned']);
  });

  it('writes XML that validates against the export schema, with every vedtak text intact', () => {
    expect(xsd.errorOf(xml)).toBeNull();
    // Read back by libxml2: the merknad of each saksmappe carries the vedtak, Norwegian characters intact.
    const merknader = xmlTexts(xml, '/su:arkivuttrekk/su:saksmappe/as:merknad/as:merknad/as:merknadstekst');
    expect(merknader).toEqual(archive.cases.map((c) => c.resolution));
    const vedtak = xmlTexts(xml, '/su:arkivuttrekk/su:vedtak/su:vedtakstekst');
    expect(vedtak).toEqual(archive.decisions.map((d) => d.resolution));
    expect(vedtak.join('\n')).toMatch(/[æøåÆØÅ]/);
    for (const d of archive.decisions) expect(xml).toContain(escapeXml(d.resolution));
    expect(xmlTexts(xml, '//su:moetemappe/su:moeteregistrering/su:saksnummer')).toEqual(archive.meetings[0]!.agenda.map((a) => a.number));
    expect(xmlTexts(xml, '//su:endring')).toHaveLength(archive.changeLog.length);
    expect(xmlTexts(xml, '//su:endring/ls:endretAv')).toEqual(archive.changeLog.map((c) => c.actor));
    expect(xmlTexts(xml, '//su:endring/ls:endretDato')).toEqual(archive.changeLog.map((c) => c.at));
    expect(xmlTexts(xml, '//sa:saksstatus/n5mdk:kode')).toEqual(archive.cases.map(() => 'A'));
  });

  it('rejects invalid variations of that XML (the validation can fail)', () => {
    const variations: [string, string][] = [
      ['a saksaar that is no integer', xml.replace(/<sa:saksaar>\d+<\/sa:saksaar>/, '<sa:saksaar>tjueatten</sa:saksaar>')],
      ['an endring without endretAv', xml.replace(/<ls:endretAv>[^<]*<\/ls:endretAv>/, '')],
      ['a saksmappe without saksstatus', xml.replace(/<sa:saksstatus>[\s\S]*?<\/sa:saksstatus>/, '')],
      ['a meeting number not N/YYYY', xml.replace('<su:moetenummer>8/2018</su:moetenummer>', '<su:moetenummer>8/18</su:moetenummer>')],
      ['an unknown case type inside virksomhetsspesifikkeMetadata', xml.replace(/<su:sakstype>[a-z]+<\/su:sakstype>/, '<su:sakstype>vedtak</su:sakstype>')],
      ['elements out of order', xml.replace(/(<su:moetedato>[^<]*<\/su:moetedato>\s*)(<su:starttid>[^<]*<\/su:starttid>)/, '$2$1')],
      ['a duplicated systemID of a mappe', xml.replace(/(<su:saksmappe>\s*<as:systemID>)[^<]*/, `$1${meetingId()}`)],
    ];
    for (const [what, variant] of variations) {
      expect({ what, changed: variant !== xml }).toEqual({ what, changed: true });
      expect({ what, error: xsd.errorOf(variant) === null ? 'accepted' : 'rejected' }).toEqual({ what, error: 'rejected' });
    }
  });

  it('returns null for a committee the log does not have, and an empty year for one it has', () => {
    expect(buildArchive(events, { committee: 'NOPE', year: 2018, generatedAt: GENERATED_AT })).toBeNull();
    const empty = buildArchive(events, { committee: 'NEHS', year: 2005, generatedAt: GENERATED_AT })!;
    expect(empty.meetings).toEqual([]);
    expect(empty.cases).toEqual([]);
    expect(empty.decisions).toEqual([]);
    expect(xsd.errorOf(archiveToXml(empty))).toBeNull();
  });

  it('archives NEHS 2019: meeting 1/2019 noticed, its cases numbered, none decided', () => {
    const a = buildArchive(events, { committee: 'NEHS', year: 2019, generatedAt: GENERATED_AT })!;
    expect(a.meetings.map((m) => [m.number, m.state])).toEqual([['1/2019', 'noticed']]);
    expect(a.cases.map((c) => c.number)).toEqual(a.meetings[0]!.agenda.map((x) => x.number));
    expect(a.decisions.filter((d) => !d.history)).toEqual([]);
    expect(xsd.errorOf(archiveToXml(a))).toBeNull();
  });

  it('builds each committee-year the same from the committee’s relevant events (what the API passes) as from the whole log; every referanseArkivenhet resolves', () => {
    const years = new Map<string, Set<number>>();
    for (const e of ofType('MeetingPlanned')) {
      const d = e.data as DataOf<'MeetingPlanned'>;
      years.set(d.committee, (years.get(d.committee) ?? new Set()).add(d.year));
    }
    for (const [committee, ys] of years) {
      const streams = new Set(
        events
          .filter((e) => (e.type === 'MeetingPlanned' || e.type === 'CaseDrafted') && (e.data as { committee: string }).committee === committee)
          .map((e) => e.stream),
      );
      const relevant = events.filter(
        (e) => e.stream === `committee-${committee}` || e.stream.startsWith(`numbering-${committee}-`) || e.stream.startsWith(`history-${committee}-`) || streams.has(e.stream),
      );
      for (const year of ys) {
        const whole = buildArchive(events, { committee, year, generatedAt: GENERATED_AT })!;
        const filtered = buildArchive(relevant, { committee, year, generatedAt: GENERATED_AT })!;
        expect({ ...filtered, header: { ...filtered.header, position: 0 } }).toEqual({ ...whole, header: { ...whole.header, position: 0 } });
        const x = archiveToXml(whole);
        const units = new Set(xmlTexts(x, '//su:moetemappe/as:systemID | //su:saksmappe/as:systemID | //su:utvalgsenhet/su:systemID'));
        expect({ committee, year, unresolved: xmlTexts(x, '//ls:referanseArkivenhet').filter((r) => !units.has(r)) }).toEqual({ committee, year, unresolved: [] });
      }
    }
    // NEHS 2018's numbering and history streams are in its change log.
    const numberingEvents = streamOf('numbering-NEHS-2018');
    const logged = new Set(archive.changeLog.filter((c) => c.unit.kind === 'numbering').map((c) => c.eventId));
    expect(numberingEvents.length).toBeGreaterThan(0);
    expect(numberingEvents.filter((e) => !logged.has(e.id)).map((e) => e.type)).toEqual([]);
    const historyIds = new Set(archive.changeLog.filter((c) => c.unit.kind === 'history').map((c) => c.eventId));
    expect(historyIds.size).toBe(archive.decisions.filter((d) => d.history).length);
  });

  it('archives every committee’s years the log has, each valid XML', () => {
    const years = new Map<string, Set<number>>();
    for (const e of ofType('MeetingPlanned')) {
      const d = e.data as DataOf<'MeetingPlanned'>;
      years.set(d.committee, (years.get(d.committee) ?? new Set()).add(d.year));
    }
    for (const [committee, ys] of years) {
      for (const year of ys) {
        const a = buildArchive(events, { committee, year, generatedAt: GENERATED_AT })!;
        expect(a.meetings.length).toBeGreaterThan(0);
        expect({ committee, year, error: xsd.errorOf(archiveToXml(a)) }).toEqual({ committee, year, error: null });
      }
    }
  });
});

/**
 * archiveToXml: the archive as one XML document valid against
 * libs/archive/schema/saksflyt-arkivuttrekk.xsd (which imports Arkivverket's Noark 5 schemas).
 *
 * Element order follows the schemas' sequences exactly: an extension's elements come after its
 * base type's, each in the namespace of the schema that declares it (as:, sa:, ls:, n5mdk:, su:).
 */
import type { Archive, ArchiveCase, ArchiveChange, ArchiveDecision, ArchiveMeeting, ArchivePerson } from './model.js';
import { XmlWriter, systemId, uuidV5 } from './xml-writer.js';
import { depositSection, type DepositSection } from './deposit-xml.js';

export const ARCHIVE_XML_NAMESPACE = 'https://saksflyt.no/xmlns/arkivuttrekk/1';

const NS = {
  'xmlns:su': ARCHIVE_XML_NAMESPACE,
  'xmlns:as': 'http://www.arkivverket.no/standarder/noark5/tj/arkivstruktur',
  'xmlns:sa': 'http://www.arkivverket.no/standarder/noark5/tj/sakarkiv',
  'xmlns:ls': 'http://www.arkivverket.no/standarder/noark5/tj/loggingogsporing',
  'xmlns:n5mdk': 'http://www.arkivverket.no/standarder/noark5/tj/metadata',
};

type Code = { kode: string; beskrivelse: string };

/** Saksstatus (Noark 5 M052): B under behandling, A avsluttet, U utgår. */
export function saksstatus(state: ArchiveCase['state']): Code {
  switch (state) {
    case 'endorsement':
    case 'orientation':
      return { kode: 'A', beskrivelse: 'Avsluttet' };
    case 'withdrawn':
      return { kode: 'U', beskrivelse: 'Utgår' };
    default:
      return { kode: 'B', beskrivelse: 'Under behandling' };
  }
}

/** Møtesakstype, after the values eInnsyn publishes (godkjenning, orienteringssak, annet). */
function moetesakstype(type: ArchiveCase['type']): Code {
  switch (type) {
    case 'approval':
      return { kode: 'godkjenning', beskrivelse: 'Godkjenningssak' };
    case 'orientation':
      return { kode: 'orienteringssak', beskrivelse: 'Orienteringssak' };
    case 'endorsement':
      return { kode: 'annet', beskrivelse: 'Tilslutningssak' };
    default:
      return { kode: 'annet', beskrivelse: 'Drøftingssak' };
  }
}

const SAKSFRAMLEGG: Code = { kode: 'SF', beskrivelse: 'Saksframlegg' };

function moeteregistreringsstatus(c: ArchiveCase | undefined, removedWhy: string | null): Code {
  if (removedWhy === 'postponed') return { kode: 'utsatt', beskrivelse: 'Utsatt' };
  if (removedWhy === 'withdrawn') return { kode: 'trukket', beskrivelse: 'Trukket' };
  if (removedWhy === 'unscheduled') return { kode: 'tatt-av', beskrivelse: 'Tatt av sakslisten' };
  if (c?.outcome) return { kode: 'behandlet', beskrivelse: 'Behandlet' };
  return { kode: 'ikke-behandlet', beskrivelse: 'Ikke behandlet' };
}

const FUNKSJON: Record<string, Code> = {
  chair: { kode: 'leder', beskrivelse: 'Leder' },
  member: { kode: 'medlem', beskrivelse: 'Medlem' },
  observer: { kode: 'observatoer', beskrivelse: 'Observatør' },
  deputy: { kode: 'varamedlem', beskrivelse: 'Varamedlem' },
};

const MOETESTATUS: Record<ArchiveMeeting['state'], string> = { planned: 'planlagt', noticed: 'innkalt', in_session: 'satt', held: 'avholdt', cancelled: 'avlyst' };
const UTFALL = { endorsement: 'tilslutning', orientation: 'orientering' } as const;
const ENHET = { case: 'saksmappe', meeting: 'moetemappe', committee: 'utvalg', numbering: 'nummerering', history: 'historikk' } as const;

/** The systemID of the committee unit (`su:utvalgsenhet`). */
const committeeSystemId = (code: string): string => systemId('committee', code);

/** The systemID of the unit a change-log entry refers to: always one that is in the document. */
function referanseArkivenhet(a: Archive, c: ArchiveChange): string {
  switch (c.unit.kind) {
    case 'case':
      return systemId('case', c.unit.id);
    case 'meeting':
      return systemId('meeting', c.unit.id);
    default:
      // The committee, its year's numbering and its historical decisions belong to the committee unit.
      return committeeSystemId(a.header.committee.code);
  }
}

const dateOf = (iso: string): string => iso.slice(0, 10);

function deltaker(w: XmlWriter, p: ArchivePerson, oppmoete?: 'tilstede' | 'forfall'): void {
  w.start('su:moetedeltaker')
    .el('su:systemID', systemId('member', p.id))
    .el('su:moetedeltakerNavn', p.name)
    .code('su:moetedeltakerFunksjon', FUNKSJON[p.role ?? 'member'] ?? FUNKSJON.member!)
    .el('su:organisasjon', p.organisation)
    .el('su:oppmoete', oppmoete)
    .end();
}

function moetemappe(w: XmlWriter, a: Archive, m: ArchiveMeeting, caseById: Map<string, ArchiveCase>): void {
  w.start('su:moetemappe')
    .el('as:systemID', systemId('meeting', m.id))
    .el('as:opprettetDato', m.plannedAt)
    .el('as:opprettetAv', m.plannedBy)
    .el('as:mappeID', m.number)
    .el('as:tittel', `Møte ${m.number} i ${a.header.committee.name}`)
    .el('as:avsluttetDato', m.adjournedAt)
    .el('su:moetenummer', m.number)
    .el('su:utvalg', a.header.committee.name)
    .el('su:moetedato', m.date)
    .el('su:starttid', m.startTime)
    .el('su:sluttid', m.endTime)
    .el('su:moetested', m.place)
    .el('su:moetestatus', MOETESTATUS[m.state])
    .el('su:referanseForrigeMoete', m.previousMeetingId ? systemId('meeting', m.previousMeetingId) : null);
  const present = new Set(m.attendance?.present.map((p) => p.id) ?? []);
  const absent = new Set(m.attendance?.absent.map((p) => p.id) ?? []);
  const listed = new Set<string>();
  for (const p of m.members) {
    listed.add(p.id);
    deltaker(w, p, present.has(p.id) ? 'tilstede' : absent.has(p.id) ? 'forfall' : undefined);
  }
  // Present or absent without being a member at the meeting (e.g. left since): listed too.
  for (const p of [...(m.attendance?.present ?? []), ...(m.attendance?.absent ?? [])]) {
    if (!listed.has(p.id)) {
      listed.add(p.id);
      deltaker(w, p, present.has(p.id) ? 'tilstede' : 'forfall');
    }
  }
  for (const g of m.attendance?.guests ?? []) w.el('su:gjest', g);
  w.el('su:referatstatus', m.minutes.status === 'approved' ? 'godkjent' : 'utkast')
    .el('su:referatGodkjentDato', m.minutes.approvedOn)
    .el('su:referatGodkjentRegistrert', m.minutes.approvedAt)
    .el('su:referatGodkjentISak', m.minutes.approvedBy ? systemId('case', m.minutes.approvedBy.caseId) : null)
    .el('su:referatGodkjentIMoete', m.minutes.approvedBy ? systemId('meeting', m.minutes.approvedBy.meetingId) : null);
  const items: { id: string; caseId: string; title: string; number: string | null; order: number | null; removed: string | null }[] = [
    ...m.agenda.map((x, i) => ({ id: uuidV5(`moeteregistrering:${m.id}:${x.caseId}:agenda`), caseId: x.caseId, title: x.title, number: x.number, order: i + 1, removed: null })),
    // One per removal, its id from the removal event (a case removed twice gives two registrations).
    ...m.removed.map((r) => ({ id: uuidV5(`moeteregistrering:${m.id}:${r.eventId}`), caseId: r.caseId, title: r.title, number: null, order: null, removed: r.why as string })),
  ];
  for (const item of items) {
    const c = caseById.get(item.caseId);
    w.start('su:moeteregistrering')
      .el('as:systemID', item.id)
      .el('as:tittel', item.title)
      .code('su:moeteregistreringstype', SAKSFRAMLEGG)
      .code('su:moetesakstype', moetesakstype(c?.type ?? 'discussion'))
      .code('su:moeteregistreringsstatus', moeteregistreringsstatus(c, item.removed))
      .el('su:rekkefoelge', item.order)
      .el('su:saksnummer', item.number)
      .el('su:referanseSaksmappe', systemId('case', item.caseId))
      .end();
  }
  w.end();
}

function saksmappe(w: XmlWriter, a: Archive, c: ArchiveCase): void {
  const lastActed = c.decidedAt ?? null;
  w.start('su:saksmappe')
    .el('as:systemID', systemId('case', c.id))
    .el('as:opprettetDato', c.draftedAt)
    .el('as:opprettetAv', c.draftedBy)
    .el('as:mappeID', c.mappeId)
    .el('as:tittel', c.title)
    .el('as:beskrivelse', c.background)
    .el('as:avsluttetDato', lastActed)
    .el('as:avsluttetAv', c.decidedBy);
  w.start('as:virksomhetsspesifikkeMetadata').start('su:saksdata');
  w.el('su:saksnummer', c.number ?? c.lastNumber)
    .el('su:sakstype', c.type)
    .el('su:tilstand', c.state)
    .el('su:saksmappeID', c.matterId);
  for (const id of c.meetingIds) w.el('su:referanseMoetemappe', systemId('meeting', id));
  w.el('su:forslagTilVedtak', c.proposedResolution).el('su:saksfremlegger', c.presenter).el('su:oppsummering', c.discussion.summary);
  for (const p of c.discussion.points) w.el('su:punkt', p);
  for (const f of c.discussion.followUps) w.el('su:oppfoelging', f.text);
  w.el('su:utfall', c.outcome ? UTFALL[c.outcome] : null).el('su:vilkaar', c.conditions);
  for (const i of c.input) w.el('su:innspill', i);
  for (const actor of c.actors) w.el('su:aktoer', actor);
  for (const l of c.later) {
    w.start('su:senereBehandling')
      .el('su:referanseMoetemappe', systemId('meeting', l.meetingId))
      .el('su:moetenummer', l.meetingNumber)
      .el('su:moetedato', l.meetingDate)
      .el('su:saksnummer', l.number)
      .el('su:utfall', l.outcome ? UTFALL[l.outcome] : null)
      .el('su:vedtakstekst', l.resolution)
      .el('su:vedtaksdato', l.decidedOn)
      .el('su:vedtakRegistrert', l.decidedAt)
      .el('su:tattAv', l.left)
      .end();
  }
  w.end().end();
  if (c.resolution !== null && c.outcome !== null) {
    w.start('as:merknad')
      .start('as:merknad')
      .el('as:systemID', uuidV5(`vedtak:${c.id}`))
      .el('as:merknadstekst', c.resolution)
      .code('as:merknadstype', { kode: 'vedtak', beskrivelse: c.outcome === 'endorsement' ? 'Vedtak: tilslutning' : 'Vedtak: tatt til orientering' })
      .el('as:merknadsdato', c.decidedAt)
      .el('as:merknadRegistrertAv', c.decidedBy)
      .el('as:referanseMerknadRegistrertAv', c.decidedBy ? systemId('actor', c.decidedBy) : null)
      .el('as:skjermetMerknad', false)
      .end()
      .end();
  }
  // Saksår and sekvensnummer of this archive (unique in it); the committee's own N/YY is su:saksnummer.
  w.el('sa:saksaar', a.header.year)
    .el('sa:sakssekvensnummer', c.sequence)
    .el('sa:saksdato', dateOf(c.draftedAt))
    .el('sa:administrativEnhet', a.header.committee.name)
    .el('sa:saksansvarlig', c.caseOfficer ?? c.responsible ?? c.draftedBy)
    .code('sa:saksstatus', saksstatus(c.state))
    .end();
}

function vedtak(w: XmlWriter, d: ArchiveDecision): void {
  w.start('su:vedtak')
    .el('su:saksnummer', d.caseNumber)
    .el('su:tittel', d.title)
    .el('su:utfall', d.outcome ? UTFALL[d.outcome] : null)
    .el('su:vedtakstekst', d.resolution)
    .el('su:moetenummer', d.meetingNumber)
    .el('su:moetedato', d.date)
    .el('su:vedtaksdato', d.decidedOn)
    .el('su:vedtakRegistrert', d.decidedAt)
    .el('su:vedtattAv', d.decidedBy)
    .el('su:referanseSaksmappe', d.caseId ? systemId('case', d.caseId) : null)
    .el('su:referanseMoetemappe', d.meetingId ? systemId('meeting', d.meetingId) : null)
    .el('su:historisk', d.history)
    .end();
}

function endring(w: XmlWriter, a: Archive, c: ArchiveChange): void {
  w.start('su:endring')
    .el('ls:systemID', uuidV5(`endring:${c.eventId}:${c.field}`))
    .el('ls:referanseArkivenhet', referanseArkivenhet(a, c))
    .el('ls:referanseMetadata', c.field)
    .el('ls:endretDato', c.at)
    .el('ls:endretAv', c.actor)
    .el('ls:referanseEndretAv', systemId('actor', c.actor))
    .el('ls:tidligereVerdi', c.previous)
    .el('ls:nyVerdi', c.next)
    .el('su:enhetstype', ENHET[c.unit.kind])
    .el('su:enhetsID', c.unit.id)
    .el('su:hendelse', c.event)
    .el('su:posisjon', c.position)
    .end();
}

/**
 * The archive's XML in pieces (the streamed deposit): the constructor writes everything before the
 * change log, `change` one entry of it, `finish` the rest (with the deposit's section); `take`
 * gives the text written since the last take. `archiveToXml` is the same in one piece.
 */
export class ArchiveXmlPieces {
  private readonly w = new XmlWriter();

  constructor(private readonly a: Archive) {
    const w = this.w;
    w.start('su:arkivuttrekk', NS);
    w.start('su:hode')
      .el('su:utvalgskode', a.header.committee.code)
      .el('su:utvalg', a.header.committee.name)
      .el('su:aar', String(a.header.year).padStart(4, '0'))
      .el('su:generertDato', a.header.generatedAt)
      .el('su:posisjon', a.header.position)
      .el('su:antallMoeter', a.header.counts.meetings)
      .el('su:antallSaker', a.header.counts.cases)
      .el('su:antallVedtak', a.decisions.length)
      .el('su:antallEndringer', a.header.counts.changes)
      .el('su:byggetFraHendelse', a.header.builtFrom?.position)
      .el('su:sjekksum', a.header.builtFrom?.hash)
      .el('su:proveniens', a.header.builtFrom?.provenance)
      .end();
    w.start('su:utvalgsenhet')
      .el('su:systemID', committeeSystemId(a.header.committee.code))
      .el('su:utvalgskode', a.header.committee.code)
      .el('su:utvalg', a.header.committee.name)
      .end();
    w.start('su:moetedeltakere');
    for (const p of a.members) deltaker(w, p);
    w.end();
    const caseById = new Map(a.cases.map((c) => [c.id, c]));
    for (const m of a.meetings) moetemappe(w, a, m, caseById);
    for (const c of a.cases) saksmappe(w, a, c);
    for (const d of a.decisions) vedtak(w, d);
    w.start('su:endringslogg');
  }

  change(c: ArchiveChange): void {
    endring(this.w, this.a, c);
  }

  finish(deposit?: DepositSection): void {
    this.w.end();
    if (deposit) depositSection(this.w, deposit); // the zip deposit's files and their SHA-256 (deposit.ts)
    this.w.end();
  }

  take(): string {
    return this.w.take();
  }
}

/** The archive as one XML document that validates against libs/archive/schema/saksflyt-arkivuttrekk.xsd. */
export function archiveToXml(archive: Archive, deposit?: DepositSection): string {
  const x = new ArchiveXmlPieces(archive);
  for (const c of archive.changeLog) x.change(c);
  x.finish(deposit);
  return x.take();
}

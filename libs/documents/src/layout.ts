/**
 * The layout both documents share, decided once and rendered three ways (Markdown, HTML, PDF),
 * so the formats cannot drift apart: title, draft mark, header block, agenda table, one
 * section per case, and the provenance line.
 */
import type { FollowUpRef, MemberEntry, MinutesCase, MinutesDocument, NoticeDocument, PersonRef, ReferralRef, SubItemRef, VoterRef, WrittenProcedureRef } from './model.js';
import { caseTypeLabel, clean, formatDate, formatTime, oneLine, present } from './text.js';

export interface HeaderRow {
  /** "Møte", "Dato", "Tid", "Sted", "Medlemmer", "Forfall", "Observatører", ... */
  label: string;
  /** A qualifier shown with the label, e.g. "til stede". */
  sublabel?: string;
  /** One entry per line (a member per line); a single-valued field has one. */
  lines: string[];
}

export interface AgendaRow {
  number: string;
  title: string;
  type: string;
}

export type Block =
  /** A labelled one-line fact, e.g. "Sakstype: Godkjenning". */
  | { kind: 'fact'; label: string; text: string }
  /** Running text (may hold several paragraphs); `label` is an optional lead-in heading. */
  | { kind: 'text'; label?: string; text: string }
  /** A labelled bullet list. */
  | { kind: 'list'; label: string; items: string[] }
  /** The decision or its proposal, set apart: "Vedtak:" / "Forslag til vedtak:". */
  | { kind: 'resolution'; label: string; text: string }
  /** A marking in italics, with an optional text after it: "*Utsatt:* reason", "*Oversendt til NUIT*". */
  | { kind: 'mark'; label: string; text?: string };

export interface CaseSection {
  number: string;
  title: string;
  blocks: Block[];
}

export interface Layout {
  /** The document's main heading. */
  title: string;
  /** Under the heading: committee and meeting, one line. */
  subtitle: string;
  /** Shown prominently (and as a watermark in the PDF) when the minutes are a draft. */
  draft: boolean;
  /** "Utkast – ..." or "Godkjent referat"; undefined for the notice. */
  status?: string;
  header: HeaderRow[];
  agenda: AgendaRow[];
  cases: CaseSection[];
  /** "Bygget fra hendelsesposisjon N." */
  provenance: string;
  /** The PDF's metadata. */
  meta: { title: string; subject: string; date: string };
}

const FORMAT_LABELS = { physical: 'Fysisk møte', webinar: 'Webinar', hybrid: 'Hybrid (fysisk og digitalt)' } as const;
const FIELD_LABELS: Record<string, string> = { date: 'Dato', endDate: 'Sluttdato', startTime: 'Starttid', endTime: 'Sluttid', place: 'Sted', format: 'Møteform' };

/** "Dato: 6. desember 2018 → 7. desember 2018" */
function changeLine(c: { field: string; from: string | null; to: string }): string {
  const show = (v: string | null) => (v === null ? '–' : c.field === 'date' || c.field === 'endDate' ? formatDate(v) : c.field === 'format' ? (FORMAT_LABELS[v as keyof typeof FORMAT_LABELS] ?? oneLine(v)) : oneLine(v));
  return `${FIELD_LABELS[c.field] ?? oneLine(c.field)}: ${show(c.from)} → ${show(c.to)}`;
}

export const LABELS = {
  minutesTitle: 'Referat fra møte i',
  noticeTitle: 'Innkalling og dagsorden',
  meeting: 'Møte',
  date: 'Dato',
  time: 'Tid',
  place: 'Sted',
  members: 'Medlemmer',
  present: 'til stede',
  absent: 'Forfall',
  observers: 'Observatører',
  guests: 'Gjester',
  secretariat: 'Fra sekretariatet',
  deputies: 'Vara',
  deputyFor: 'vara for',
  remote: 'digitalt',
  owner: 'ansvarlig',
  due: 'frist',
  agenda: 'Dagsorden',
  cases: 'Saker',
  number: 'Sak',
  topic: 'Tema',
  type: 'Sakstype',
  responsible: 'Saksansvarlig',
  presenter: 'Presentert av',
  purpose: 'Formål',
  background: 'Bakgrunn',
  discussion: 'Drøfting',
  points: 'Innspill',
  proposal: 'Forslag til vedtak',
  resolution: 'Vedtak',
  conditions: 'Forbehold',
  followUps: 'Oppfølging',
  corrections: 'Merknader',
  approvedWithCorrections: 'Godkjent med merknader',
  changedNotice: 'Endret innkalling',
  format: 'Møteform',
  extraordinary: 'Ekstraordinært møte',
  votes: 'Votering',
  votesFor: 'For',
  votesAgainst: 'Mot',
  votesAbstained: 'Avstår',
  dissent: 'Dissens',
  referral: 'Oversendt fra',
  referralReason: 'Begrunnelse',
  writtenProcedures: 'Saker behandlet ved skriftlig behandling',
  concluded: 'Avsluttet',
  answers: 'Svar',
  agree: 'Enig',
  disagree: 'Uenig',
  comments: 'Kommentarer',
  draft: 'Utkast',
  draftStatus: 'Referatet er ikke godkjent.',
  approvedStatus: 'Godkjent referat.',
  late: 'Tilleggssak',
  amended: 'Rettet før godkjenning',
  approvedOn: 'Godkjent i møtet',
  postponed: 'Utsatt',
  withdrawn: 'Trukket',
  referredTo: 'Oversendt til',
  builtAt: 'Bygget fra hendelsesposisjon',
  builtFromEvent: 'Bygget fra hendelse',
  checksum: 'sjekksum',
  page: 'Side',
  of: 'av',
  attachments: 'Vedlegg',
  exempt: 'Unntatt offentlighet',
} as const;

function position(p: number | bigint): string {
  return typeof p === 'bigint' ? p.toString() : String(Math.trunc(Number(p)));
}

/**
 * The document's provenance: "Bygget fra hendelse N, sjekksum H" when the event it was built from
 * is known with its hash (a printed copy is checked with `saksflyt verify --position N --at-hash H`),
 * else "Bygget fra hendelsesposisjon N".
 */
export function provenanceText(doc: { builtAtPosition: number | bigint; builtFrom?: { position: number | bigint; hash: string | null } | null }): string {
  const from = doc.builtFrom;
  if (from?.hash) return `${LABELS.builtFromEvent} ${position(from.position)}, ${LABELS.checksum} ${from.hash}`;
  return `${LABELS.builtAt} ${position(from?.position ?? doc.builtAtPosition)}`;
}

/** "Name (Organisation)" when the person's organisation is given or the member is known and has one. */
function withOrganisation(person: PersonRef, members: readonly MemberEntry[]): string {
  const n = oneLine(typeof person === 'string' ? person : person?.name);
  const own = typeof person === 'string' ? null : person?.organisation;
  const org = present(own) ? own : members.find((x) => oneLine(x.name) === n)?.organisation;
  return present(org) ? `${n} (${oneLine(org)})` : n;
}

function personPresent(p: PersonRef | null | undefined): p is PersonRef {
  return typeof p === 'string' ? present(p) : !!p && present(p.name);
}

function followUpText(f: FollowUpRef | null | undefined): string {
  if (typeof f === 'string') return f;
  const text = f?.text ?? '';
  const more = [present(f?.owner) ? `${LABELS.owner}: ${oneLine(f.owner)}` : null, present(f?.due) ? `${LABELS.due} ${formatDate(f.due)}` : null].filter((x): x is string => x !== null);
  return present(text) && more.length ? `${text} (${more.join(', ')})` : text;
}

function commonHeader(meeting: MinutesDocument['meeting']): HeaderRow[] {
  const rows: HeaderRow[] = [
    { label: LABELS.meeting, lines: [oneLine(meeting.number)] },
    { label: LABELS.date, lines: [meeting.endDate && meeting.endDate !== meeting.date ? `${formatDate(meeting.date)} – ${formatDate(meeting.endDate)}` : formatDate(meeting.date)] },
  ];
  if (meeting.kind === 'extraordinary') rows[0]!.lines.push(LABELS.extraordinary);
  if (meeting.format && meeting.format !== 'physical') rows.push({ label: LABELS.format, lines: [FORMAT_LABELS[meeting.format]] });
  const time = formatTime(meeting.startTime, meeting.endTime);
  if (time) rows.push({ label: LABELS.time, lines: [time] });
  rows.push({ label: LABELS.place, lines: [oneLine(meeting.place)] });
  return rows;
}

function names(list: readonly PersonRef[] | null | undefined, members: readonly MemberEntry[]): string[] {
  return (list ?? []).filter(personPresent).map((n) => withOrganisation(n, members));
}

/** The member role of a person in the lists: their own `role`, or the member of that name's. */
function roleOf(person: PersonRef, members: readonly MemberEntry[]): string | undefined {
  const own = typeof person === 'string' ? undefined : (person as { role?: unknown } | null)?.role;
  if (typeof own === 'string') return own;
  const n = oneLine(typeof person === 'string' ? person : person?.name);
  return members.find((x) => oneLine(x.name) === n)?.role;
}

function votingMembers(members: readonly MemberEntry[]): string[] {
  return members.filter((m) => m.role !== 'observer' && m.role !== 'deputy').map((m) => withOrganisation(m, members));
}

/** "Name (Org), vara for Member (Org)" for a deputy; " (digitalt)" for one who took part remotely. */
function attendee(p: PersonRef, members: readonly MemberEntry[], standingInFor?: PersonRef | null): string {
  let line = withOrganisation(p, members);
  if (standingInFor && personPresent(standingInFor)) line += `, ${LABELS.deputyFor} ${withOrganisation(standingInFor, members)}`;
  if (typeof p !== 'string' && p?.remote) line += ` (${LABELS.remote})`;
  return line;
}

function deputiesOf(members: readonly MemberEntry[]): string[] {
  return members.filter((m) => m.role === 'deputy').map((m) => attendee(m, members, m.deputyFor));
}

function observersOf(members: readonly MemberEntry[]): string[] {
  return members.filter((m) => m.role === 'observer').map((m) => withOrganisation(m, members));
}

/** A case's title as the documents show it: a late case marked "Tilleggssak: ...". */
function caseTitle(c: { title: string; late?: boolean | null }): string {
  return c.late ? `${LABELS.late}: ${oneLine(c.title)}` : oneLine(c.title);
}

function agendaRows(cases: readonly { number: string | null; title: string; late?: boolean | null; type: MinutesDocument['cases'][number]['type']; standardItem?: MinutesDocument['cases'][number]['standardItem'] }[]): AgendaRow[] {
  return cases.map((c) => ({
    number: oneLine(c.number ?? ''),
    title: caseTitle(c),
    type: caseTypeLabel(c.type, c.standardItem),
  }));
}

function pdfDate(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) && !Number.isNaN(Date.parse(`${iso}T00:00:00Z`)) ? iso : '1970-01-01';
}

/**
 * The parts of a case's section in the minutes, in order, each giving its blocks (none when it has
 * nothing to say): Sakstype, presenter, discussion, points, *vedtak*, conditions, amendments, sub-items,
 * *Votering*, *Dissens*, referrals,
 * *Utsatt* / *Trukket*, follow-ups. A per-item extra of the model (an optional field of
 * `MinutesCase`) is rendered by a part of its own, put in its place in this list.
 */
export const MINUTES_CASE_PARTS: ReadonlyArray<(c: MinutesCase) => Block[]> = [
  (c) => {
    const type = caseTypeLabel(c.type, c.standardItem);
    return type ? [{ kind: 'fact', label: LABELS.type, text: type }] : [];
  },
  (c) => (present(c.exemption) ? [{ kind: 'fact', label: LABELS.exempt, text: oneLine(c.exemption) }] : []),
  (c) => (present(c.presenter) ? [{ kind: 'fact', label: LABELS.presenter, text: oneLine(c.presenter) }] : []),
  (c) => (present(c.summary) ? [{ kind: 'text', text: clean(c.summary) }] : []),
  (c) => {
    const points = [...(c.points ?? []), ...(c.input ?? [])].filter(present).map(clean);
    return points.length ? [{ kind: 'list', label: LABELS.points, items: points }] : [];
  },
  (c) => (present(c.resolution) ? [{ kind: 'resolution', label: LABELS.resolution, text: clean(c.resolution) }] : []),
  (c) => (present(c.conditions) ? [{ kind: 'text', label: LABELS.conditions, text: clean(c.conditions) }] : []),
  (c) => (present(c.corrections) ? [{ kind: 'text', label: LABELS.corrections, text: clean(c.corrections) }] : []),
  (c) => {
    const amended = (c.amendments ?? []).filter((a) => present(a?.reason)).map((a) => (a.at ? `${formatDate(a.at)}: ${clean(a.reason)}` : clean(a.reason)));
    return amended.length ? [{ kind: 'list', label: LABELS.amended, items: amended }] : [];
  },
  (c) => itemBlocks(c.items, 'resolution'),
  (c) => (c.votes ? [{ kind: 'list', label: LABELS.votes, items: voteLines(c.votes) }] : []),
  (c) => dissentBlocks(c.dissent),
  (c) =>
    (c.referrals ?? [])
      .filter((r) => present(r?.committee))
      .map((r): Block => {
        const name = present(r.committeeName) && oneLine(r.committeeName) !== oneLine(r.committee) ? ` (${oneLine(r.committeeName)})` : '';
        return { kind: 'mark', label: `${LABELS.referredTo} ${oneLine(r.committee)}${name}` };
      }),
  (c) => (c.postponed ? [markWith(LABELS.postponed, c.postponed.reason)] : []),
  (c) => (c.withdrawn ? [markWith(LABELS.withdrawn, c.withdrawn.reason)] : []),
  (c) => {
    const followUps = (c.followUps ?? []).map(followUpText).filter(present).map(clean);
    return followUps.length ? [{ kind: 'list', label: LABELS.followUps, items: followUps }] : [];
  },
];

function markWith(label: string, text: string | null | undefined): Block {
  return present(text) ? { kind: 'mark', label, text: clean(text) } : { kind: 'mark', label };
}

function voterName(v: VoterRef): string {
  return present(v.organisation) ? `${oneLine(v.name)} (${oneLine(v.organisation)})` : oneLine(v.name);
}

/** "For (3): A (Org), B (Org)", "Mot (1): …", "Avstår (0)". */
function voteLines(v: NonNullable<MinutesCase['votes']>): string[] {
  const line = (label: string, list: readonly VoterRef[] | undefined) => {
    const l = list ?? [];
    return l.length ? `${label} (${l.length}): ${l.map(voterName).join(', ')}` : `${label} (0)`;
  };
  return [line(LABELS.votesFor, v.for), line(LABELS.votesAgainst, v.against), line(LABELS.votesAbstained, v.abstained)];
}

/** The sub-items: "NR. 2 Title", then the item's proposal (notice) or vedtak (minutes) where given. */
function itemBlocks(items: readonly SubItemRef[] | null | undefined, which: 'resolution' | 'proposedResolution'): Block[] {
  const blocks: Block[] = [];
  for (const it of items ?? []) {
    if (!present(it.label) && !present(it.title)) continue;
    blocks.push({ kind: 'fact', label: oneLine(it.label), text: oneLine(it.title) });
    const text = it[which];
    if (present(text)) blocks.push({ kind: 'text', label: `${which === 'resolution' ? LABELS.resolution : LABELS.proposal} ${oneLine(it.label)}`, text: clean(text) });
  }
  return blocks;
}

/** One section "Saker behandlet ved skriftlig behandling": per case its number and title, the day concluded, the vedtak, the answers and comments. */
function writtenSection(list: readonly WrittenProcedureRef[]): CaseSection {
  const blocks: Block[] = [];
  for (const w of list) {
    blocks.push({ kind: 'fact', label: oneLine(w.number ?? ''), text: oneLine(w.title) });
    blocks.push({ kind: 'fact', label: LABELS.concluded, text: formatDate(w.concludedOn) });
    if (present(w.resolution)) blocks.push({ kind: 'resolution', label: LABELS.resolution, text: clean(w.resolution) });
    const by = (a: 'agree' | 'disagree') => w.answers.filter((x) => x.answer === a);
    const line = (label: string, l: readonly VoterRef[]) => (l.length ? `${label} (${l.length}): ${l.map(voterName).join(', ')}` : `${label} (0)`);
    blocks.push({ kind: 'list', label: LABELS.answers, items: [line(LABELS.agree, by('agree')), line(LABELS.disagree, by('disagree'))] });
    const comments = w.answers.filter((a) => present(a.comment)).map((a) => `${voterName(a)}: ${clean(a.comment!)}`);
    if (comments.length) blocks.push({ kind: 'list', label: LABELS.comments, items: comments });
    blocks.push(...dissentBlocks(w.dissent));
  }
  return { number: '', title: LABELS.writtenProcedures, blocks };
}

/** *Dissens*: one paragraph per member, "Name (Organisation): text". */
function dissentBlocks(dissent: MinutesCase['dissent']): Block[] {
  const items = (dissent ?? []).filter((d) => present(d.text)).map((d) => `${voterName(d)}: ${clean(d.text)}`);
  return items.length ? [{ kind: 'list', label: LABELS.dissent, items }] : [];
}

/** The referring committee's case, vedtak, conditions, input, sub-items and dissent, in the referred case's notice. */
function referralBlocks(r: ReferralRef): Block[] {
  const blocks: Block[] = [{ kind: 'fact', label: LABELS.referral, text: `${oneLine(r.committee)}${present(r.number) ? ` ${oneLine(r.number)}` : ''}` }];
  if (present(r.reason)) blocks.push({ kind: 'text', label: LABELS.referralReason, text: clean(r.reason) });
  if (present(r.resolution)) blocks.push({ kind: 'text', label: `${LABELS.resolution} (${oneLine(r.committee)})`, text: clean(r.resolution) });
  if (present(r.conditions)) blocks.push({ kind: 'text', label: LABELS.conditions, text: clean(r.conditions) });
  const input = (r.input ?? []).filter(present).map(clean);
  if (input.length) blocks.push({ kind: 'list', label: LABELS.points, items: input });
  blocks.push(...itemBlocks(r.items, 'resolution'));
  blocks.push(...dissentBlocks(r.dissent));
  return blocks;
}

export function minutesLayout(doc: MinutesDocument): Layout {
  const members = doc.members ?? [];
  const header = commonHeader(doc.meeting);
  const att = doc.attendance;
  // Observers are listed under Observatører only, not among the members present (as in the real
  // minutes, ../shared/seeds/002_*: "Observatører Håkon Grimstad (Norsk Helsenett SF)").
  const observerPresent = (p: PersonRef): boolean => !att?.observers && roleOf(p, members) === 'observer';
  if (att) {
    // Deputies present are listed under Vara ("vara for" the member they stood in for).
    const deputy = (p: PersonRef): boolean => roleOf(p, members) === 'deputy' || (typeof p !== 'string' && !!p?.standingInFor);
    const present = att.present.filter(personPresent);
    header.push({ label: LABELS.members, sublabel: LABELS.present, lines: present.filter((p) => !observerPresent(p) && !deputy(p)).map((p) => attendee(p, members)) });
    const absent = names(att.absent, members);
    if (absent.length) header.push({ label: LABELS.absent, lines: absent });
    const deputies = present.filter(deputy).map((p) => attendee(p, members, typeof p === 'string' ? null : p.standingInFor));
    if (deputies.length) header.push({ label: LABELS.deputies, sublabel: LABELS.present, lines: deputies });
  } else {
    header.push({ label: LABELS.members, lines: votingMembers(members) });
    const deputies = deputiesOf(members);
    if (deputies.length) header.push({ label: LABELS.deputies, lines: deputies });
  }
  const observers = att?.observers ? names(att.observers, members) : observersOf(members);
  if (observers.length) header.push({ label: LABELS.observers, lines: observers });
  const guests = names(att?.guests, members);
  if (guests.length) header.push({ label: LABELS.guests, lines: guests });
  const secretariat = names(att?.secretariat, members);
  if (secretariat.length) header.push({ label: LABELS.secretariat, lines: secretariat });

  const cases: CaseSection[] = doc.cases.map((c) => ({
    number: oneLine(c.number ?? ''),
    title: caseTitle(c),
    blocks: MINUTES_CASE_PARTS.flatMap((part) => part(c)),
  }));

  if (doc.writtenProcedures?.length) cases.push(writtenSection(doc.writtenProcedures));

  const committee = oneLine(doc.committee.name);
  const draft = doc.status !== 'approved';
  return {
    title: `${LABELS.minutesTitle} ${committee}`,
    subtitle: `${committee} (${oneLine(doc.committee.code)}), ${LABELS.meeting.toLowerCase()} ${oneLine(doc.meeting.number)}`,
    draft,
    status: draft ? LABELS.draftStatus : approvalStatus(doc.approvedOn, doc.approvedWithCorrections),
    header,
    agenda: agendaRows(doc.cases),
    cases,
    provenance: `${provenanceText(doc)}.`,
    meta: {
      title: `${draft ? `${LABELS.draft}: ` : ''}${LABELS.minutesTitle} ${committee} ${oneLine(doc.meeting.number)}`,
      subject: provenanceText(doc),
      date: pdfDate(doc.meeting.date),
    },
  };
}

/** *Godkjent [med merknader] i møtet {dato}[: merknadene]*. */
function approvalStatus(approvedOn: string | null | undefined, corrections: string | null | undefined): string {
  const on = present(approvedOn) ? ` ${LABELS.approvedOn} ${formatDate(approvedOn)}` : '';
  if (present(corrections)) return `${LABELS.approvedWithCorrections}${on}: ${oneLine(corrections)}`;
  return on ? `${LABELS.approvedStatus}${on}.` : LABELS.approvedStatus;
}

export function noticeLayout(doc: NoticeDocument): Layout {
  const members = doc.members ?? [];
  const header = commonHeader(doc.meeting);
  header.push({ label: LABELS.members, lines: votingMembers(members) });
  const deputies = deputiesOf(members);
  if (deputies.length) header.push({ label: LABELS.deputies, lines: deputies });
  const observers = observersOf(members);
  if (observers.length) header.push({ label: LABELS.observers, lines: observers });
  const changes = (doc.changes ?? []).map(changeLine);
  if (changes.length) header.unshift({ label: LABELS.changedNotice, lines: changes });

  const cases: CaseSection[] = doc.cases.map((c) => {
    const blocks: Block[] = [];
    const type = caseTypeLabel(c.type, c.standardItem);
    if (type) blocks.push({ kind: 'fact', label: LABELS.type, text: type });
    if (present(c.exemption)) blocks.push({ kind: 'fact', label: LABELS.exempt, text: oneLine(c.exemption) });
    if (present(c.responsible)) blocks.push({ kind: 'fact', label: LABELS.responsible, text: oneLine(c.responsible) });
    if (present(c.purpose)) blocks.push({ kind: 'text', label: LABELS.purpose, text: clean(c.purpose) });
    if (present(c.background)) blocks.push({ kind: 'text', label: LABELS.background, text: clean(c.background) });
    if (c.referral) blocks.push(...referralBlocks(c.referral));
    blocks.push(...itemBlocks(c.items, 'proposedResolution'));
    if (present(c.proposedResolution)) {
      blocks.push({ kind: 'resolution', label: LABELS.proposal, text: clean(c.proposedResolution) });
    }
    const attachments = (c.attachments ?? []).map((a) => oneLine(`${a.label}: ${a.filename}`));
    if (attachments.length) blocks.push({ kind: 'list', label: LABELS.attachments, items: attachments });
    return { number: oneLine(c.number ?? ''), title: caseTitle(c), blocks };
  });

  const committee = oneLine(doc.committee.name);
  return {
    title: LABELS.noticeTitle,
    subtitle: `${LABELS.meeting} i ${committee} (${oneLine(doc.committee.code)}), ${LABELS.meeting.toLowerCase()} ${oneLine(doc.meeting.number)}`,
    draft: false,
    ...(changes.length ? { status: `${LABELS.changedNotice}: ${changes.join('; ')}` } : {}),
    header,
    agenda: agendaRows(doc.cases),
    cases,
    provenance: `${provenanceText(doc)}.`,
    meta: {
      title: `${LABELS.noticeTitle}: ${committee} ${oneLine(doc.meeting.number)}`,
      subject: provenanceText(doc),
      date: pdfDate(doc.meeting.date),
    },
  };
}

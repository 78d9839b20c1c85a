/**
 * The layout both documents share, decided once and rendered three ways (Markdown, HTML, PDF),
 * so the formats cannot drift apart: title, draft mark, header block, agenda table, one
 * section per case, and the provenance line.
 */
import type { FollowUpRef, MemberEntry, MinutesDocument, NoticeDocument, PersonRef } from './model.js';
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
  page: 'Side',
  of: 'av',
  attachments: 'Vedlegg',
  exempt: 'Unntatt offentlighet',
} as const;

function position(p: number | bigint): string {
  return typeof p === 'bigint' ? p.toString() : String(Math.trunc(Number(p)));
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
  return typeof f === 'string' ? f : (f?.text ?? '');
}

function commonHeader(meeting: MinutesDocument['meeting']): HeaderRow[] {
  const rows: HeaderRow[] = [
    { label: LABELS.meeting, lines: [oneLine(meeting.number)] },
    { label: LABELS.date, lines: [formatDate(meeting.date)] },
  ];
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
  return members.filter((m) => m.role !== 'observer').map((m) => withOrganisation(m, members));
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

type MinutesCase = MinutesDocument['cases'][number];

/**
 * The parts of a case's section in the minutes, in order, each giving its blocks (none when it has
 * nothing to say): Sakstype, presenter, discussion, points, *vedtak*, conditions, amendments, referrals,
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
  (c) => {
    const amended = (c.amendments ?? []).filter((a) => present(a?.reason)).map((a) => (a.at ? `${formatDate(a.at)}: ${clean(a.reason)}` : clean(a.reason)));
    return amended.length ? [{ kind: 'list', label: LABELS.amended, items: amended }] : [];
  },
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

export function minutesLayout(doc: MinutesDocument): Layout {
  const members = doc.members ?? [];
  const header = commonHeader(doc.meeting);
  const att = doc.attendance;
  // Observers are listed under Observatører only, not among the members present (as in the real
  // minutes, ../shared/seeds/002_*: "Observatører Håkon Grimstad (Norsk Helsenett SF)").
  const observerPresent = (p: PersonRef): boolean => !att?.observers && roleOf(p, members) === 'observer';
  if (att) {
    header.push({ label: LABELS.members, sublabel: LABELS.present, lines: names(att.present.filter((p) => !observerPresent(p)), members) });
    const absent = names(att.absent, members);
    if (absent.length) header.push({ label: LABELS.absent, lines: absent });
  } else {
    header.push({ label: LABELS.members, lines: votingMembers(members) });
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

  const committee = oneLine(doc.committee.name);
  const draft = doc.status !== 'approved';
  const pos = position(doc.builtAtPosition);
  return {
    title: `${LABELS.minutesTitle} ${committee}`,
    subtitle: `${committee} (${oneLine(doc.committee.code)}), ${LABELS.meeting.toLowerCase()} ${oneLine(doc.meeting.number)}`,
    draft,
    status: draft ? LABELS.draftStatus : present(doc.approvedOn) ? `${LABELS.approvedStatus} ${LABELS.approvedOn} ${formatDate(doc.approvedOn)}.` : LABELS.approvedStatus,
    header,
    agenda: agendaRows(doc.cases),
    cases,
    provenance: `${LABELS.builtAt} ${pos}.`,
    meta: {
      title: `${draft ? `${LABELS.draft}: ` : ''}${LABELS.minutesTitle} ${committee} ${oneLine(doc.meeting.number)}`,
      subject: `${LABELS.builtAt} ${pos}`,
      date: pdfDate(doc.meeting.date),
    },
  };
}

export function noticeLayout(doc: NoticeDocument): Layout {
  const members = doc.members ?? [];
  const header = commonHeader(doc.meeting);
  header.push({ label: LABELS.members, lines: votingMembers(members) });
  const observers = observersOf(members);
  if (observers.length) header.push({ label: LABELS.observers, lines: observers });

  const cases: CaseSection[] = doc.cases.map((c) => {
    const blocks: Block[] = [];
    const type = caseTypeLabel(c.type, c.standardItem);
    if (type) blocks.push({ kind: 'fact', label: LABELS.type, text: type });
    if (present(c.exemption)) blocks.push({ kind: 'fact', label: LABELS.exempt, text: oneLine(c.exemption) });
    if (present(c.responsible)) blocks.push({ kind: 'fact', label: LABELS.responsible, text: oneLine(c.responsible) });
    if (present(c.purpose)) blocks.push({ kind: 'text', label: LABELS.purpose, text: clean(c.purpose) });
    if (present(c.background)) blocks.push({ kind: 'text', label: LABELS.background, text: clean(c.background) });
    if (present(c.proposedResolution)) {
      blocks.push({ kind: 'resolution', label: LABELS.proposal, text: clean(c.proposedResolution) });
    }
    const attachments = (c.attachments ?? []).map((a) => oneLine(`${a.label}: ${a.filename}`));
    if (attachments.length) blocks.push({ kind: 'list', label: LABELS.attachments, items: attachments });
    return { number: oneLine(c.number ?? ''), title: caseTitle(c), blocks };
  });

  const committee = oneLine(doc.committee.name);
  const pos = position(doc.builtAtPosition);
  return {
    title: LABELS.noticeTitle,
    subtitle: `${LABELS.meeting} i ${committee} (${oneLine(doc.committee.code)}), ${LABELS.meeting.toLowerCase()} ${oneLine(doc.meeting.number)}`,
    draft: false,
    header,
    agenda: agendaRows(doc.cases),
    cases,
    provenance: `${LABELS.builtAt} ${pos}.`,
    meta: {
      title: `${LABELS.noticeTitle}: ${committee} ${oneLine(doc.meeting.number)}`,
      subject: `${LABELS.builtAt} ${pos}`,
      date: pdfDate(doc.meeting.date),
    },
  };
}

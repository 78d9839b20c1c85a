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
  | { kind: 'resolution'; label: string; text: string };

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

/** The referring committee's case, vedtak, conditions, input and dissent, in the referred case's notice. */
function referralBlocks(r: ReferralRef): Block[] {
  const blocks: Block[] = [{ kind: 'fact', label: LABELS.referral, text: `${oneLine(r.committee)}${present(r.number) ? ` ${oneLine(r.number)}` : ''}` }];
  if (present(r.reason)) blocks.push({ kind: 'text', label: LABELS.referralReason, text: clean(r.reason) });
  if (present(r.resolution)) blocks.push({ kind: 'text', label: `${LABELS.resolution} (${oneLine(r.committee)})`, text: clean(r.resolution) });
  if (present(r.conditions)) blocks.push({ kind: 'text', label: LABELS.conditions, text: clean(r.conditions) });
  const input = (r.input ?? []).filter(present).map(clean);
  if (input.length) blocks.push({ kind: 'list', label: LABELS.points, items: input });
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

  const cases: CaseSection[] = doc.cases.map((c) => {
    const blocks: Block[] = [];
    const type = caseTypeLabel(c.type, c.standardItem);
    if (type) blocks.push({ kind: 'fact', label: LABELS.type, text: type });
    if (present(c.exemption)) blocks.push({ kind: 'fact', label: LABELS.exempt, text: oneLine(c.exemption) });
    if (present(c.presenter)) blocks.push({ kind: 'fact', label: LABELS.presenter, text: oneLine(c.presenter) });
    if (present(c.summary)) blocks.push({ kind: 'text', text: clean(c.summary) });
    const points = [...(c.points ?? []), ...(c.input ?? [])].filter(present).map(clean);
    if (points.length) blocks.push({ kind: 'list', label: LABELS.points, items: points });
    if (present(c.resolution)) blocks.push({ kind: 'resolution', label: LABELS.resolution, text: clean(c.resolution) });
    if (present(c.conditions)) blocks.push({ kind: 'text', label: LABELS.conditions, text: clean(c.conditions) });
    const amended = (c.amendments ?? []).filter((a) => present(a?.reason)).map((a) => (a.at ? `${formatDate(a.at)}: ${clean(a.reason)}` : clean(a.reason)));
    if (amended.length) blocks.push({ kind: 'list', label: LABELS.amended, items: amended });
    blocks.push(...itemBlocks(c.items, 'resolution'));
    if (c.votes) blocks.push({ kind: 'list', label: LABELS.votes, items: voteLines(c.votes) });
    blocks.push(...dissentBlocks(c.dissent));
    const followUps = (c.followUps ?? []).map(followUpText).filter(present).map(clean);
    if (followUps.length) blocks.push({ kind: 'list', label: LABELS.followUps, items: followUps });
    return { number: oneLine(c.number ?? ''), title: caseTitle(c), blocks };
  });

  if (doc.writtenProcedures?.length) cases.push(writtenSection(doc.writtenProcedures));

  const committee = oneLine(doc.committee.name);
  const draft = doc.status !== 'approved';
  const pos = position(doc.builtAtPosition);
  return {
    title: `${LABELS.minutesTitle} ${committee}`,
    subtitle: `${committee} (${oneLine(doc.committee.code)}), ${LABELS.meeting.toLowerCase()} ${oneLine(doc.meeting.number)}`,
    draft,
    status: draft ? LABELS.draftStatus : LABELS.approvedStatus,
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

/**
 * @saksflyt/documents: the minutes (referat) and the notice (innkalling og dagsorden) as
 * Markdown, HTML and PDF, laid out like the committees' own records. Pure functions of their
 * input: the same input (the same event position) gives byte-identical output.
 */
import type { MinutesDocument, NoticeDocument } from './model.js';
import { minutesLayout, noticeLayout } from './layout.js';
import { layoutToMarkdown } from './markdown.js';
import { layoutToHtml } from './html.js';
import { layoutToPdf } from './pdf.js';

export type {
  Attendance,
  CaseType,
  CommitteeRef,
  FollowUpRef,
  MeetingHeader,
  MemberEntry,
  MinutesCase,
  MinutesDocument,
  NoticeCase,
  NoticeChange,
  NoticeDocument,
  PersonRef,
  StandardItem,
  BuiltFromRef,
} from './model.js';
export { CASE_TYPE_LABELS, caseTypeLabel, formatDate, formatTime } from './text.js';
export { escapeMarkdown } from './markdown.js';
export { escapeHtml } from './html.js';
export { toWinAnsi } from './pdf.js';
export { provenanceText } from './layout.js';

/** Media types of the three formats, for `Accept` negotiation. */
export const DOCUMENT_MEDIA_TYPES = {
  markdown: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
} as const;

export function renderMinutesMarkdown(doc: MinutesDocument): string {
  return layoutToMarkdown(minutesLayout(doc));
}

export function renderMinutesHtml(doc: MinutesDocument): string {
  return layoutToHtml(minutesLayout(doc));
}

/** Rejects (never throws synchronously) when the input cannot be laid out. */
export async function renderMinutesPdf(doc: MinutesDocument): Promise<Buffer> {
  return layoutToPdf(minutesLayout(doc));
}

export function renderNoticeMarkdown(doc: NoticeDocument): string {
  return layoutToMarkdown(noticeLayout(doc));
}

export function renderNoticeHtml(doc: NoticeDocument): string {
  return layoutToHtml(noticeLayout(doc));
}

export async function renderNoticePdf(doc: NoticeDocument): Promise<Buffer> {
  return layoutToPdf(noticeLayout(doc));
}

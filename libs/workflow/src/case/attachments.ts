/**
 * Vedlegg (API.md "Attachments (vedlegg) and exemption from public access"): add and remove a
 * file on the case paper while the case is draft or scheduled before notice (the case machine's
 * `CASE_ACCEPTS`: the same states as editing the paper). The bytes are the blob store's (the
 * api's shell stores them by SHA-256, durably, before the command runs); the event records the
 * hash, size, name and type. Numbers (*Vedlegg 1, 2, …*) are given per meeting at notice, in
 * agenda order: `numberAttachments`.
 */
import { caseStream } from '../events.js';
import { caseState, decideCase, type CaseMachineEvent, type CaseSnapshot } from '../machines/case.machine.js';
import { allowedCommands } from '../machines/commands.js';
import { InvalidCommand, NotFound } from '../application/errors.js';
import type { CommandContext, CommandResult } from '../application/types.js';
import type { CommandHandler } from '../core/handler.js';
import type { NewId } from '../core/ids.js';
import { checkIfMatch, single, type WritePlan } from '../core/plan.js';
import type { CaseRecord } from './state.js';
import { label, type CaseGiven, type CaseWhen } from './decide.js';

/** What the blob store answered for the uploaded bytes, with the name and type the caller gave. */
export interface AttachmentBody {
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
}

function refused(what: string, s: CaseSnapshot, when: CaseWhen, given: CaseGiven): InvalidCommand {
  const own = given.own;
  let detail = `cannot ${what} case ${label(s)}: it is ${caseState(s)}`;
  if (s.context.number) detail += ` with number ${s.context.number}`;
  if (own) detail += `; its meeting ${own.loaded.snapshot.context.number} is ${own.facts.state}`;
  detail += ' (attachments change only while the case is draft, or scheduled before notice)';
  const allowed = allowedCommands(s, { actor: when.actor, meeting: own?.facts, previousMeeting: own?.previous?.facts });
  return new InvalidCommand(detail, allowed, own && caseState(s) !== 'draft' ? { meetingId: own.facts.id } : {});
}

export function decideAddAttachment(when: CaseWhen & { attachment: AttachmentBody; ids: NewId }, given: CaseGiven): WritePlan {
  const k = given.case;
  const stream = caseStream(when.caseId);
  checkIfMatch(stream, when.ifMatch, k.revision);
  const a = when.attachment;
  const attachmentId = when.ids('attachment');
  const ev: CaseMachineEvent = {
    type: 'AttachmentAdded',
    data: { v: 1, attachmentId, filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256 },
    guard: { meeting: given.own?.facts },
  };
  const next = decideCase(k.snapshot, ev);
  if (!next) throw refused('add an attachment to', k.snapshot, when, given);
  return single(stream, k.revision, { type: ev.type, data: ev.data }, {
    id: attachmentId,
    caseId: when.caseId,
    state: caseState(next),
    revision: k.revision + 1n,
    filename: a.filename,
    contentType: a.contentType,
    size: a.size,
    sha256: a.sha256,
  });
}

export function decideRemoveAttachment(when: CaseWhen & { attachmentId: string }, given: CaseGiven): WritePlan {
  const k = given.case;
  if (!(k.snapshot.context.attachments ?? []).some((x) => x.id === when.attachmentId)) throw new NotFound('attachment', when.attachmentId);
  const stream = caseStream(when.caseId);
  checkIfMatch(stream, when.ifMatch, k.revision);
  const ev: CaseMachineEvent = { type: 'AttachmentRemoved', data: { v: 1, attachmentId: when.attachmentId }, guard: { meeting: given.own?.facts } };
  const next = decideCase(k.snapshot, ev);
  if (!next) throw refused('remove an attachment from', k.snapshot, when, given);
  return single(stream, k.revision, { type: ev.type, data: ev.data }, { id: when.caseId, state: caseState(next), revision: k.revision + 1n });
}

// ---------- the facade's commands (one line each in workflow.ts) ----------

export function addAttachment(handler: CommandHandler, caseId: string, attachment: AttachmentBody, ctx: CommandContext): Promise<CommandResult> {
  return handler.run(ctx, async (ids, rec) => {
    const k = await rec.case(caseId);
    const own = await rec.ownMeeting(k.snapshot);
    return decideAddAttachment({ caseId, attachment, ids, ifMatch: ctx.ifMatch, actor: ctx.actor }, { case: k, ...(own ? { own } : {}) });
  });
}

export function removeAttachment(handler: CommandHandler, caseId: string, attachmentId: string, ctx: CommandContext): Promise<CommandResult> {
  return handler.run(ctx, async (_ids, rec) => {
    const k = await rec.case(caseId);
    const own = await rec.ownMeeting(k.snapshot);
    return decideRemoveAttachment({ caseId, attachmentId, ifMatch: ctx.ifMatch, actor: ctx.actor }, { case: k, ...(own ? { own } : {}) });
  });
}

// ---------- numbering at notice ----------

/** "Vedlegg N", per meeting. */
export interface NumberedAttachment {
  caseId: string;
  attachmentId: string;
  /** 1, 2, … across the meeting's agenda. */
  seq: number;
  label: string;
}

/**
 * The meeting's attachments numbered *Vedlegg 1, 2, …* in agenda order (the notice's frozen order;
 * each case's attachments in the order added). The agenda is frozen at notice and a case's
 * attachments no longer change while it is on a noticed agenda, so the numbers given at notice
 * stand; a case postponed after notice takes its attachments (and their numbers) off the list,
 * as it loses its case number.
 */
export function numberAttachments(agenda: readonly string[], caseOf: (caseId: string) => Pick<CaseRecord, 'attachments'> | undefined): NumberedAttachment[] {
  const out: NumberedAttachment[] = [];
  for (const caseId of agenda)
    for (const a of caseOf(caseId)?.attachments ?? []) out.push({ caseId, attachmentId: a.id, seq: out.length + 1, label: `Vedlegg ${out.length + 1}` });
  return out;
}

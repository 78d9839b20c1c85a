/**
 * The written-procedure commands (skriftlig behandling), for the Workflow facade: each loads
 * what its pure decider (../case/written-procedure.ts) needs and runs it through the one handler.
 */
import type { CommandHandler } from '../core/handler.js';
import { decideAnswerWrittenProcedure, decideOpenWrittenProcedure, procedureYear } from '../case/written-procedure.js';
import type { CommandContext, CommandResult, WrittenAnswerBody } from './types.js';
import type { CaseSnapshot } from '../machines/case.machine.js';
import type { OwnMeeting } from '../core/load.js';
import type { InSession } from '../case/vote.js';

export function openWrittenProcedure(handler: CommandHandler, clock: () => Date, caseId: string, body: { deadline: string }, ctx: CommandContext): Promise<CommandResult> {
  return handler.run(ctx, async (_ids, rec) => {
    const k = await rec.case(caseId);
    const now = ctx.at ?? clock().toISOString();
    const numbering = await rec.numbering(k.snapshot.context.committee, procedureYear(now));
    const own = await rec.ownMeeting(k.snapshot);
    return decideOpenWrittenProcedure({ caseId, deadline: body.deadline, now, ifMatch: ctx.ifMatch, actor: ctx.actor }, { case: k, numbering, ...(own ? { own } : {}) });
  });
}

export function answerWrittenProcedure(handler: CommandHandler, clock: () => Date, caseId: string, body: WrittenAnswerBody, ctx: CommandContext): Promise<CommandResult> {
  return handler.run(ctx, async (_ids, rec) => {
    const k = await rec.case(caseId);
    const { members } = await rec.committee(k.snapshot.context.committee);
    return decideAnswerWrittenProcedure({ caseId, body, now: ctx.at ?? clock().toISOString(), ifMatch: ctx.ifMatch, actor: ctx.actor }, { case: k, members });
  });
}

/**
 * Who may vote or dissent on `vote`/`endorse`/`note`: the members present in session; in an open
 * written procedure, every member (null: neither applies, the machine decides).
 */
export async function whoMayVote(
  rec: { committee(code: string): Promise<{ members: InSession['members'] }> },
  command: string,
  s: CaseSnapshot,
  own: OwnMeeting | undefined,
): Promise<InSession | null> {
  const wp = ['endorse', 'note'].includes(command) && s.context.writtenProcedure?.concluded === null;
  const att = ['vote', 'endorse', 'note'].includes(command) && own?.facts.state === 'in_session' ? own.loaded.snapshot.context.attendance : null;
  if (!att && !wp) return null;
  const { members } = await rec.committee(s.context.committee);
  return { members, attendance: att ?? { present: [...members.keys()], absent: [] } };
}

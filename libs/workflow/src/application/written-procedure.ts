/**
 * The written-procedure commands (skriftlig behandling), for the Workflow facade: each loads
 * what its pure decider (../case/written-procedure.ts) needs and runs it through the one handler.
 */
import type { CommandHandler } from '../core/handler.js';
import { decideAnswerWrittenProcedure, decideOpenWrittenProcedure, procedureYear } from '../case/written-procedure.js';
import type { CommandContext, CommandResult, WrittenAnswerBody } from './types.js';

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

/** The agenda commands as the Workflow facade runs them (load, then the pure decider in ./reorder.ts). */
import type { CommandContext, CommandResult, ReorderAgendaBody } from '../application/types.js';
import type { CommandHandler } from '../core/handler.js';
import { meetingState } from '../machines/meeting.machine.js';
import { decideReorderAgenda } from './reorder.js';

/** PUT agenda: the order of the substantive cases, before notice. */
export function reorderAgenda(handler: CommandHandler, meetingId: string, body: ReorderAgendaBody, ctx: CommandContext): Promise<CommandResult> {
  return handler.run(ctx, async (_ids, rec) => {
    const meeting = await rec.meeting(meetingId);
    // the case states only for a refusal's allowedCommands (adjourn) of a meeting in session
    const agendaCases = meetingState(meeting.snapshot) === 'in_session' ? await rec.agendaCaseStates(meeting.snapshot) : undefined;
    return decideReorderAgenda({ meetingId, body, ifMatch: ctx.ifMatch, actor: ctx.actor }, { meeting, ...(agendaCases ? { agendaCases } : {}) });
  });
}

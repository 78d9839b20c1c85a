/** The follow-up commands as the Workflow facade delegates them (one line each there). */
import type { Catalogue } from '../application/catalogue.js';
import type { CloseFollowUpBody, CommandContext, CommandResult } from '../application/types.js';
import { followUpStream } from '../events.js';
import type { CommandHandler } from '../core/handler.js';
import { revisionOf, type Loader } from '../core/load.js';
import { caseState } from '../machines/case.machine.js';
import { decideCloseFollowUp } from './decide.js';
import { foldFollowUp } from './evolve.js';

/** `POST /api/followups/{id}/close`: where it was promised, its own record, and the case that met it (if any). */
export function closeFollowUp(handler: CommandHandler, load: Loader, followUpId: string, body: CloseFollowUpBody, ctx: CommandContext): Promise<CommandResult> {
  const catalogue: Catalogue = load.catalogue;
  return handler.run(ctx, async (_ids, rec) => {
    const f = catalogue.followUps.get(followUpId);
    const committee = f ? catalogue.cases.get(f.caseId)?.committee : undefined;
    const events = (await load.readEvents(followUpStream(followUpId))) ?? [];
    let metBy: { caseId: string; number: string | null } | undefined;
    for (const caseId of catalogue.followUpNamedBy.get(followUpId) ?? []) {
      const k = (await rec.case(caseId)).snapshot;
      const state = caseState(k);
      if ((state === 'endorsement' || state === 'orientation') && k.context.paper.meetsFollowUps.includes(followUpId)) metBy = { caseId, number: k.context.number };
    }
    return decideCloseFollowUp(
      { followUpId, body, ...(ctx.ifMatch !== undefined ? { ifMatch: ctx.ifMatch } : {}) },
      {
        ...(f && committee ? { promised: { caseId: f.caseId, committee, text: f.text } } : {}),
        record: foldFollowUp(followUpId, events),
        revision: revisionOf(events),
        ...(metBy ? { metBy } : {}),
      },
    );
  });
}

/**
 * Which pure decider a case command goes to: `amend` (./amend.ts), `schedule` with `late: true`
 * onto a known meeting (./late.ts, given the numbering of that meeting's committee and year),
 * every other command (./decide.ts).
 */
import type { CaseCommandName } from '../application/types.js';
import type { LoadedNumbering } from '../core/load.js';
import type { WritePlan } from '../core/plan.js';
import { decideAmend, type AmendBody } from './amend.js';
import { decideCaseCommand, type CaseCommandGiven } from './decide.js';
import { decideLateSchedule } from './late.js';

export function decideCaseCommandRouted<C extends CaseCommandName>(
  when: Parameters<typeof decideCaseCommand<C>>[0],
  given: CaseCommandGiven & { numbering?: LoadedNumbering },
): WritePlan {
  const body = when.body as Record<string, unknown>;
  if (when.command === 'amend') return decideAmend({ ...when, body: body as unknown as AmendBody }, given);
  if (when.command === 'schedule' && body.late === true && given.numbering)
    return decideLateSchedule({ ...when, body: body as { meetingId: string; late: boolean } }, { ...given, numbering: given.numbering });
  return decideCaseCommand(when, given);
}

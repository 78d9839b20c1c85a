/** Numbering commands (admin): where a year's numbering continues, only forward. */
import { numberingStream } from '../events.js';
import type { NumberingBody } from '../application/types.js';
import { DomainRuleViolation } from '../application/errors.js';
import type { LoadedNumbering } from '../core/load.js';
import { checkIfMatch, expectRevision, single, type WritePlan } from '../core/plan.js';
import { continueNumbering, NumberingBackwards } from './numbers.js';

export function decideContinueNumbering(when: { code: string; year: number; body: NumberingBody; ifMatch?: bigint }, numbering: LoadedNumbering): WritePlan {
  const stream = numberingStream(when.code, when.year);
  checkIfMatch(stream, when.ifMatch, numbering.revision);
  let data;
  try {
    data = continueNumbering(numbering.state, when.body);
  } catch (e) {
    if (e instanceof NumberingBackwards) throw new DomainRuleViolation('numbering-backwards', e.message);
    throw e;
  }
  return single(stream, expectRevision(numbering.revision), { type: 'NumberingContinued', data }, {
    id: `${when.code}/${when.year}`,
    state: 'continued',
    revision: numbering.revision + 1n,
    nextMeetingNumber: data.nextMeetingNumber,
    nextCaseNumber: data.nextCaseNumber,
  });
}

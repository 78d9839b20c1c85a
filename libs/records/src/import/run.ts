/**
 * What every step of an import shares: the store, the workflow, all files of the call, the meeting
 * keys recorded elsewhere, the result being filled, the log, one correlation id, and the command
 * context each step gives its commands (the recorded actor as admin, and as the committee's
 * secretariat; the record's time as `at`).
 */
import { randomUUID } from 'node:crypto';
import type { EventStore } from '@saksflyt/event-store';
import type { Actor, CommandContext, MeetingView, Workflow } from '@saksflyt/workflow';
import type { RecordFile } from '../schema.js';
import type { ImportResult } from './model.js';

/** The ids an import gave each recorded meeting (by key) and case (by "CODE NN/YY"). */
export interface ImportIds {
  meetings: Record<string, string>;
  cases: Record<string, string>;
}

export class ImportRun {
  readonly correlationId = randomUUID();

  constructor(
    readonly store: EventStore,
    readonly wf: Workflow,
    readonly all: RecordFile[],
    readonly meetingKeysElsewhere: Set<string>,
    readonly result: ImportResult,
    readonly log: (line: string) => void,
  ) {}

  actor(name: string, committee?: string): Actor {
    return { name, roles: [{ role: 'admin' }, ...(committee ? [{ role: 'secretariat', committee }] : [])] };
  }

  ctx(name: string, committee: string | undefined, at: string | undefined): CommandContext {
    return { actor: this.actor(name, committee), correlationId: this.correlationId, ...(at ? { at } : {}) };
  }

  /** The case of a committee with a number, from the meetings in the store (null when none). */
  async findCase(committee: string, number: string): Promise<{ caseId: string; meeting: MeetingView } | null> {
    await this.wf.catalogue.catchUp();
    for (const m of this.wf.catalogue.meetingsOf(committee)) {
      const view = await this.wf.getMeeting(m.meetingId);
      const item = view.agenda.find((a) => a.number === number);
      if (item) return { caseId: item.caseId, meeting: view };
    }
    return null;
  }
}

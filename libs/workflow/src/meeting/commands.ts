/**
 * The meeting commands that change the committee's calendar (plan, PATCH, cancel): each loads the
 * committee's calendar (every meeting and minutes-approval item, through the command's session)
 * and runs its pure decider (decide.ts, change.ts), which writes the approval chain's changes in
 * the same plan. The `Workflow` facade delegates here.
 */
import type { Catalogue } from '../application/catalogue.js';
import type { CancelMeetingBody, ChangeMeetingBody, CommandContext, CommandResult, PlanMeetingBody } from '../application/types.js';
import type { CommandHandler } from '../core/handler.js';
import type { Loader } from '../core/load.js';
import { assignMeetingNumber } from '../numbering/numbers.js';
import { loadCalendar, type Calendar, type RecordSource } from './calendar.js';
import { decideCancelMeeting, decideChangeMeeting, planInChain } from './change.js';
import { decidePlanMeeting } from './decide.js';

export class CalendarCommands {
  constructor(
    private readonly handler: CommandHandler,
    private readonly catalogue: Catalogue,
    private readonly load: Loader,
  ) {}

  private calendar(rec: RecordSource, code: string): Promise<Calendar> {
    return loadCalendar(
      rec,
      this.catalogue.meetingsOf(code).map((m) => m.meetingId),
    );
  }

  plan(code: string, body: PlanMeetingBody, ctx: CommandContext): Promise<CommandResult> {
    return this.handler.run(ctx, async (ids, rec) => {
      await this.load.requireCommittee(code);
      const committeeName = this.catalogue.committees.get(code)!.name;
      const numbering = await rec.numbering(code, Number(body.date.slice(0, 4)));
      const calendar = await this.calendar(rec, code);
      const meetingId = ids('meeting');
      const { number } = assignMeetingNumber(numbering.state, meetingId);
      const inChain = planInChain({ calendar, committee: code, committeeName, meetingId, number, date: body.date, ...(body.startTime ? { startTime: body.startTime } : {}) }, ids);
      return decidePlanMeeting({ code, body, ids }, { committeeName, numbering, ...inChain });
    });
  }

  change(meetingId: string, body: ChangeMeetingBody, ctx: CommandContext): Promise<CommandResult> {
    return this.handler.run(ctx, async (ids, rec) => {
      const m = await rec.meeting(meetingId);
      const code = m.snapshot.context.committee;
      const calendar = await this.calendar(rec, code);
      return decideChangeMeeting({ meetingId, body, ifMatch: ctx.ifMatch, actor: ctx.actor, ids }, { calendar, committee: code, committeeName: this.catalogue.committees.get(code)!.name });
    });
  }

  cancel(meetingId: string, body: CancelMeetingBody, ctx: CommandContext): Promise<CommandResult> {
    return this.handler.run(ctx, async (ids, rec) => {
      const m = await rec.meeting(meetingId);
      const code = m.snapshot.context.committee;
      const calendar = await this.calendar(rec, code);
      const agendaCases: Calendar['cases'] = new Map();
      for (const a of m.snapshot.context.agenda) agendaCases.set(a.caseId, await rec.case(a.caseId));
      return decideCancelMeeting(
        { meetingId, body, ifMatch: ctx.ifMatch, actor: ctx.actor, ids },
        { calendar, committee: code, committeeName: this.catalogue.committees.get(code)!.name, agendaCases },
      );
    });
  }
}

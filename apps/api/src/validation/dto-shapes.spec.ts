/**
 * The DTOs answer every shape rule of the workflow's bodies (issue 9 point 7), so the workflow's
 * own `Checks` of them can go: each row below is a body that, before, only the workflow refused
 * (or that the DTO must keep refusing), and the fields the 400 must name. Rules that need the
 * records (unknown meeting, member, follow-up or committee; another committee; a member named
 * twice) are not here: they stay in the workflow.
 */
import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { ClassConstructor } from 'class-transformer';
import { AddMemberDto, CreateCommitteeDto, NumberingDto, RecordHistoryDto } from '../committees/committees.dto.js';
import {
  AmendDto,
  CreateCaseDto,
  EditCaseDto,
  EndorseDto,
  NoteDto,
  PresentDto,
  ReasonDto,
  RecordDiscussionDto,
  ReferDto,
  ScheduleDto,
} from '../cases/cases.dto.js';
import { OpenMeetingDto, PlanMeetingDto, ReorderAgendaDto } from '../meetings/meetings.dto.js';
import { ProblemError } from '../problem/problem.js';
import { validateBody } from './validation.js';

async function refusal(dto: ClassConstructor<object>, body: unknown): Promise<{ field: string; message: string }[]> {
  try {
    await validateBody(dto, body);
  } catch (e) {
    expect(e).toBeInstanceOf(ProblemError);
    expect((e as ProblemError).status).toBe(400);
    return (e as ProblemError).errors ?? [];
  }
  throw new Error(`${dto.name} accepted ${JSON.stringify(body)}`);
}

const paper = { committee: 'NEHS', title: 'T', type: 'approval', proposedResolution: '' };
const history = { number: '39/17', title: 'T', wording: 'W' };

/** [dto, body, the fields named] */
const REFUSED: [ClassConstructor<object>, unknown, string[]][] = [
  // createCommittee: code required and patterned, name not blank
  [CreateCommitteeDto, {}, ['code', 'name']],
  [CreateCommitteeDto, { code: 'nehs', name: '  ' }, ['code', 'name']],
  [CreateCommitteeDto, { code: 'NEHS', name: 'N', extra: 1 }, ['extra']],
  // addMember: name, organisation not blank, role one of
  [AddMemberDto, { name: ' ', organisation: '\t', role: 'boss' }, ['name', 'organisation', 'role']],
  [AddMemberDto, { name: 'n', organisation: 'o', role: null }, ['role']],
  // numbering: positive integers
  [NumberingDto, { nextMeetingNumber: 0, nextCaseNumber: 1.5 }, ['nextCaseNumber', 'nextMeetingNumber']],
  [NumberingDto, { nextMeetingNumber: '8', nextCaseNumber: null }, ['nextCaseNumber', 'nextMeetingNumber']],
  // planMeeting: a real date, HH:MM times, a place
  [PlanMeetingDto, { date: '2018-02-30', place: 'Oslo' }, ['date']],
  [PlanMeetingDto, { date: '2019-02-29', place: 'Oslo' }, ['date']],
  [PlanMeetingDto, { date: '2018-12-06', startTime: null, endTime: '24:00', place: ' ' }, ['endTime', 'place', 'startTime']],
  // openMeeting: arrays of strings
  [OpenMeetingDto, { present: null }, ['present']],
  [OpenMeetingDto, { present: ['a', 1], absent: null, guests: 'g' }, ['absent', 'guests', 'present.1']],
  // createCase: checkPaper
  [CreateCaseDto, { ...paper, committee: ' ', title: ' ' }, ['committee', 'title']],
  [CreateCaseDto, { ...paper, type: null, proposedResolution: null }, ['proposedResolution', 'type']],
  [CreateCaseDto, { ...paper, background: null, purpose: 1, caseOfficer: null, responsible: [] }, ['background', 'caseOfficer', 'purpose', 'responsible']],
  [CreateCaseDto, { ...paper, matterId: ' ', projectIds: 'p', meetsFollowUps: [1] }, ['matterId', 'meetsFollowUps.0', 'projectIds']],
  // editCase: unknown fields, at least one change, the paper's types
  [EditCaseDto, {}, ['body']],
  [EditCaseDto, { number: '1/18' }, ['number']],
  [EditCaseDto, { title: null, type: null }, ['title', 'type']],
  [EditCaseDto, { title: ' ', proposedResolution: null, projectIds: null }, ['projectIds', 'proposedResolution', 'title']],
  // case commands: checkCommandBody
  [ScheduleDto, { meetingId: ' ' }, ['meetingId']],
  [ScheduleDto, { meetingId: 'm', late: 'yes' }, ['late']],
  [ScheduleDto, { meetingId: 'm', late: null }, ['late']],
  [ScheduleDto, { meetingId: 'm', urgent: true }, ['urgent']],
  [AmendDto, { reason: 'r' }, ['body']],
  [AmendDto, { resolution: 'x' }, ['reason']],
  [AmendDto, { reason: ' ', resolution: 'x' }, ['reason']],
  [AmendDto, { reason: 'r', resolution: ' ' }, ['resolution']],
  [AmendDto, { reason: 'r', points: 'p' }, ['points']],
  [AmendDto, { reason: 'r', input: [1] }, ['input.0']],
  [ReorderAgendaDto, {}, ['order']],
  [ReorderAgendaDto, { order: 'a' }, ['order']],
  [ReorderAgendaDto, { order: [''] }, ['order.0']],
  [ReasonDto, {}, ['reason']],
  [ReasonDto, { reason: '  ' }, ['reason']],
  [PresentDto, { presenter: '\n' }, ['presenter']],
  [RecordDiscussionDto, { summary: null, points: [1], followUps: null }, ['followUps', 'points.0', 'summary']],
  [EndorseDto, { resolution: ' ', conditions: null }, ['conditions', 'resolution']],
  [NoteDto, { resolution: 'r', input: null }, ['input']],
  [ReferDto, { toCommittee: ' ', type: 'x' }, ['toCommittee', 'type']],
  // recordHistoricalDecision
  [RecordHistoryDto, { ...history, number: '0/17', title: ' ', wording: ' ' }, ['number', 'title', 'wording']],
  [RecordHistoryDto, { ...history, year: 17 }, ['year']],
  [RecordHistoryDto, { ...history, year: null, outcome: null, date: null, minutesApproved: null, source: null }, ['date', 'minutesApproved', 'outcome', 'source', 'year']],
  [RecordHistoryDto, { ...history, date: '2017-02-29', matterId: ' ', note: ' ' }, ['date', 'matterId', 'note']],
  [RecordHistoryDto, { ...history, source: { seeds: null, citedBy: [1], extra: 1 } }, ['source.citedBy.0', 'source.extra', 'source.seeds']],
  [RecordHistoryDto, { ...history, source: { seeds: [{ seed: ' ', lines: [0] }] } }, ['source.seeds.0.lines.0', 'source.seeds.0.seed']],
];

describe('the DTOs refuse every malformed body the workflow used to refuse', () => {
  it.each(REFUSED.map(([dto, body, fields]) => [dto.name, JSON.stringify(body), dto, body, fields] as const))('%s %s', async (_n, _b, dto, body, fields) => {
    const errors = await refusal(dto, body);
    expect(errors.map((e) => e.field).sort()).toEqual(fields);
  });

  it('history: year and date agree with the number, with the workflow messages', async () => {
    expect(await refusal(RecordHistoryDto, { ...history, year: 2018 })).toEqual([{ field: 'year', message: 'must be the year of the number 39/17' }]);
    expect(await refusal(RecordHistoryDto, { ...history, date: '2018-01-05' })).toEqual([{ field: 'date', message: 'must be in 2017, the year of the number' }]);
    expect(await refusal(RecordHistoryDto, { ...history, year: 2017, date: '2016-12-31' })).toEqual([{ field: 'date', message: 'must be in 2017, the year of the number' }]);
  });

  it('accepts what the workflow accepts (empty texts where the paper allows them, omitted optionals)', async () => {
    await expect(validateBody(CreateCaseDto, { ...paper, background: '', purpose: '', caseOfficer: '', responsible: '' })).resolves.toBeInstanceOf(CreateCaseDto);
    await expect(validateBody(EditCaseDto, { proposedResolution: '' })).resolves.toBeInstanceOf(EditCaseDto);
    await expect(validateBody(RecordDiscussionDto, {})).resolves.toBeInstanceOf(RecordDiscussionDto);
    await expect(validateBody(RecordDiscussionDto, { summary: '' })).resolves.toBeInstanceOf(RecordDiscussionDto);
    await expect(validateBody(EndorseDto, { resolution: 'r', conditions: '' })).resolves.toBeInstanceOf(EndorseDto);
    await expect(validateBody(OpenMeetingDto, { present: [] })).resolves.toBeInstanceOf(OpenMeetingDto);
    await expect(validateBody(PlanMeetingDto, { date: '2020-02-29', place: 'Oslo' })).resolves.toBeInstanceOf(PlanMeetingDto);
    await expect(validateBody(RecordHistoryDto, { ...history, year: 2017, date: '2017-12-07', minutesApproved: false })).resolves.toBeInstanceOf(RecordHistoryDto);
    await expect(validateBody(RecordHistoryDto, { number: '29/18', title: 'T', wording: 'W', date: '2018-03-01' })).resolves.toBeInstanceOf(RecordHistoryDto);
  });
});

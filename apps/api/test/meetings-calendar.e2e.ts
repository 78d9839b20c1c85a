/**
 * Meetings that move, are cancelled, are extraordinary or span two days, and the approval chain by
 * date (API.md "Extensions: the committee's real year"), over a real HTTP server: kind, endDate and
 * format; PATCH (a changed notice after notice); cancel (numbers never given again); the year that
 * broke (June extraordinary planned last approves April, September approves June); a postponed
 * approval item keeps its target; `note` on it is 409; `endorse` with corrections. Every refusal:
 * its code, `detail`, `allowedCommands`, and nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from './harness.js';
import { ADMIN, SEC, SEC_NUIT, fields, ok, refused, startWorkflowServer } from './workflow-helpers.js';

interface AgendaRow {
  caseId: string;
  number: string | null;
  title: string;
  state: string;
  standardItem?: string;
  approvesMinutesOf?: string;
}

describe('meetings that move, are cancelled, are extraordinary; the approval chain by date (HTTP)', () => {
  let s: Server;
  const plan = async (date: string, extra: Record<string, unknown> = {}, code = 'NEHS') =>
    (await ok(s, 'POST', `/api/committees/${code}/meetings`, { token: code === 'NUIT' ? SEC_NUIT : SEC, json: { date, place: 'Oslo', ...extra } }, 201)).json;
  const meeting = async (id: string, token = SEC) => (await ok(s, 'GET', `/api/meetings/${id}`, { token })).json;
  const approvalItem = async (id: string) => ((await meeting(id)).agenda as AgendaRow[]).find((a) => a.standardItem === 'minutes-approval' && a.state !== 'withdrawn');
  const newCase = async (title: string, code = 'NEHS') =>
    (await ok(s, 'POST', '/api/cases', { token: SEC, json: { committee: code, title, type: 'orientation', proposedResolution: 'Til orientering.' } }, 201)).json.id as string;
  const cmd = (caseId: string, command: string, json: Record<string, unknown>) => ok(s, 'POST', `/api/cases/${caseId}/${command}`, { token: SEC, json });
  /** Notice, open and deal with every case; the approval item as `approval` says. */
  const hold = async (id: string, approval: 'endorse' | 'postpone' | { corrections: string } = 'endorse') => {
    if ((await meeting(id)).state === 'planned') await ok(s, 'POST', `/api/meetings/${id}/notice`, { token: SEC });
    await ok(s, 'POST', `/api/meetings/${id}/open`, { token: SEC, json: { present: [] } });
    for (const a of (await meeting(id)).agenda as AgendaRow[]) {
      if (a.state !== 'scheduled') continue;
      await cmd(a.caseId, 'present', { presenter: 'Leder' });
      if (a.standardItem !== 'minutes-approval') await cmd(a.caseId, 'note', { resolution: 'Tatt til orientering.' });
      else if (approval === 'postpone') await cmd(a.caseId, 'postpone', { reason: 'Referatet er ikke ferdig' });
      else await cmd(a.caseId, 'endorse', { resolution: 'Referatet godkjennes.', ...(approval === 'endorse' ? {} : approval) });
    }
    await ok(s, 'POST', `/api/meetings/${id}/adjourn`, { token: SEC });
  };

  beforeAll(async () => {
    s = await startWorkflowServer();
    for (const [code, name] of [
      ['NEHS', 'Nasjonalt e-helsestyre'],
      ['NUIT', 'Nasjonalt utvalg for IT-prioritering'],
    ])
      await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code, name } }, 201);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('plan takes kind, endDate and format; the views, the list and the annual cycle show them; the dates and times are checked', async () => {
    const m = await plan('2020-10-28', { endDate: '2020-10-29', format: 'webinar', kind: 'extraordinary', startTime: '09:00', endTime: '12:00' }, 'NUIT');
    const v = await meeting(m.id, SEC_NUIT);
    expect(v).toMatchObject({ kind: 'extraordinary', endDate: '2020-10-29', format: 'webinar', state: 'planned' });
    const plain = await plan('2020-11-20', {}, 'NUIT');
    expect(await meeting(plain.id, SEC_NUIT)).toMatchObject({ kind: 'ordinary', format: 'physical' });
    expect((await meeting(plain.id, SEC_NUIT)).endDate).toBeUndefined();
    const list = (await ok(s, 'GET', '/api/committees/NUIT/meetings', { token: SEC_NUIT })).json;
    expect(list[0]).toMatchObject({ kind: 'extraordinary', endDate: '2020-10-29', format: 'webinar' });
    const cycle = (await ok(s, 'GET', `/api/committees/NUIT/annual-cycle?year=2020&minPosition=${m.position}`, {})).json;
    expect(cycle[0]).toMatchObject({ kind: 'extraordinary', endDate: '2020-10-29', format: 'webinar', cancelledReason: null });

    // 400: endDate before date, endTime before startTime on one day, unknown kind/format; nothing written
    let p = await refused(s, 400, 'POST', '/api/committees/NUIT/meetings', { token: SEC_NUIT, json: { date: '2020-12-02', endDate: '2020-12-01', place: 'Oslo' } });
    expect(fields(p)).toEqual(['endDate']);
    expect(p.detail).toContain('endDate');
    p = await refused(s, 400, 'POST', '/api/committees/NUIT/meetings', { token: SEC_NUIT, json: { date: '2020-12-02', startTime: '15:00', endTime: '10:00', place: 'Oslo' } });
    expect(fields(p)).toEqual(['endTime']);
    p = await refused(s, 400, 'POST', '/api/committees/NUIT/meetings', { token: SEC_NUIT, json: { date: '2020-12-02', place: 'Oslo', kind: 'secret', format: 'telepathy' } });
    expect(fields(p).sort()).toEqual(['format', 'kind']);
    // over two days the end time may be before the start time
    await plan('2020-12-02', { endDate: '2020-12-03', startTime: '15:00', endTime: '10:00' }, 'NUIT');
    // the OpenAPI document names the new fields
    const doc = (await ok(s, 'GET', '/api/docs-json', {})).json;
    const schemas = doc.components.schemas;
    expect(Object.keys(schemas.PlanMeetingDto.properties)).toEqual(expect.arrayContaining(['kind', 'endDate', 'format']));
    expect(Object.keys(schemas.ChangeMeetingDto.properties)).toEqual(expect.arrayContaining(['date', 'endDate', 'startTime', 'endTime', 'place', 'format']));
    expect(Object.keys(schemas.CancelMeetingDto.properties)).toEqual(['reason']);
    expect(Object.keys(schemas.EndorseDto.properties)).toContain('corrections');
    expect(Object.keys(schemas.MeetingDoc.properties)).toEqual(expect.arrayContaining(['kind', 'endDate', 'format', 'cancelledReason', 'changes', 'minutesCorrections']));
    expect(doc.paths['/api/meetings/{id}'].patch).toBeDefined();
    expect(doc.paths['/api/meetings/{id}/cancel'].post).toBeDefined();
  });

  it('the year that broke: June extraordinary planned last approves April, September approves June; PATCH and cancel re-target; postponed item keeps its target; note 409; corrections', async () => {
    const feb = await plan('2027-02-11');
    const apr = await plan('2027-04-15');
    const sep = await plan('2027-09-16');
    const dec = await plan('2027-12-09');
    const jun = await plan('2027-06-10', { kind: 'extraordinary' });
    expect(jun.number).toBe('5/2027');
    expect(await approvalItem(feb.id)).toBeUndefined(); // no earlier meeting
    const junItem = (await approvalItem(jun.id))!;
    expect(junItem).toMatchObject({ title: 'Godkjenning av referat fra møtet 15.04.2027', approvesMinutesOf: apr.id });
    expect((await approvalItem(sep.id))!).toMatchObject({ title: 'Godkjenning av referat fra møtet 10.06.2027', approvesMinutesOf: jun.id });
    expect((await approvalItem(dec.id))!).toMatchObject({ approvesMinutesOf: sep.id });
    expect((await meeting(sep.id)).previousMeetingId).toBe(jun.id);
    const junCase = (await ok(s, 'GET', `/api/cases/${junItem.caseId}`, { token: SEC })).json;
    expect(junCase.approvesMinutesOf).toBe(apr.id);

    // PATCH a planned meeting: September moves to October; December's item names the new date
    const moved = await ok(s, 'PATCH', `/api/meetings/${sep.id}`, { token: SEC, json: { date: '2027-10-14', startTime: '10:00', endTime: '15:00', place: 'Gardermoen' }, headers: { 'if-match': '"' + (await meeting(sep.id)).revision + '"' } });
    expect(moved.json).toMatchObject({ id: sep.id, state: 'planned' });
    expect(moved.headers.get('etag')).toBe(`"${moved.json.revision}"`);
    expect((await approvalItem(dec.id))!.title).toBe('Godkjenning av referat fra møtet 14.10.2027');
    expect(await meeting(sep.id)).toMatchObject({ date: '2027-10-14', place: 'Gardermoen', startTime: '10:00' });
    // moving a planned meeting before June re-targets three items in one write
    await ok(s, 'PATCH', `/api/meetings/${sep.id}`, { token: SEC, json: { date: '2027-05-20' } });
    expect((await approvalItem(sep.id))!.approvesMinutesOf).toBe(apr.id);
    expect((await approvalItem(jun.id))!.approvesMinutesOf).toBe(sep.id);
    expect((await approvalItem(dec.id))!.approvesMinutesOf).toBe(jun.id);
    await ok(s, 'PATCH', `/api/meetings/${sep.id}`, { token: SEC, json: { date: '2027-09-16' } });
    expect((await approvalItem(jun.id))!.approvesMinutesOf).toBe(apr.id);
    expect((await approvalItem(sep.id))!.approvesMinutesOf).toBe(jun.id);

    // PATCH refusals: 400 (end before start, another year, nothing named), 412 stale If-Match
    let p = await refused(s, 400, 'PATCH', `/api/meetings/${sep.id}`, { token: SEC, json: { endTime: '09:00' } });
    expect(fields(p)).toEqual(['endTime']);
    p = await refused(s, 400, 'PATCH', `/api/meetings/${sep.id}`, { token: SEC, json: { date: '2028-01-05' } });
    expect(p.errors[0]).toMatchObject({ field: 'date', message: expect.stringContaining('2027') });
    p = await refused(s, 400, 'PATCH', `/api/meetings/${sep.id}`, { token: SEC, json: {} });
    expect(fields(p)).toEqual(['body']);
    await refused(s, 412, 'PATCH', `/api/meetings/${sep.id}`, { token: SEC, json: { place: 'Bergen' }, headers: { 'if-match': '"0"' } });

    // a planned case on a meeting that is cancelled goes back to draft; standard items are withdrawn
    const extra = await plan('2027-11-04');
    const c = await newCase('Sak som må flyttes');
    await cmd(c, 'schedule', { meetingId: extra.id });
    expect((await approvalItem(dec.id))!.approvesMinutesOf).toBe(extra.id);
    const cancelled = await ok(s, 'POST', `/api/meetings/${extra.id}/cancel`, { token: SEC, json: { reason: 'For få saker' } });
    expect(cancelled.json).toMatchObject({ id: extra.id, state: 'cancelled', number: '6/2027' });
    const cv = await meeting(extra.id);
    expect(cv).toMatchObject({ state: 'cancelled', cancelledReason: 'For få saker', allowedCommands: [] });
    expect(cv.agenda).toEqual([]);
    expect((await ok(s, 'GET', `/api/cases/${c}`, { token: SEC })).json).toMatchObject({ state: 'draft', meetingId: null });
    expect((await approvalItem(dec.id))!.approvesMinutesOf).toBe(sep.id); // re-targeted past the cancelled one
    // cancel and PATCH on a cancelled meeting: 409 with nothing allowed
    p = await refused(s, 409, 'POST', `/api/meetings/${extra.id}/cancel`, { token: SEC, json: { reason: 'igjen' } });
    expect(p).toMatchObject({ detail: expect.stringContaining('cancelled'), allowedCommands: [] });
    p = await refused(s, 409, 'PATCH', `/api/meetings/${extra.id}`, { token: SEC, json: { place: 'Bergen' } });
    expect(p).toMatchObject({ detail: expect.stringContaining('cancelled'), allowedCommands: [] });
    await refused(s, 400, 'POST', `/api/meetings/${sep.id}/cancel`, { token: SEC, json: {} });
    // the cancelled meeting keeps its number; the next one gets a new number
    const after = await plan('2027-11-25');
    expect(after.number).toBe('7/2027');
    await ok(s, 'POST', `/api/meetings/${after.id}/cancel`, { token: SEC, json: { reason: 'Ikke behov' } });

    // hold February and April; April's item approves February with corrections
    await hold(feb.id);
    await ok(s, 'POST', `/api/meetings/${apr.id}/notice`, { token: SEC });
    // a change after notice is a changed notice
    await ok(s, 'PATCH', `/api/meetings/${apr.id}`, { token: SEC, json: { place: 'Teams', format: 'webinar' } });
    const notice = (await ok(s, 'GET', `/api/meetings/${apr.id}/notice?minPosition=${(await meeting(apr.id)).position}`, { token: SEC })).json;
    expect(notice).toMatchObject({ changedNotice: true, format: 'webinar', place: 'Teams' });
    expect(notice.changes).toEqual([
      { field: 'place', from: 'Oslo', to: 'Teams' },
      { field: 'format', from: 'physical', to: 'webinar' },
    ]);
    const md = (await ok(s, 'GET', `/api/meetings/${apr.id}/notice`, { token: SEC, headers: { accept: 'text/markdown' } })).text;
    expect(md).toContain('Endret innkalling');
    expect(md).toContain('Sted: Oslo → Teams');
    const html = (await ok(s, 'GET', `/api/meetings/${apr.id}/notice`, { token: SEC, headers: { accept: 'text/html' } })).text;
    expect(html).toContain('Endret innkalling');
    expect((await meeting(apr.id)).changes.at(-1)).toMatchObject({ afterNotice: true, changes: { place: 'Teams', format: 'webinar' } });
    // a noticed meeting cannot move past its neighbours: its frozen item approves February
    p = await refused(s, 409, 'PATCH', `/api/meetings/${apr.id}`, { token: SEC, json: { date: '2027-01-20' } });
    expect(p.detail).toContain('frozen');
    expect(p.allowedCommands).toEqual(['open', 'cancel']);
    // planning a meeting between February (held) and April (noticed) would leave minutes unapproved
    p = await refused(s, 409, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date: '2027-03-04', place: 'Oslo' } });
    expect(p.detail).toMatch(/^cannot plan a meeting on 2027-03-04: meeting 2\/2027/);

    await ok(s, 'POST', `/api/meetings/${apr.id}/open`, { token: SEC, json: { present: [] } });
    const aprItem = (await approvalItem(apr.id))!;
    await cmd(aprItem.caseId, 'present', { presenter: 'Leder' });
    // note on the approval of minutes: 409, minutes are approved, not noted
    p = await refused(s, 409, 'POST', `/api/cases/${aprItem.caseId}/note`, { token: SEC, json: { resolution: 'Tatt til orientering.' } });
    expect(p.detail).toContain('minutes are approved, not noted');
    expect(p.allowedCommands).toEqual(['record-discussion', 'endorse', 'postpone']);
    // corrections only on the approval of minutes
    const other = (await meeting(apr.id)).agenda.find((a: AgendaRow) => a.standardItem === 'notice-approval');
    await cmd(other.caseId, 'present', { presenter: 'Leder' });
    p = await refused(s, 400, 'POST', `/api/cases/${other.caseId}/endorse`, { token: SEC, json: { resolution: 'Godkjent.', corrections: 'x' } });
    expect(fields(p)).toEqual(['corrections']);
    await cmd(other.caseId, 'endorse', { resolution: 'Godkjent.' });
    await cmd(aprItem.caseId, 'endorse', { resolution: 'Referatet godkjennes med merknader.', corrections: 'Punkt 3 skal lyde: «Styret tok saken til orientering.»' });
    const febMinutes = (await ok(s, 'GET', `/api/meetings/${feb.id}/minutes?minPosition=${(await meeting(feb.id)).position}`, { token: SEC })).json;
    expect(febMinutes).toMatchObject({ status: 'approved', approvedWithCorrections: 'Punkt 3 skal lyde: «Styret tok saken til orientering.»' });
    expect((await meeting(feb.id)).minutesCorrections).toContain('Punkt 3');
    expect((await ok(s, 'GET', `/api/meetings/${feb.id}/minutes`, { token: SEC, headers: { accept: 'text/markdown' } })).text).toContain('Godkjent med merknader');
    const aprMinutes = (await ok(s, 'GET', `/api/meetings/${apr.id}/minutes`, { token: SEC })).json;
    expect(aprMinutes.cases.find((x: { standardItem: string }) => x.standardItem === 'minutes-approval').corrections).toContain('Punkt 3');
    expect((await ok(s, 'GET', `/api/meetings/${apr.id}/minutes`, { token: SEC, headers: { accept: 'text/markdown' } })).text).toContain('Merknader');
    for (const a of (await meeting(apr.id)).agenda as AgendaRow[])
      if (a.state === 'scheduled') {
        await cmd(a.caseId, 'present', { presenter: 'Leder' });
        await cmd(a.caseId, 'note', { resolution: 'Tatt til orientering.' });
      }
    await ok(s, 'POST', `/api/meetings/${apr.id}/adjourn`, { token: SEC });

    // June: its item (approving April) is postponed; scheduled on September it still approves April
    await hold(jun.id, 'postpone');
    const postponed = (await ok(s, 'GET', `/api/cases/${junItem.caseId}`, { token: SEC })).json;
    expect(postponed).toMatchObject({ state: 'draft', approvesMinutesOf: apr.id, title: 'Godkjenning av referat fra møtet 15.04.2027' });
    // not on a meeting that is not after April
    p = await refused(s, 409, 'POST', `/api/cases/${junItem.caseId}/schedule`, { token: SEC, json: { meetingId: feb.id } });
    expect(p.detail).toBeDefined();
    await cmd(junItem.caseId, 'schedule', { meetingId: sep.id });
    expect((await ok(s, 'GET', `/api/cases/${junItem.caseId}`, { token: SEC })).json.approvesMinutesOf).toBe(apr.id);
    expect((await approvalItem(sep.id))!.approvesMinutesOf).toBe(jun.id); // September's own item still approves June
    await hold(sep.id);
    expect((await meeting(apr.id)).minutes).toBe('approved');
    expect((await meeting(jun.id)).minutes).toBe('approved');
    expect((await meeting(apr.id)).minutesApprovedBy).toMatchObject({ byCaseId: junItem.caseId, byMeetingId: sep.id });

    // endorse on an item whose target is not held: 409 naming it
    const jan = await plan('2028-01-13');
    expect((await approvalItem(jan.id))!.approvesMinutesOf).toBe(dec.id);
    await ok(s, 'POST', `/api/meetings/${jan.id}/notice`, { token: SEC });
    await ok(s, 'POST', `/api/meetings/${jan.id}/open`, { token: SEC, json: { present: [] } });
    const janItem = (await approvalItem(jan.id))!;
    await cmd(janItem.caseId, 'present', { presenter: 'Leder' });
    p = await refused(s, 409, 'POST', `/api/cases/${janItem.caseId}/endorse`, { token: SEC, json: { resolution: 'Godkjent.' } });
    expect(p.detail).toContain('4/2027'); // December's number
    expect(p.allowedCommands).toEqual(['record-discussion', 'postpone']);
  });

  it('cancelling a noticed meeting: its cases lose their numbers (never given again) and go back to draft; a frozen successor blocks it', async () => {
    const a = await plan('2029-03-01');
    const b = await plan('2029-04-01');
    expect((await approvalItem(b.id))!.approvesMinutesOf).toBe(a.id);
    const k = await newCase('Sak på avlyst møte');
    await cmd(k, 'schedule', { meetingId: a.id });
    await ok(s, 'POST', `/api/meetings/${a.id}/notice`, { token: SEC });
    const lost = (await ok(s, 'GET', `/api/cases/${k}`, { token: SEC })).json.number as string;
    expect(lost).toMatch(/\/29$/);
    await ok(s, 'POST', `/api/meetings/${b.id}/notice`, { token: SEC });
    // b is noticed: its frozen item approves a, so a cannot be cancelled
    let p = await refused(s, 409, 'POST', `/api/meetings/${a.id}/cancel`, { token: SEC, json: { reason: 'Styreleder er syk' } });
    expect(p.detail).toMatch(/^cannot cancel meeting 1\/2029: meeting 2\/2029 \(2029-04-01\) is noticed and its agenda is frozen/);
    expect(p.allowedCommands).toEqual(['open', 'edit']);
    await refused(s, 412, 'POST', `/api/meetings/${b.id}/cancel`, { token: SEC, json: { reason: 'x' }, headers: { 'if-match': '"0"' } });
    await ok(s, 'POST', `/api/meetings/${b.id}/cancel`, { token: SEC, json: { reason: 'Ikke behov' } });
    const r = await ok(s, 'POST', `/api/meetings/${a.id}/cancel`, { token: SEC, json: { reason: 'Styreleder er syk' }, headers: { 'idempotency-key': 'cancel-a' } });
    expect(r.json.state).toBe('cancelled');
    // the same key and body again: the first answer, nothing written
    const again = await ok(s, 'POST', `/api/meetings/${a.id}/cancel`, { token: SEC, json: { reason: 'Styreleder er syk' }, headers: { 'idempotency-key': 'cancel-a' } });
    expect(again.json).toEqual(r.json);
    const kc = (await ok(s, 'GET', `/api/cases/${k}`, { token: SEC })).json;
    expect(kc).toMatchObject({ state: 'draft', number: null, meetingId: null });
    const items = (await ok(s, 'GET', `/api/meetings/${a.id}/history`, { token: SEC })).json.map((e: { type: string }) => e.type);
    expect(items).toContain('MeetingCancelled');
    // the next meeting numbers the case anew: the lost number is never given again
    const c = await plan('2029-05-02');
    expect(c.number).toBe('3/2029');
    await cmd(k, 'schedule', { meetingId: c.id });
    await ok(s, 'POST', `/api/meetings/${c.id}/notice`, { token: SEC });
    const renumbered = (await ok(s, 'GET', `/api/cases/${k}`, { token: SEC })).json.number as string;
    expect(Number(renumbered.split('/')[0])).toBeGreaterThan(Number(lost.split('/')[0]));
    // c approves the minutes of January 2028 (a and b are cancelled)
    const cm = await meeting(c.id);
    expect(cm.previousMeetingId).toBeDefined();
    expect((await meeting(cm.previousMeetingId)).date).toBe('2028-01-13');
  });
});

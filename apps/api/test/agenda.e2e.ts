/**
 * The agenda before and after notice, and corrections before the minutes are approved, over
 * HTTP on a real server (API.md "Extensions: the committee's real year"): PUT agenda before
 * notice (400 naming what is missing, unknown or named twice; 412; 409 after notice); late cases
 * (tilleggssak) numbered at once and marked in the notice and the minutes, decided as usual in
 * session; amend while the minutes are a draft (history keeps both texts, the minutes and the
 * register show the amended ones), 409 after approval. Every refusal: code, detail,
 * allowedCommands, nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from './harness.js';
import { ADMIN, MEMBER, SEC, fields, head, ok, refused, startWorkflowServer } from './workflow-helpers.js';

describe('the agenda before and after notice; amend before approval (HTTP)', () => {
  let s: Server;
  const newCase = async (title: string, type = 'endorsement') =>
    (await ok(s, 'POST', '/api/cases', { token: SEC, json: { committee: 'NEHS', title, type, proposedResolution: `Forslag: ${title}.` } }, 201)).json.id as string;
  const plan = async (date: string) => (await ok(s, 'POST', '/api/committees/NEHS/meetings', { token: SEC, json: { date, place: 'Oslo' } }, 201)).json;
  const meeting = async (id: string) => (await ok(s, 'GET', `/api/meetings/${id}`, { token: SEC })).json;
  const kase = async (id: string) => (await ok(s, 'GET', `/api/cases/${id}`, { token: SEC })).json;
  const cmd = (id: string, command: string, json: unknown, headers: Record<string, string> = {}) => ok(s, 'POST', `/api/cases/${id}/${command}`, { token: SEC, json, headers });
  const decide = async (id: string, how: 'endorse' | 'note', json: Record<string, unknown>) => {
    await cmd(id, 'present', { presenter: 'Saksbehandler' });
    return cmd(id, how, json);
  };

  let m1: { id: string; number: string };
  let a: string, b: string, c: string;
  let lateCase: string, lateInSession: string;

  beforeAll(async () => {
    s = await startWorkflowServer();
    await ok(s, 'POST', '/api/committees', { token: ADMIN, json: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' } }, 201);
    m1 = await plan('2018-03-01');
    [a, b, c] = [await newCase('A'), await newCase('B', 'orientation'), await newCase('C')];
    for (const id of [a, b, c]) await cmd(id, 'schedule', { meetingId: m1.id });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('PUT agenda before notice: the substantive cases in the order given, the standard items in their places; 200 with the meeting', async () => {
    const before = await meeting(m1.id);
    expect(before.allowedCommands).toEqual(['notice', 'reorder-agenda', 'edit', 'cancel']);
    const r = await ok(s, 'PUT', `/api/meetings/${m1.id}/agenda`, { token: SEC, json: { order: [c, a, b] }, headers: { 'if-match': `"${before.revision}"`, 'idempotency-key': 'reorder-1' } });
    expect(r.json).toMatchObject({ id: m1.id, state: 'planned', revision: before.revision + 1, position: expect.any(Number) });
    expect(r.headers.get('etag')).toBe(`"${before.revision + 1}"`);
    expect(r.json.agenda.map((x: { title: string }) => x.title)).toEqual(['Godkjenning av innkalling og dagsorden', 'C', 'A', 'B', 'Eventuelt']);
    expect(r.json.position).toBe(await head(s));
    // the same key and body again: the first answer, nothing written
    const at = await head(s);
    const again = await ok(s, 'PUT', `/api/meetings/${m1.id}/agenda`, { token: SEC, json: { order: [c, a, b] }, headers: { 'if-match': `"${before.revision}"`, 'idempotency-key': 'reorder-1' } });
    expect(again.json).toEqual(r.json);
    expect(await head(s)).toBe(at);
    // the history keeps the order
    const history = (await ok(s, 'GET', `/api/meetings/${m1.id}/history`, { token: SEC })).json as { type: string; data: unknown }[];
    expect(history.at(-1)).toMatchObject({ type: 'AgendaReordered', data: { v: 1, order: [c, a, b] } });
  });

  it('PUT agenda: 400 naming what is missing, unknown or named twice; 400 for a bad body; 412 stale; 403 for a member; nothing written', async () => {
    const p = await refused(s, 400, 'PUT', `/api/meetings/${m1.id}/agenda`, { token: SEC, json: { order: [a, a, 'nope'] } });
    expect(fields(p)).toEqual(['order.1', 'order.2', 'order', 'order']);
    expect(p.detail).toContain(`order[1]: case ${a} is named twice`);
    expect(p.detail).toContain('order[2]: case nope is not on the agenda of meeting 1/2018');
    expect(p.detail).toContain(`missing case ${b}`);
    expect(p.detail).toContain(`missing case ${c}`);
    const standard = (await meeting(m1.id)).agenda[0].caseId as string;
    const p2 = await refused(s, 400, 'PUT', `/api/meetings/${m1.id}/agenda`, { token: SEC, json: { order: [standard, c, a, b] } });
    expect(p2.errors).toEqual([{ field: 'order.0', message: `case ${standard} is a standard item (notice-approval): it keeps its place` }]);
    expect(fields(await refused(s, 400, 'PUT', `/api/meetings/${m1.id}/agenda`, { token: SEC, json: {} }))).toEqual(['order']);
    expect(fields(await refused(s, 400, 'PUT', `/api/meetings/${m1.id}/agenda`, { token: SEC, json: { order: [a, b, c], extra: 1 } }))).toContain('extra');
    const stale = await refused(s, 412, 'PUT', `/api/meetings/${m1.id}/agenda`, { token: SEC, json: { order: [a, b, c] }, headers: { 'if-match': '"0"' } });
    expect(stale.detail).toContain('not 0');
    await refused(s, 403, 'PUT', `/api/meetings/${m1.id}/agenda`, { token: MEMBER, json: { order: [a, b, c] } });
    await refused(s, 404, 'PUT', '/api/meetings/nope/agenda', { token: SEC, json: { order: [] } });
  });

  it('after notice: PUT agenda is 409 with allowedCommands; scheduling without late: true is 409 as before', async () => {
    await ok(s, 'POST', `/api/meetings/${m1.id}/notice`, { token: SEC });
    expect((await meeting(m1.id)).agenda.map((x: { title: string; number: string }) => [x.title, x.number])).toEqual([
      ['Godkjenning av innkalling og dagsorden', '1/18'],
      ['C', '2/18'],
      ['A', '3/18'],
      ['B', '4/18'],
      ['Eventuelt', '5/18'],
    ]);
    const p = await refused(s, 409, 'PUT', `/api/meetings/${m1.id}/agenda`, { token: SEC, json: { order: [a, b, c] } });
    expect(p.detail).toBe('cannot reorder the agenda of meeting 1/2018: it is noticed and its agenda is frozen (a late case can still be scheduled with late: true)');
    expect(p.allowedCommands).toEqual(['open', 'edit', 'cancel']);
    expect((await meeting(m1.id)).allowedCommands).toEqual(['open', 'edit', 'cancel']);

    lateCase = await newCase('Tilleggssak om kjernejournal');
    const frozen = await refused(s, 409, 'POST', `/api/cases/${lateCase}/schedule`, { token: SEC, json: { meetingId: m1.id } });
    expect(frozen.detail).toContain('its agenda is frozen');
    expect(frozen.allowedCommands).toEqual(['withdraw', 'edit', 'written-procedure']);
  });

  it('a late case (tilleggssak): the next free number at once, last before Eventuelt, late: true; the notice marks it', async () => {
    const r = await cmd(lateCase, 'schedule', { meetingId: m1.id, late: true });
    expect(r.json).toMatchObject({ id: lateCase, state: 'scheduled', revision: 2, number: '6/18', late: true });
    const agenda = (await meeting(m1.id)).agenda;
    expect(agenda.map((x: { title: string; number: string; late?: boolean }) => [x.title, x.number, x.late ?? false])).toEqual([
      ['Godkjenning av innkalling og dagsorden', '1/18', false],
      ['C', '2/18', false],
      ['A', '3/18', false],
      ['B', '4/18', false],
      ['Tilleggssak om kjernejournal', '6/18', true],
      ['Eventuelt', '5/18', false],
    ]);
    expect(await kase(lateCase)).toMatchObject({ number: '6/18', state: 'scheduled', public: true });
    const numbering = (await ok(s, 'GET', '/api/committees/NEHS/numbering/2018', { token: SEC })).json;
    expect(numbering.nextCaseNumber).toBe(7);
    // the notice (view and documents) marks it
    const notice = (await ok(s, 'GET', `/api/meetings/${m1.id}/notice?minPosition=${r.json.position}`, {})).json;
    expect(notice.cases.filter((x: { late?: boolean }) => x.late).map((x: { number: string }) => x.number)).toEqual(['6/18']);
    const md = (await ok(s, 'GET', `/api/meetings/${m1.id}/notice?minPosition=${r.json.position}`, { headers: { accept: 'text/markdown' } })).text;
    expect(md).toContain('Tilleggssak: Tilleggssak om kjernejournal');
    const html = (await ok(s, 'GET', `/api/meetings/${m1.id}/notice?minPosition=${r.json.position}`, { headers: { accept: 'text/html' } })).text;
    expect(html).toContain('Tilleggssak: Tilleggssak om kjernejournal');
    // once more: it is scheduled now
    const again = await refused(s, 409, 'POST', `/api/cases/${lateCase}/schedule`, { token: SEC, json: { meetingId: m1.id, late: true } });
    expect(again.detail).toContain('it is scheduled');
    expect(again.allowedCommands).toEqual(['postpone', 'withdraw']);
  });

  it('late: true on a planned meeting is 409; a bad late is 400; nothing written', async () => {
    const m2 = await plan('2018-04-01');
    const x = await newCase('X');
    const p = await refused(s, 409, 'POST', `/api/cases/${x}/schedule`, { token: SEC, json: { meetingId: m2.id, late: true } });
    expect(p.detail).toContain('as a late case (tilleggssak) on meeting 2/2018: the meeting is planned; its agenda is open: schedule it without late: true');
    expect(p.allowedCommands).toEqual(['withdraw', 'edit', 'written-procedure']);
    expect(fields(await refused(s, 400, 'POST', `/api/cases/${x}/schedule`, { token: SEC, json: { meetingId: m2.id, late: 'yes' } }))).toEqual(['late']);
    // late: false is an ordinary scheduling
    await cmd(x, 'schedule', { meetingId: m2.id, late: false });
    expect((await meeting(m2.id)).agenda.some((r: { caseId: string; late?: boolean }) => r.caseId === x && !r.late)).toBe(true);
  });

  it('in session: a late case is presented and decided as usual; the decisions are amended while the minutes are a draft', async () => {
    await ok(s, 'POST', `/api/meetings/${m1.id}/open`, { token: SEC, json: { present: [] } });
    lateInSession = await newCase('Sak meldt i møtet', 'orientation');
    const r = await cmd(lateInSession, 'schedule', { meetingId: m1.id, late: true });
    expect(r.json.number).toBe('7/18');
    expect((await meeting(m1.id)).agenda.map((x: { number: string }) => x.number)).toEqual(['1/18', '2/18', '3/18', '4/18', '6/18', '7/18', '5/18']);
    await decide(lateInSession, 'note', { resolution: 'Tatt til orientering.', input: ['Første innspill'] });
    for (const item of (await meeting(m1.id)).agenda as { caseId: string; title: string; state: string }[]) {
      if (item.state !== 'scheduled') continue;
      if (item.caseId === a) {
        await cmd(a, 'present', { presenter: 'Karl Vestli' });
        await cmd(a, 'record-discussion', { summary: 'Styret drøftet saken.', points: ['Punkt 1'] });
        await cmd(a, 'endorse', { resolution: 'Styret gir tilslutning.', conditions: 'Forutsatt finansiering.' });
      } else await decide(item.caseId, 'note', { resolution: 'Tatt til orientering.' });
    }
    const before = await kase(a);
    expect(before.allowedCommands).toEqual(['refer', 'amend']);

    // 400: nothing to amend; conditions on a noted case; nothing written
    const nothing = await refused(s, 400, 'POST', `/api/cases/${a}/amend`, { token: SEC, json: { reason: 'Skrivefeil' } });
    expect(nothing.errors).toEqual([{ field: 'body', message: 'names nothing to amend besides reason (resolution, conditions, summary, points or input)' }]);
    expect(fields(await refused(s, 400, 'POST', `/api/cases/${a}/amend`, { token: SEC, json: { resolution: 'x' } }))).toEqual(['reason']);
    const noted = await refused(s, 400, 'POST', `/api/cases/${lateInSession}/amend`, { token: SEC, json: { reason: 'r', conditions: 'c' } });
    expect(noted.errors).toEqual([{ field: 'conditions', message: 'case 7/18 was noted: only an endorsement has conditions' }]);
    await refused(s, 412, 'POST', `/api/cases/${a}/amend`, { token: SEC, json: { reason: 'r', resolution: 'x' }, headers: { 'if-match': '"1"' } });
    const draft = await newCase('Ikke behandlet');
    const notDecided = await refused(s, 409, 'POST', `/api/cases/${draft}/amend`, { token: SEC, json: { reason: 'r', resolution: 'x' } });
    expect(notDecided.detail).toBe('cannot amend case "Ikke behandlet": it is draft');
    expect(notDecided.allowedCommands).toEqual(['schedule', 'withdraw', 'edit', 'written-procedure']);

    const amended = await cmd(a, 'amend', { reason: 'Feil i vedtaksteksten', resolution: 'Styret gir sin tilslutning til planen.', summary: 'Styret drøftet planen grundig.' }, { 'if-match': `"${before.revision}"` });
    expect(amended.json).toMatchObject({ id: a, state: 'endorsement', revision: before.revision + 1 });
    await cmd(lateInSession, 'amend', { reason: 'Innspill manglet', input: ['Første innspill', 'Andre innspill'] });
    const after = await kase(a);
    expect(after).toMatchObject({ resolution: 'Styret gir sin tilslutning til planen.', conditions: 'Forutsatt finansiering.', allowedCommands: ['refer', 'amend'] });
    expect(after.discussion.map((d: { summary?: string }) => d.summary)).toEqual(['Styret drøftet planen grundig.']);
    // the history keeps both texts and shows what changed
    const history = (await ok(s, 'GET', `/api/cases/${a}/history`, { token: SEC })).json as { type: string; data: Record<string, unknown>; changes?: unknown }[];
    expect(history.find((e) => e.type === 'ResolutionEndorsed')!.data.resolution).toBe('Styret gir tilslutning.');
    const amendment = history.find((e) => e.type === 'DecisionAmended')!;
    expect(amendment.data).toEqual({ v: 1, reason: 'Feil i vedtaksteksten', resolution: 'Styret gir sin tilslutning til planen.', summary: 'Styret drøftet planen grundig.' });
    expect(amendment.changes).toEqual([
      { field: 'resolution', from: 'Styret gir tilslutning.', to: 'Styret gir sin tilslutning til planen.' },
      { field: 'summary', from: 'Styret drøftet saken.', to: 'Styret drøftet planen grundig.' },
    ]);

    // the minutes and the register show the amended texts
    const pos = (await head(s)) as number;
    const minutes = (await ok(s, 'GET', `/api/meetings/${m1.id}/minutes?minPosition=${pos}`, { token: SEC })).json;
    const row = minutes.cases.find((x: { caseId: string }) => x.caseId === a);
    expect(row).toMatchObject({ resolution: 'Styret gir sin tilslutning til planen.', summary: 'Styret drøftet planen grundig.', points: ['Punkt 1'], amended: true });
    expect(row.amendments).toEqual([{ reason: 'Feil i vedtaksteksten', at: expect.any(String), fields: ['resolution', 'summary'] }]);
    expect(minutes.cases.filter((x: { late?: boolean }) => x.late).map((x: { number: string }) => x.number)).toEqual(['6/18', '7/18']);
    expect(minutes.cases.find((x: { caseId: string }) => x.caseId === lateInSession)).toMatchObject({ input: ['Første innspill', 'Andre innspill'], amended: true });
    const md = (await ok(s, 'GET', `/api/meetings/${m1.id}/minutes?minPosition=${pos}`, { token: SEC, headers: { accept: 'text/markdown' } })).text;
    expect(md).toContain('Tilleggssak: Sak meldt i møtet');
    expect(md).toContain('Rettet før godkjenning');
    expect(md).toContain('Feil i vedtaksteksten');
    expect(md).toContain('Styret gir sin tilslutning til planen.');
    expect(md).not.toContain('Styret gir tilslutning.');
    const pdf = await s.req('GET', `/api/meetings/${m1.id}/minutes?minPosition=${pos}`, { token: SEC, headers: { accept: 'application/pdf' } });
    expect(pdf.status).toBe(200);
    const register = (await ok(s, 'GET', `/api/decisions?committee=NEHS&minPosition=${pos}`, {})).json as { caseId: string; resolution: string; amended?: boolean }[];
    expect(register.find((x) => x.caseId === a)).toMatchObject({ resolution: 'Styret gir sin tilslutning til planen.', amended: true });
    expect(register.find((x) => x.caseId === lateInSession)).toMatchObject({ amended: true });
    expect(register.find((x) => x.caseId === c)!.amended).toBeUndefined();
  });

  it('after the minutes are approved: amend is 409 and gone from allowedCommands; nothing written', async () => {
    await ok(s, 'POST', `/api/meetings/${m1.id}/adjourn`, { token: SEC });
    // still a draft after the meeting: amend allowed
    expect((await kase(a)).allowedCommands).toEqual(['refer', 'amend']);
    const m2 = (await ok(s, 'GET', '/api/committees/NEHS/meetings?year=2018', {})).json.find((x: { number: string }) => x.number === '2/2018');
    await ok(s, 'POST', `/api/meetings/${m2.id}/notice`, { token: SEC });
    await ok(s, 'POST', `/api/meetings/${m2.id}/open`, { token: SEC, json: { present: [] } });
    const approval = (await meeting(m2.id)).agenda.find((x: { standardItem?: string }) => x.standardItem === 'minutes-approval');
    await decide(approval.caseId, 'endorse', { resolution: 'Referatet godkjennes.' });
    expect((await meeting(m1.id)).minutes).toBe('approved');
    const view = await kase(a);
    expect(view).toMatchObject({ recorded: true, allowedCommands: ['refer'] });
    const p = await refused(s, 409, 'POST', `/api/cases/${a}/amend`, { token: SEC, json: { reason: 'For sent', resolution: 'Noe annet.' } });
    expect(p.detail).toBe('cannot amend case 3/18: its minutes (meeting 1/2018) are approved; a decision can be amended only while the minutes are a draft');
    expect(p.allowedCommands).toEqual(['refer']);
    expect((await kase(a)).revision).toBe(view.revision);
    const minutes = (await ok(s, 'GET', `/api/meetings/${m1.id}/minutes?minPosition=${await head(s)}`, {})).json;
    expect(minutes.status).toBe('approved');
    expect(minutes.cases.find((x: { caseId: string }) => x.caseId === a).amended).toBe(true);
  });

  it('several late cases scheduled at once over HTTP on one noticed meeting: distinct consecutive numbers', async () => {
    const m = await plan('2018-05-01');
    await ok(s, 'POST', `/api/meetings/${m.id}/notice`, { token: SEC });
    const next = (await ok(s, 'GET', '/api/committees/NEHS/numbering/2018', { token: SEC })).json.nextCaseNumber as number;
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => newCase(`Samtidig ${i}`)));
    const answers = await Promise.all(ids.map((id) => s.req('POST', `/api/cases/${id}/schedule`, { token: SEC, json: { meetingId: m.id, late: true } })));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const seqs = answers.map((r) => Number((r.json.number as string).split('/')[0])).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 6 }, (_, i) => next + i));
    const agenda = (await meeting(m.id)).agenda as { caseId: string; late?: boolean; title: string }[];
    expect(agenda.filter((x) => x.late).map((x) => x.caseId).sort()).toEqual([...ids].sort());
    expect(agenda.at(-1)!.title).toBe('Eventuelt');
  });

  it('the OpenAPI document carries the new fields', async () => {
    const doc = (await ok(s, 'GET', '/api/docs-json', {})).json;
    const schemas = doc.components.schemas;
    expect(Object.keys(schemas.ReorderAgendaDto.properties)).toEqual(['order']);
    expect(schemas.ScheduleDto.properties.late.type).toBe('boolean');
    expect(Object.keys(schemas.AmendDto.properties).sort()).toEqual(['conditions', 'input', 'points', 'reason', 'resolution', 'summary']);
    expect(schemas.AgendaItemDoc.properties.late).toBeDefined();
    expect(schemas.DecisionRowDoc.properties.amended).toBeDefined();
    expect(schemas.MinutesCaseDoc.properties).toHaveProperty('late');
    expect(schemas.MinutesCaseDoc.properties).toHaveProperty('amended');
    expect(schemas.NoticeCaseDoc.properties).toHaveProperty('late');
    expect(schemas.HistoryEntryDoc.properties).toHaveProperty('changes');
    expect(doc.paths['/api/meetings/{id}/agenda'].put).toBeDefined();
    expect(doc.paths['/api/cases/{id}/amend'].post).toBeDefined();
  });
});

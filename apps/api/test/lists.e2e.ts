/**
 * Worklists, members, follow-ups (API.md "Worklists, members, follow-ups") over HTTP on a real
 * server (SQLite): the committee's secretariat adds members, deputies (vara) and terms, twins are
 * refused; a meeting opened with staff, remote members and a deputy standing in shows them in the
 * meeting, the notice and the minutes (JSON and Markdown); follow-ups carry owner, due and
 * overdue and are closed by hand; the worklist filters, pages with a stable cursor and leaves out
 * what the caller may not read. Every refusal: its status, detail, allowedCommands, nothing written.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Server } from './harness.js';
import { ADMIN, MEMBER, SEC, SEC_NUIT, fields, ok, refused, startWorkflowServer } from './workflow-helpers.js';

const json = (token: string | undefined, body?: unknown) => ({ ...(token ? { token } : {}), ...(body !== undefined ? { json: body } : {}) });

async function markdown(s: Server, path: string, token = SEC): Promise<string> {
  const res = await fetch(s.url + path, { headers: { accept: 'text/markdown', authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.text()).replace(/\\(.)/g, '$1');
}

describe('worklists, members, follow-ups over HTTP', () => {
  let s: Server;
  const m: Record<string, string> = {};
  let meeting = '';
  let last = 0;
  const at = () => `?minPosition=${last}`;
  const track = (r: { json: any }) => {
    if (typeof r.json.position === 'number' && r.json.position > last) last = r.json.position;
    return r;
  };

  beforeAll(async () => {
    s = await startWorkflowServer();
    await ok(s, 'POST', '/api/committees', json(ADMIN, { code: 'NEHS', name: 'Nasjonalt e-helsestyre' }), 201);
    await ok(s, 'POST', '/api/committees', json(ADMIN, { code: 'NUIT', name: 'Nasjonalt utvalg for IT-prioritering' }), 201);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('the secretariat adds members, observers and deputies with their terms; twins and bad deputies are refused', async () => {
    const add = async (key: string, body: Record<string, unknown>) => (m[key] = track(await ok(s, 'POST', '/api/committees/NEHS/members', json(SEC, body), 201)).json.id);
    await add('chair', { name: 'Christine Bergland', organisation: 'Direktoratet for e-helse', role: 'chair' });
    await add('lofthus', { name: 'Cathrine Lofthus', organisation: 'Helse Sør-Øst RHF', role: 'member', from: '2018-01-01', to: '2019-12-31' });
    await add('slordahl', { name: 'Stig Slørdahl', organisation: 'Helse Midt-Norge RHF', role: 'member' });
    await add('grimstad', { name: 'Håkon Grimstad', organisation: 'Norsk Helsenett SF', role: 'observer' });
    await add('vara', { name: 'Kari Vara', organisation: 'Helse Sør-Øst RHF', role: 'deputy', deputyFor: m.lofthus, from: '2018-06-01' });
    const c = (await ok(s, 'GET', '/api/committees/NEHS', {})).json;
    expect(c.members.find((x: { id: string }) => x.id === m.vara)).toMatchObject({ name: 'Kari Vara', role: 'deputy', deputyFor: m.lofthus, from: '2018-06-01' });
    expect(c.members.find((x: { id: string }) => x.id === m.lofthus)).toMatchObject({ from: '2018-01-01', to: '2019-12-31' });

    // the same name and organisation among active members: 409, naming the member; nothing written
    const twin = await refused(s, 409, 'POST', '/api/committees/NEHS/members', json(SEC, { name: 'cathrine  lofthus', organisation: 'Helse Sør-Øst RHF', role: 'observer' }));
    expect(twin.detail).toBe(`Cathrine Lofthus (Helse Sør-Øst RHF) is a member of NEHS already (member ${m.lofthus}): end that membership before adding them again`);
    expect(twin.allowedCommands).toEqual(['remove-member']);
    // a deputy for no member, for a deputy; deputyFor without role deputy; a term that ends before it starts: 400
    const noOne = await refused(s, 400, 'POST', '/api/committees/NEHS/members', json(SEC, { name: 'V', organisation: 'O', role: 'deputy', deputyFor: 'nobody' }));
    expect([noOne.detail, noOne.errors]).toEqual(['deputyFor: unknown member nobody of NEHS', [{ field: 'deputyFor', message: 'unknown member nobody of NEHS' }]]);
    const ofDeputy = await refused(s, 400, 'POST', '/api/committees/NEHS/members', json(SEC, { name: 'V', organisation: 'O', role: 'deputy', deputyFor: m.vara }));
    expect(ofDeputy.errors).toEqual([{ field: 'deputyFor', message: `member ${m.vara} is a deputy, not a member a deputy stands in for` }]);
    const notDeputy = await refused(s, 400, 'POST', '/api/committees/NEHS/members', json(SEC, { name: 'V', organisation: 'O', role: 'member', deputyFor: m.chair, from: '2019-01-01', to: '2018-01-01' }));
    expect(notDeputy.errors).toEqual([
      { field: 'deputyFor', message: 'only a deputy (role deputy) stands in for a member' },
      { field: 'to', message: 'must not be before from' },
    ]);
    expect(fields(await refused(s, 400, 'POST', '/api/committees/NEHS/members', json(SEC, { name: 'V', organisation: 'O', role: 'member', from: '2019-02-30' })))).toEqual(['from']);
    // a member, another committee's secretariat: 403
    const byMember = await refused(s, 403, 'POST', '/api/committees/NEHS/members', json(MEMBER, { name: 'V', organisation: 'O', role: 'member' }));
    expect(byMember.detail).toBe('Only an admin or the secretariat of NEHS may change its members.');
    await refused(s, 403, 'POST', '/api/committees/NEHS/members', json(SEC_NUIT, { name: 'V', organisation: 'O', role: 'member' }));
    // the secretariat ends a membership; the same person may then join again
    const tmp = track(await ok(s, 'POST', '/api/committees/NEHS/members', json(SEC, { name: 'Midlertidig', organisation: 'Test', role: 'member' }), 201)).json.id;
    track(await ok(s, 'DELETE', `/api/committees/NEHS/members/${tmp}`, json(SEC)));
    await refused(s, 403, 'DELETE', `/api/committees/NEHS/members/${m.chair}`, json(SEC_NUIT));
    track(await ok(s, 'POST', '/api/committees/NEHS/members', json(SEC, { name: 'Midlertidig', organisation: 'Test', role: 'observer' }), 201));
  });

  it('the notice lists Medlemmer, Vara and Observatører; open records staff, remote members and a deputy standing in', async () => {
    meeting = track(await ok(s, 'POST', '/api/committees/NEHS/meetings', json(SEC, { date: '2018-12-06', startTime: '10:00', endTime: '15:00', place: 'Radisson Blu Gardermoen' }), 201)).json.id;
    track(await ok(s, 'POST', `/api/meetings/${meeting}/notice`, json(SEC)));
    const notice = (await ok(s, 'GET', `/api/meetings/${meeting}/notice${at()}`, json(SEC))).json;
    expect(notice.deputies.map((d: { id: string; deputyFor: string }) => [d.id, d.deputyFor])).toEqual([[m.vara, m.lofthus]]);
    expect(notice.members.map((x: { id: string }) => x.id)).toEqual([m.chair, m.lofthus, m.slordahl]);
    const md = await markdown(s, `/api/meetings/${meeting}/notice${at()}`);
    expect(md).toContain('Kari Vara (Helse Sør-Øst RHF), vara for Cathrine Lofthus (Helse Sør-Øst RHF)');
    expect(md.indexOf('**Vara**')).toBeGreaterThan(md.indexOf('**Medlemmer**'));
    expect(md.indexOf('**Observatører**')).toBeGreaterThan(md.indexOf('**Vara**'));

    // remote must be among those present: 400 naming it, nothing written
    const bad = await refused(s, 400, 'POST', `/api/meetings/${meeting}/open`, json(SEC, { present: [m.chair], absent: [m.lofthus], remote: [m.lofthus] }));
    expect([bad.detail, fields(bad)]).toEqual([`remote[0]: member ${m.lofthus} is not among those present`, ['remote.0']]);
    expect(fields(await refused(s, 400, 'POST', `/api/meetings/${meeting}/open`, json(SEC, { present: [m.chair], secretariat: [' '] })))).toEqual(['secretariat.0']);
    track(
      await ok(
        s,
        'POST',
        `/api/meetings/${meeting}/open`,
        json(SEC, { present: [m.chair, m.slordahl, m.vara, m.grimstad], absent: [m.lofthus], remote: [m.slordahl], secretariat: ['Karl Vestli', 'Bodil Rabben'], guests: ['Erik M. Hansen'] }),
      ),
    );
    const view = (await ok(s, 'GET', `/api/meetings/${meeting}${at()}`, {})).json;
    expect(view.attendance).toEqual({
      present: [m.chair, m.slordahl, m.vara, m.grimstad],
      absent: [m.lofthus],
      guests: ['Erik M. Hansen'],
      secretariat: ['Karl Vestli', 'Bodil Rabben'],
      remote: [m.slordahl],
      standingIn: [{ deputy: m.vara, for: m.lofthus }],
    });
    const minutes = (await ok(s, 'GET', `/api/meetings/${meeting}/minutes${at()}`, json(SEC))).json;
    expect(minutes.attendance.secretariat).toEqual(['Karl Vestli', 'Bodil Rabben']);
    expect(minutes.attendance.present.map((p: { id: string; remote?: true; standingInFor?: string }) => [p.id, p.remote ?? false, p.standingInFor ?? null])).toEqual([
      [m.chair, false, null],
      [m.slordahl, true, null],
      [m.vara, false, m.lofthus],
      [m.grimstad, false, null],
    ]);
    const mmd = await markdown(s, `/api/meetings/${meeting}/minutes${at()}`);
    const row = (label: string) => mmd.split('\n').find((l) => l.includes(`**${label}**`)) ?? '';
    expect(row('Medlemmer')).toContain('Christine Bergland (Direktoratet for e-helse)<br>Stig Slørdahl (Helse Midt-Norge RHF) (digitalt)');
    expect(row('Medlemmer')).not.toContain('Kari Vara');
    expect(row('Forfall')).toContain('Cathrine Lofthus (Helse Sør-Øst RHF)');
    expect(row('Vara')).toContain('Kari Vara (Helse Sør-Øst RHF), vara for Cathrine Lofthus (Helse Sør-Øst RHF)');
    expect(row('Observatører')).toContain('Håkon Grimstad (Norsk Helsenett SF)');
    expect(row('Fra sekretariatet')).toContain('Karl Vestli<br>Bodil Rabben');
  });

  let followUps: string[] = [];
  it('record-discussion promises follow-ups as text or { text, owner, due }; GET /api/followups adds owner, due, overdue', async () => {
    const first = (await ok(s, 'GET', `/api/meetings/${meeting}`, json(SEC))).json.agenda[0].caseId;
    track(await ok(s, 'POST', `/api/cases/${first}/present`, json(SEC, { presenter: 'Christine Bergland' })));
    const bad = await refused(s, 400, 'POST', `/api/cases/${first}/record-discussion`, json(SEC, { followUps: ['', { text: 'x', due: '2019-13-01', who: 'y' }, 7, { owner: ' ' }] }));
    expect(bad.errors).toEqual([
      { field: 'followUps.0', message: 'must not be empty' },
      { field: 'followUps.1.who', message: 'is not a field of a follow-up' },
      { field: 'followUps.1.due', message: 'must be a date YYYY-MM-DD' },
      { field: 'followUps.2', message: 'must be a text or { text, owner?, due? }' },
      { field: 'followUps.3.text', message: 'must be a non-empty text' },
      { field: 'followUps.3.owner', message: 'must be a non-empty text of at most 500 characters' },
    ]);
    track(
      await ok(
        s,
        'POST',
        `/api/cases/${first}/record-discussion`,
        json(SEC, {
          followUps: [
            'Vil settes på agendaen for neste møte',
            { text: 'Direktoratet for e-helse vil oppdatere mandatet.', owner: 'Direktoratet for e-helse', due: '2019-01-15' },
            { text: 'Rapport til styret', due: '2999-12-31' },
          ],
        }),
      ),
    );
    const rows = (await ok(s, 'GET', `/api/followups${at()}`, json(SEC))).json as any[];
    followUps = rows.map((r) => r.id);
    expect(rows.map((r) => [r.text, r.owner, r.due, r.open, r.overdue])).toEqual([
      ['Vil settes på agendaen for neste møte', null, null, true, false],
      ['Direktoratet for e-helse vil oppdatere mandatet.', 'Direktoratet for e-helse', '2019-01-15', true, true],
      ['Rapport til styret', null, '2999-12-31', true, false],
    ]);
    // the minutes keep owner and due with the follow-up
    const minutes = (await ok(s, 'GET', `/api/meetings/${meeting}/minutes${at()}`, json(SEC))).json;
    expect(minutes.cases[0].followUps[1]).toMatchObject({ owner: 'Direktoratet for e-helse', due: '2019-01-15' });
    const md = await markdown(s, `/api/meetings/${meeting}/minutes${at()}`);
    expect(md).toContain('Direktoratet for e-helse vil oppdatere mandatet. (ansvarlig: Direktoratet for e-helse, frist 15. januar 2019)');
    expect(md).toContain('Rapport til styret (frist 31. desember 2999)');
  });

  it('POST /api/followups/{id}/close: the secretariat closes one with a reason; twice, met, unknown or by others is refused', async () => {
    const [, overdue, later] = followUps;
    const byMember = await refused(s, 403, 'POST', `/api/followups/${overdue}/close`, json(MEMBER, { reason: 'r' }));
    expect(byMember.detail).toBe('Only the secretariat of NEHS may close its follow-ups.');
    await refused(s, 403, 'POST', `/api/followups/${overdue}/close`, json(SEC_NUIT, { reason: 'r' }));
    await refused(s, 401, 'POST', `/api/followups/${overdue}/close`, json(undefined, { reason: 'r' }));
    expect((await refused(s, 404, 'POST', '/api/followups/no-such/close', json(SEC, { reason: 'r' }))).detail).toBe('unknown follow-up no-such');
    expect(fields(await refused(s, 400, 'POST', `/api/followups/${overdue}/close`, json(SEC, { reason: ' ' })))).toEqual(['reason']);
    const stale = await refused(s, 412, 'POST', `/api/followups/${overdue}/close`, { token: SEC, json: { reason: 'r' }, headers: { 'if-match': '"0"' } });
    expect(stale.detail).toBe(`followup-${overdue} is at revision -1, not 0: someone else changed it first`);

    const closed = track(await ok(s, 'POST', `/api/followups/${overdue}/close`, json(SEC, { reason: 'Mandatet er oppdatert i linjen' })));
    expect(closed.json).toMatchObject({ id: overdue, state: 'closed', revision: 0, committee: 'NEHS' });
    const twice = await refused(s, 409, 'POST', `/api/followups/${overdue}/close`, json(SEC, { reason: 'igjen' }));
    expect([twice.detail, twice.allowedCommands]).toEqual(['follow-up "Direktoratet for e-helse vil oppdatere mandatet." is closed already (Mandatet er oppdatert i linjen)', []]);
    const row = ((await ok(s, 'GET', `/api/followups${at()}`, json(SEC))).json as any[]).find((r) => r.id === overdue);
    expect(row).toMatchObject({ open: false, overdue: false, closed: { reason: 'Mandatet er oppdatert i linjen', actor: 'Anita Lindholt', at: expect.any(String) } });
    expect(((await ok(s, 'GET', `/api/followups?open=true&minPosition=${last}`, json(SEC))).json as any[]).map((r) => r.id)).toEqual([followUps[0], later]);

    // met by a case: the meeting is finished, a case naming it is decided at the next one
    const agenda = (await ok(s, 'GET', `/api/meetings/${meeting}`, json(SEC))).json.agenda as { caseId: string; state: string }[];
    for (const a of agenda) {
      if (a.state === 'scheduled') track(await ok(s, 'POST', `/api/cases/${a.caseId}/present`, json(SEC, { presenter: 'P' })));
      track(await ok(s, 'POST', `/api/cases/${a.caseId}/note`, json(SEC, { resolution: 'Tatt til orientering.' })));
    }
    track(await ok(s, 'POST', `/api/meetings/${meeting}/adjourn`, json(SEC)));
    const next = track(await ok(s, 'POST', '/api/committees/NEHS/meetings', json(SEC, { date: '2019-02-15', place: 'Gardermoen' }), 201)).json.id;
    const k = track(await ok(s, 'POST', '/api/cases', json(SEC, { committee: 'NEHS', title: 'Rapport', type: 'orientation', proposedResolution: 'Tas til orientering.', meetsFollowUps: [later] }), 201)).json.id;
    track(await ok(s, 'POST', `/api/cases/${k}/schedule`, json(SEC, { meetingId: next })));
    track(await ok(s, 'POST', `/api/meetings/${next}/notice`, json(SEC)));
    track(await ok(s, 'POST', `/api/meetings/${next}/open`, json(SEC, { present: [m.chair] })));
    track(await ok(s, 'POST', `/api/cases/${k}/present`, json(SEC, { presenter: 'P' })));
    track(await ok(s, 'POST', `/api/cases/${k}/note`, json(SEC, { resolution: 'Tatt til orientering.' })));
    const number = (await ok(s, 'GET', `/api/cases/${k}`, {})).json.number;
    const met = await refused(s, 409, 'POST', `/api/followups/${later}/close`, json(SEC, { reason: 'r' }));
    expect([met.detail, met.allowedCommands]).toEqual([`follow-up "Rapport til styret" was met by case ${number}`, []]);
  });

  it('GET /api/cases: filters, a stable cursor, drafts only for those who may read them', async () => {
    const drafts: string[] = [];
    for (let i = 1; i <= 7; i++) drafts.push(track(await ok(s, 'POST', '/api/cases', json(SEC, { committee: 'NEHS', title: `Utkast ${i}`, type: 'discussion', proposedResolution: '' }), 201)).json.id);
    const nuit = track(await ok(s, 'POST', '/api/cases', json(SEC_NUIT, { committee: 'NUIT', title: 'NUIT-utkast', type: 'discussion', proposedResolution: '' }), 201)).json.id;

    // page through the NEHS drafts three at a time, changing rows between pages
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = (await ok(s, 'GET', `/api/cases?committee=NEHS&state=draft&limit=3&minPosition=${last}${cursor ? `&cursor=${cursor}` : ''}`, json(SEC))).json;
      expect(page.items.length).toBeLessThanOrEqual(3);
      for (const it of page.items) expect(Object.keys(it).sort()).toEqual(['committee', 'id', 'meetingId', 'number', 'state', 'title', 'type', 'updatedAt']);
      seen.push(...page.items.map((x: { id: string }) => x.id));
      cursor = page.nextCursor;
      // after the first page: a row already seen and a row not yet seen change (a new title, a later updatedAt)
      if (pages++ === 0) {
        track(await ok(s, 'PATCH', `/api/cases/${seen[0]}`, json(SEC, { title: 'Utkast 7, endret' })));
        track(await ok(s, 'PATCH', `/api/cases/${drafts[0]}`, json(SEC, { title: 'Utkast 1, endret' })));
      }
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...drafts].reverse()); // newest first, each once
    const all = (await ok(s, 'GET', `/api/cases?committee=NEHS&state=draft&minPosition=${last}`, json(SEC))).json;
    expect(all.nextCursor).toBeNull();
    expect(all.items[0]).toMatchObject({ id: drafts[6], committee: 'NEHS', number: null, title: 'Utkast 7, endret', type: 'discussion', state: 'draft', meetingId: null });

    // who sees drafts: members and secretariat of NEHS, auditors, admins; not the public or NUIT's secretariat
    const ids = async (token: string | undefined, q = '') => ((await ok(s, 'GET', `/api/cases?minPosition=${last}${q}`, json(token))).json.items as { id: string }[]).map((x) => x.id);
    expect(await ids(MEMBER)).toEqual(expect.arrayContaining(drafts));
    expect(await ids(ADMIN)).toEqual(expect.arrayContaining([...drafts, nuit]));
    const publicIds = await ids(undefined);
    expect(publicIds.filter((id) => drafts.includes(id) || id === nuit)).toEqual([]);
    expect(publicIds.length).toBeGreaterThan(0); // the noticed meetings' cases are public
    const nuitSees = await ids(SEC_NUIT);
    expect(nuitSees).toContain(nuit);
    expect(nuitSees.filter((id) => drafts.includes(id))).toEqual([]);

    // filters: meetingId, year, q, state
    const onMeeting = (await ok(s, 'GET', `/api/cases?meetingId=${meeting}&minPosition=${last}`, {})).json.items as any[];
    expect(onMeeting.map((x) => x.number).sort()).toEqual(['1/18', '2/18']);
    expect(onMeeting.every((x) => x.meetingId === meeting && x.state === 'orientation')).toBe(true);
    expect((await ids(SEC, '&year=2018')).sort()).toEqual(onMeeting.map((x) => x.id).sort());
    expect(await ids(SEC, '&q=utkast%201%2C%20ENDRET')).toEqual([drafts[0]]);
    expect(await ids(SEC, '&q=1%2F19')).toHaveLength(1);
    expect(await ids(SEC, '&state=withdrawn')).toEqual([]);

    // bad filters: 400 naming each; an unknown committee or meeting: 404; nothing written
    const bad = async (q: string, field: string, detail: string) => {
      const p = await refused(s, 400, 'GET', `/api/cases?${q}`, json(SEC));
      expect([p.detail, fields(p)]).toEqual([detail, [field]]);
    };
    await bad('state=open', 'state', 'state must be one of draft, scheduled, discussion, endorsement, orientation, withdrawn.');
    await bad('year=19', 'year', 'year must be a year YYYY.');
    await bad('limit=0', 'limit', 'limit must be a whole number from 1 to 200.');
    await bad('limit=201', 'limit', 'limit must be a whole number from 1 to 200.');
    await bad('cursor=not-a-cursor', 'cursor', 'cursor is not a cursor this list gave.');
    await bad('committee=NEHS&committee=NUIT', 'committee', 'committee must be given once.');
    await bad('colour=red', 'colour', 'colour is not a filter of the worklist.');
    expect((await refused(s, 404, 'GET', '/api/cases?committee=NOPE', {})).detail).toBe('unknown committee NOPE');
    expect((await refused(s, 404, 'GET', '/api/cases?meetingId=no-such-meeting', json(SEC))).detail).toBe('unknown meeting no-such-meeting');
  });

  it('the OpenAPI document has the new fields, routes and parameters', async () => {
    const doc = (await ok(s, 'GET', '/api/docs-json', {})).json;
    const props = (name: string) => Object.keys(doc.components.schemas[name]?.properties ?? {});
    expect(props('AddMemberDto')).toEqual(expect.arrayContaining(['role', 'deputyFor', 'from', 'to']));
    expect(doc.components.schemas.AddMemberDto.properties.role.enum).toEqual(['chair', 'member', 'observer', 'deputy']);
    expect(props('MemberDoc')).toEqual(expect.arrayContaining(['deputyFor', 'from', 'to']));
    expect(props('OpenMeetingDto')).toEqual(expect.arrayContaining(['secretariat', 'remote']));
    expect(props('AttendanceDoc')).toEqual(['present', 'absent', 'guests', 'secretariat', 'remote', 'standingIn']);
    expect(doc.components.schemas.RecordDiscussionDto.properties.followUps.items.oneOf).toEqual([{ type: 'string', minLength: 1 }, { $ref: '#/components/schemas/FollowUpInputDoc' }]);
    expect(props('FollowUpInputDoc')).toEqual(['text', 'owner', 'due']);
    expect(props('FollowUpRowDoc')).toEqual(expect.arrayContaining(['owner', 'due', 'overdue', 'closed']));
    expect(props('WorklistPageDoc')).toEqual(['items', 'nextCursor']);
    expect(props('WorklistItemDoc')).toEqual(['id', 'committee', 'number', 'title', 'type', 'state', 'meetingId', 'updatedAt']);
    expect(doc.paths['/api/cases'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['asOf', 'atPosition', 'committee', 'cursor', 'limit', 'meetingId', 'minPosition', 'q', 'state', 'year']);
    expect(doc.paths['/api/followups/{id}/close'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CloseFollowUpDto' });
  });
});

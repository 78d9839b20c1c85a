/**
 * Saksliste: the committee's cases from the worklist (GET /api/cases: committee, year, state,
 * meeting and free-text filters, newest case first, cursor paging with *Vis flere*), grouped by
 * state; and "new case" (the whole case paper, projects, the follow-ups it meets, exemption).
 * The filters are the API's: the list is read again when one changes. An error from the route is
 * shown as it is (no other source stands in for it).
 */
import { Button, Checkbox, Fieldset, Heading, Paragraph, Table } from '@digdir/designsystemet-react';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { ApiError, get, post } from '../api/client';
import { useCommitteeChoice, useCommittees } from '../api/hooks';
import type { CaseState, FollowUp, MeetingSummary, PortfolioProject, WorklistItem, WorklistPage } from '../api/types';
import { useAuth } from '../auth';
import { CASE_TYPE_VALUES, PaperItemsField, paperItemsOf } from '../components/commands';
import { CaseStateTag, lines, Loading, ProblemAlert, SelectField, TextField } from '../components/ui';
import { useI18n, type Key } from '../i18n';
import { go, href } from '../router';

const STATES: CaseState[] = ['draft', 'scheduled', 'discussion', 'endorsement', 'orientation', 'withdrawn'];
const PAGE = 50;

function NewCase({ committee, onCreated }: { committee: string; onCreated(id: string): void }) {
  const { t } = useI18n();
  const [v, setV] = useState<Record<string, string>>({ type: 'endorsement' });
  const [projects, setProjects] = useState<PortfolioProject[]>([]);
  const [followUps, setFollowUps] = useState<FollowUp[]>([]);
  const [pick, setPick] = useState<{ projectIds: Set<string>; meetsFollowUps: Set<string> }>({ projectIds: new Set(), meetsFollowUps: new Set() });
  const [error, setError] = useState<Error | null>(null);
  const [exempt, setExempt] = useState(false);
  useEffect(() => {
    void get<PortfolioProject[]>('/api/portfolio').then((a) => setProjects(a.data)).catch(() => {});
    void get<FollowUp[]>('/api/followups', { open: true }).then((a) => setFollowUps(a.data.filter((f) => f.committee === committee))).catch(() => {});
  }, [committee]);
  const set = (k: string) => (x: string) => setV({ ...v, [k]: x });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const body: Record<string, unknown> = { committee, title: v.title ?? '', type: v.type, proposedResolution: v.proposedResolution ?? '' };
    for (const k of ['background', 'purpose', 'caseOfficer', 'responsible', 'matterId']) if (v[k]) body[k] = v[k];
    if (pick.projectIds.size) body.projectIds = [...pick.projectIds];
    // meetsFollowUps takes follow-up ids and sub-item citations ("50/18 NR. 2")
    const cited = lines(v.citations ?? '');
    if (pick.meetsFollowUps.size || cited.length) body.meetsFollowUps = [...pick.meetsFollowUps, ...cited];
    if (exempt) body.exemption = { basis: 'offl. § 14' };
    const items = paperItemsOf(v, 'items');
    if (items.length) body.items = items;
    try {
      const a = await post<{ id: string }>('/api/cases', body);
      onCreated(a.data.id);
    } catch (err) {
      setError(err as Error);
    }
  };
  const apiError = error instanceof ApiError ? error : null;
  const toggle = (k: 'projectIds' | 'meetsFollowUps', id: string, on: boolean) => {
    const s = new Set(pick[k]);
    if (on) s.add(id);
    else s.delete(id);
    setPick({ ...pick, [k]: s });
  };
  return (
    <form onSubmit={submit} className="command-form" id="new-case" noValidate>
      <ProblemAlert error={error} />
      <TextField label={t('title')} name="title" required value={v.title ?? ''} onChange={set('title')} error={apiError} />
      <SelectField label={t('type')} name="type" value={v.type ?? 'endorsement'} onChange={set('type')} error={apiError} options={CASE_TYPE_VALUES.map((x) => ({ value: x, label: t(`caseType.${x}` as Key) }))} />
      <TextField label={t('purpose')} name="purpose" multiline value={v.purpose ?? ''} onChange={set('purpose')} error={apiError} />
      <TextField label={t('background')} name="background" multiline value={v.background ?? ''} onChange={set('background')} error={apiError} />
      <TextField label={t('proposedResolution')} name="proposedResolution" multiline required value={v.proposedResolution ?? ''} onChange={set('proposedResolution')} error={apiError} />
      <PaperItemsField name="items" label={t('paperItems')} values={v} set={setV} error={apiError} />
      <TextField label={t('caseOfficer')} name="caseOfficer" value={v.caseOfficer ?? ''} onChange={set('caseOfficer')} error={apiError} />
      <TextField label={t('responsible')} name="responsible" value={v.responsible ?? ''} onChange={set('responsible')} error={apiError} />
      <TextField label={t('matterId')} name="matterId" description={t('matterIdHelp')} value={v.matterId ?? ''} onChange={set('matterId')} error={apiError} />
      {projects.length ? (
        <Fieldset data-field="projectIds">
          <Fieldset.Legend>{t('projects')}</Fieldset.Legend>
          {projects.map((p) => (
            <Checkbox key={p.id} value={p.id} label={`${p.id} ${p.name}`} checked={pick.projectIds.has(p.id)} onChange={(e) => toggle('projectIds', p.id, e.target.checked)} />
          ))}
        </Fieldset>
      ) : null}
      {followUps.length ? (
        <Fieldset data-field="meetsFollowUps">
          <Fieldset.Legend>{t('meetsFollowUps')}</Fieldset.Legend>
          {followUps.map((f) => (
            <Checkbox key={f.id} value={f.id} label={f.text} checked={pick.meetsFollowUps.has(f.id)} onChange={(e) => toggle('meetsFollowUps', f.id, e.target.checked)} />
          ))}
        </Fieldset>
      ) : null}
      <TextField label={t('citeItems')} name="meetsFollowUps" description={t('citeItemsHelp')} multiline value={v.citations ?? ''} onChange={set('citations')} error={apiError} />
      <Checkbox label={t('exempt')} value="exempt" checked={exempt} onChange={(e) => setExempt(e.target.checked)} data-field="exemption" />
      <Button type="submit">{t('createCase')}</Button>
    </form>
  );
}

/** The committee's cases in written procedure (in discussion without a meeting): where members answer. */
function OpenWrittenProcedures({ committee }: { committee: string }) {
  const { t } = useI18n();
  const [rows, setRows] = useState<WorklistItem[] | null>(null);
  useEffect(() => {
    setRows(null);
    void get<WorklistPage>('/api/cases', { committee, state: 'discussion', limit: 100 })
      .then((a) => setRows(a.data.items.filter((x) => !x.meetingId)))
      .catch(() => setRows([]));
  }, [committee]);
  if (!rows) return null;
  return (
    <section aria-labelledby="written-list-h" data-open-written>
      <h2 id="written-list-h">{t('openWritten')}</h2>
      {rows.length === 0 ? <Paragraph>{t('noOpenWritten')}</Paragraph> : null}
      <ul>
        {rows.map((r) => (
          <li key={r.id}>
            <a href={href({ view: 'sak', id: r.id })}>
              {r.number ? t('caseN', { n: r.number }) : ''} {r.title}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Saksliste() {
  const { t } = useI18n();
  const auth = useAuth();
  const committees = useCommittees();
  const [committee, setCommittee] = useCommitteeChoice(committees);
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const [q, setQ] = useState('');
  const [state, setState] = useState('');
  const [meetingId, setMeetingId] = useState('');
  const [meetings, setMeetings] = useState<MeetingSummary[]>([]);
  const [items, setItems] = useState<WorklistItem[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [busy, setBusy] = useState(false);
  const query = useMemo(() => ({ committee, year: /^\d{4}$/.test(year) ? year : undefined, state, meetingId, q: q.trim(), limit: PAGE }), [committee, year, state, meetingId, q]);
  useEffect(() => {
    if (!committee || !/^\d{4}$/.test(year)) return;
    void get<MeetingSummary[]>(`/api/committees/${encodeURIComponent(committee)}/meetings`, { year }).then((a) => setMeetings(a.data), () => setMeetings([]));
  }, [committee, year]);
  // a filter changed: the first page again (a slower answer to an older filter is dropped)
  useEffect(() => {
    if (!committee) return;
    let live = true;
    setError(null);
    const timer = setTimeout(() => {
      get<WorklistPage>('/api/cases', query).then(
        (a) => {
          if (!live) return;
          setItems(a.data.items);
          setCursor(a.data.nextCursor);
        },
        (e) => {
          if (!live) return;
          setItems([]);
          setCursor(null);
          setError(e);
        },
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query, committee]);
  const more = async () => {
    if (!cursor) return;
    setBusy(true);
    try {
      const a = await get<WorklistPage>('/api/cases', { ...query, cursor });
      setItems([...(items ?? []), ...a.data.items]);
      setCursor(a.data.nextCursor);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const shown = items ?? [];
  return (
    <>
      <Heading level={1} tabIndex={-1}>
        {t('view.saker')}
      </Heading>
      <Paragraph>{t('sakerIntro')}</Paragraph>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()} id="worklist-filters">
        <SelectField label={t('committee')} name="committee" value={committee} onChange={setCommittee} options={committees.map((c) => ({ value: c.code, label: `${c.code} – ${c.name}` }))} />
        <TextField label={t('year')} name="year" value={year} onChange={setYear} />
        <SelectField label={t('state')} name="state" value={state} onChange={setState} options={[{ value: '', label: t('all') }, ...STATES.map((s) => ({ value: s, label: t(`caseState.${s}` as Key) }))]} />
        <SelectField label={t('meeting')} name="meetingId" value={meetingId} onChange={setMeetingId} options={[{ value: '', label: t('allMeetings') }, ...meetings.map((m) => ({ value: m.id, label: t('meetingN', { n: m.number }) }))]} />
        <TextField label={t('search')} name="q" type="search" value={q} onChange={setQ} />
      </form>
      {auth.signedIn && committee ? <OpenWrittenProcedures committee={committee} /> : null}
      {auth.signedIn && committee ? (
        <Button variant={creating ? 'secondary' : 'primary'} aria-expanded={creating} onClick={() => setCreating(!creating)} id="new-case-button">
          {t('newCase')}
        </Button>
      ) : null}
      {creating ? (
        <section aria-labelledby="new-case-h">
          <h2 id="new-case-h">{t('newCase')}</h2>
          <NewCase committee={committee} onCreated={(id) => go({ view: 'sak', id })} />
        </section>
      ) : null}
      {error ? <Paragraph className="worklist-error">{t('worklistError')}</Paragraph> : null}
      <ProblemAlert error={error} />
      {!items && !error ? (
        <Loading />
      ) : (
        STATES.filter((s) => shown.some((i) => i.state === s)).map((s) => (
          <section key={s} aria-labelledby={`state-${s}`}>
            <h2 id={`state-${s}`}>
              {t(`caseState.${s}` as Key)} ({shown.filter((i) => i.state === s).length})
            </h2>
            <div className="table-scroll" tabIndex={0} role="region" aria-label={t(`caseState.${s}` as Key)}>
              <Table data-size="sm">
                <Table.Head>
                  <Table.Row>
                    <Table.HeaderCell>{t('number')}</Table.HeaderCell>
                    <Table.HeaderCell>{t('title')}</Table.HeaderCell>
                    <Table.HeaderCell>{t('type')}</Table.HeaderCell>
                    <Table.HeaderCell>{t('state')}</Table.HeaderCell>
                  </Table.Row>
                </Table.Head>
                <Table.Body>
                  {shown
                    .filter((i) => i.state === s)
                    .map((i) => (
                      <Table.Row key={i.id} data-case={i.id}>
                        <Table.Cell>{i.number ?? t('dash')}</Table.Cell>
                        <Table.Cell>
                          <a href={href({ view: 'sak', id: i.id })}>{i.title}</a>
                        </Table.Cell>
                        <Table.Cell>{t(`caseType.${i.type}` as Key)}</Table.Cell>
                        <Table.Cell>
                          <CaseStateTag state={i.state} />
                        </Table.Cell>
                      </Table.Row>
                    ))}
                </Table.Body>
              </Table>
            </div>
          </section>
        ))
      )}
      {items && !error && shown.length === 0 ? <Paragraph>{t('noCases')}</Paragraph> : null}
      {cursor ? (
        <Button variant="secondary" onClick={more} disabled={busy} id="worklist-more">
          {t('showMore')}
        </Button>
      ) : null}
    </>
  );
}

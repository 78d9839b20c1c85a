/**
 * Årshjul: a committee's meetings of the year on a timeline (months), with state and case
 * counts; the next meeting highlighted; plan a meeting (secretariat). Live over
 * /api/live/committees/{code}/annual-cycle?year=: the snapshot is the cycle, each change carries the
 * meetings that changed (counts and all), which replace their rows or go in by date; the page's own
 * writes arrive the same way (no read of the whole cycle again).
 * Planning takes the kind (ordinær/ekstraordinær), the last day and the format; moving and
 * cancelling a meeting are on its page (Møte: PATCH /api/meetings/{id}, cancel). A cancelled
 * meeting stays on the timeline, marked *Avlyst* with its reason.
 */
import { Alert, Button, Card, Heading, Paragraph } from '@digdir/designsystemet-react';
import { useState, type FormEvent } from 'react';
import { ApiError, post } from '../api/client';
import { useCommitteeChoice, useCommittees } from '../api/hooks';
import { useFeed } from '../api/live';
import type { CycleMeeting, MeetingWriteResult, PlanMeeting as PlanMeetingBody } from '../api/types';
import { MeetingStateTag, ProblemAlert, SelectField, TextField, Loading } from '../components/ui';
import { useAuth } from '../auth';
import { formatDate, useI18n, type Key } from '../i18n';
import { go, href } from '../router';

const MONTHS_NB = ['jan', 'feb', 'mar', 'apr', 'mai', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'des'];
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const MEETING_FORMATS = ['physical', 'webinar', 'hybrid'] as const;
/** "6. desember 2018" or "28.–29. oktober 2020" for a meeting over several days, with its times. */
export function meetingWhen(m: { date: string; endDate?: string | null; startTime?: string | null; endTime?: string | null }, lang: 'nb' | 'en'): string {
  const days = m.endDate && m.endDate !== m.date ? `${formatDate(m.date, lang)} – ${formatDate(m.endDate, lang)}` : formatDate(m.date, lang);
  return `${days}${m.startTime ? `, ${m.startTime}${m.endTime ? '–' + m.endTime : ''}` : ''}`;
}
const today = () => new Date().toISOString().slice(0, 10);

/** The cycle's order (the query's): by date, then number. */
const byDate = (a: CycleMeeting, b: CycleMeeting) => a.date.localeCompare(b.date) || (Number(a.number.split('/')[0]) || 0) - (Number(b.number.split('/')[0]) || 0) || a.meetingId.localeCompare(b.meetingId);

/** A change's meetings into the cycle: each replaces its row (by meeting), or goes in at its date. */
export function mergeMeetings(rows: CycleMeeting[], changed: CycleMeeting[]): CycleMeeting[] {
  const byId = new Map(rows.map((r) => [r.meetingId, r]));
  for (const c of changed) byId.set(c.meetingId, c);
  return [...byId.values()].sort(byDate);
}

export function nextMeeting(meetings: CycleMeeting[]): CycleMeeting | undefined {
  const now = today();
  return [...meetings].filter((m) => m.state !== 'held' && m.state !== 'cancelled' && m.date >= now).sort((a, b) => a.date.localeCompare(b.date))[0];
}

function PlanMeeting({ committee, onPlanned }: { committee: string; onPlanned(position: number, id: string, number: string): void }) {
  const { t } = useI18n();
  const [v, setV] = useState<{ date: string; endDate: string; startTime: string; endTime: string; place: string; kind: NonNullable<PlanMeetingBody['kind']>; format: NonNullable<PlanMeetingBody['format']> }>({
    date: '',
    endDate: '',
    startTime: '10:00',
    endTime: '15:00',
    place: '',
    kind: 'ordinary',
    format: 'physical',
  });
  const [error, setError] = useState<Error | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const body: PlanMeetingBody = { date: v.date, place: v.place, kind: v.kind, format: v.format };
      if (v.endDate) body.endDate = v.endDate;
      if (v.startTime) body.startTime = v.startTime;
      if (v.endTime) body.endTime = v.endTime;
      const a = await post<MeetingWriteResult>(`/api/committees/${encodeURIComponent(committee)}/meetings`, body);
      onPlanned(a.data.position, a.data.id, a.data.number);
    } catch (err) {
      setError(err as Error);
    }
  };
  const apiError = error instanceof ApiError ? error : null;
  return (
    <form onSubmit={submit} className="command-form" id="plan-meeting" noValidate>
      <ProblemAlert error={error} />
      <SelectField label={t('kind')} name="kind" value={v.kind} error={apiError} onChange={(kind) => setV({ ...v, kind: kind as typeof v.kind })} options={(['ordinary', 'extraordinary'] as const).map((x) => ({ value: x, label: t(`meetingKind.${x}`) }))} />
      <TextField label={t('date')} name="date" type="date" required value={v.date} error={apiError} onChange={(date) => setV({ ...v, date })} />
      <TextField label={t('endDate')} name="endDate" type="date" value={v.endDate} error={apiError} onChange={(endDate) => setV({ ...v, endDate })} />
      <TextField label={t('startTime')} name="startTime" type="time" value={v.startTime} error={apiError} onChange={(startTime) => setV({ ...v, startTime })} />
      <TextField label={t('endTime')} name="endTime" type="time" value={v.endTime} error={apiError} onChange={(endTime) => setV({ ...v, endTime })} />
      <TextField label={t('place')} name="place" required value={v.place} error={apiError} onChange={(place) => setV({ ...v, place })} />
      <SelectField label={t('format')} name="format" value={v.format} error={apiError} onChange={(format) => setV({ ...v, format: format as typeof v.format })} options={MEETING_FORMATS.map((x) => ({ value: x, label: t(`meetingFormat.${x}`) }))} />
      <Button type="submit">{t('planMeeting')}</Button>
    </form>
  );
}

export function Arshjul() {
  const { t, lang } = useI18n();
  const auth = useAuth();
  const committees = useCommittees();
  const [committee, setCommittee] = useCommitteeChoice(committees);
  const [year, setYear] = useState(String(new Date().getFullYear()));
  const [message, setMessage] = useState('');
  const [cycle, setCycle] = useState<{ key: string; rows: CycleMeeting[] } | null>(null);
  const [closed, setClosed] = useState<number | null>(null);
  const validYear = /^\d{4}$/.test(year) ? year : null;
  const feedPath = committee && validYear ? `/api/live/committees/${encodeURIComponent(committee)}/annual-cycle?year=${validYear}` : null;
  useFeed<CycleMeeting[], CycleMeeting[]>(feedPath, {
    onSnapshot: (rows) => {
      setClosed(null);
      setCycle({ key: feedPath!, rows });
    },
    onChange: (changed) => setCycle((prev) => (prev ? { ...prev, rows: mergeMeetings(prev.rows, changed) } : prev)),
    onClosed: (status) => setClosed(status),
  });
  const loaded = cycle !== null && cycle.key === feedPath;
  const meetings = loaded ? cycle.rows : [];
  const next = nextMeeting(meetings);
  const months = lang === 'nb' ? MONTHS_NB : MONTHS_EN;
  const dayOfYear = (d: string) => {
    const start = Date.UTC(Number(year), 0, 1);
    const end = Date.UTC(Number(year) + 1, 0, 1);
    return Math.min(99.5, Math.max(0, ((Date.parse(d + 'T00:00:00Z') - start) / (end - start)) * 100));
  };
  return (
    <>
      <Heading level={1} tabIndex={-1}>
        {t('view.arshjul')}
      </Heading>
      <Paragraph>{t('arshjulIntro')}</Paragraph>
      <div className="filters">
        <SelectField label={t('committee')} name="committee" value={committee} onChange={setCommittee} options={committees.map((c) => ({ value: c.code, label: `${c.code} – ${c.name}` }))} />
        <TextField label={t('year')} name="year" value={year} onChange={setYear} />
      </div>
      {message ? (
        <Alert data-color="success" role="status">
          {message}
        </Alert>
      ) : null}
      {closed !== null ? <ProblemAlert error={new Error(t('notFound'))} /> : null}
      {!loaded && feedPath && closed === null ? <Loading /> : null}
      <section aria-labelledby="timeline-h">
        <h2 id="timeline-h">
          {t('timeline')} {year}
        </h2>
        <div className="timeline" aria-hidden="true">
          {months.map((m, i) => (
            <span key={m} className="month" style={{ left: `${(i / 12) * 100}%` }}>
              {m}
            </span>
          ))}
          {meetings.map((m) => (
            <span key={m.meetingId} className={`dot state-${m.state}${next?.meetingId === m.meetingId ? ' next' : ''}`} style={{ left: `${dayOfYear(m.date)}%` }} title={m.number} />
          ))}
        </div>
        {meetings.length === 0 && loaded ? <Paragraph>{t('noMeetings', { year })}</Paragraph> : null}
        <ol className="meetings" aria-label={t('view.arshjul')}>
          {meetings.map((m) => (
            <li key={m.meetingId} data-meeting={m.meetingId} data-state={m.state} className={next?.meetingId === m.meetingId ? 'next' : m.state === 'cancelled' ? 'cancelled' : undefined}>
              <Card data-color={next?.meetingId === m.meetingId ? 'accent' : 'neutral'} variant={next?.meetingId === m.meetingId ? 'tinted' : 'default'}>
                <Heading level={3} data-size="xs">
                  <a href={href({ view: 'mote', id: m.meetingId })}>{t('meetingN', { n: m.number })}</a>
                  {next?.meetingId === m.meetingId ? <strong className="next-label"> – {t('nextMeeting')}</strong> : null}
                </Heading>
                <Paragraph data-size="sm">
                  {meetingWhen(m, lang)} · {m.place}
                </Paragraph>
                <Paragraph data-size="sm" className="meeting-kind">
                  {t(`meetingKind.${m.kind ?? 'ordinary'}` as Key)} · {t(`meetingFormat.${m.format ?? 'physical'}` as Key)}
                </Paragraph>
                <Paragraph data-size="sm">
                  <MeetingStateTag state={m.state} /> <span className="counts">{t('casesCount', { decided: m.decided, cases: m.cases })}</span>
                </Paragraph>
                {m.state === 'cancelled' && m.cancelledReason ? (
                  <Paragraph data-size="sm" className="cancelled-reason">
                    {t('cancelledBecause', { r: m.cancelledReason })}
                  </Paragraph>
                ) : null}
              </Card>
            </li>
          ))}
        </ol>
      </section>
      {auth.signedIn && committee ? (
        <section aria-labelledby="plan-h">
          <h2 id="plan-h">{t('planMeeting')}</h2>
          <PlanMeeting
            committee={committee}
            onPlanned={(_position, id, number) => {
              setMessage(t('planned', { n: number }));
              go({ view: 'mote', id });
            }}
          />
        </section>
      ) : null}
    </>
  );
}

/**
 * The time slider's other views (issue 14's time machine: every read takes `?atPosition=`): the
 * portfolio, the committee's annual cycle, the follow-ups, and a chosen meeting with its minutes,
 * as they stood after the chosen event, each with the position the server answered
 * (`X-Saksflyt-Position`).
 */
import { Paragraph } from '@digdir/designsystemet-react';
import { useEffect, useState } from 'react';
import { get, type Answer } from '../api/client';
import type { CycleMeeting, FollowUp, MeetingDoc, Minutes, PortfolioProject } from '../api/types';
import { DataTable } from '../components/DataTable';
import { MeetingStateTag, ProblemAlert } from '../components/ui';
import { formatDate, useI18n, type Key } from '../i18n';
import { MinutesView } from './Mote';

interface Moment {
  portfolio: Answer<PortfolioProject[]>;
  cycle: Answer<CycleMeeting[]> | null;
  followUps: Answer<FollowUp[]>;
  meeting: Answer<MeetingDoc> | null;
  minutes: Answer<Minutes> | null;
}

/** "answered at event N" beside each view: the position the server says it answered. */
function Answered({ answer, id }: { answer: Answer<unknown>; id: string }) {
  const { t } = useI18n();
  return (
    <Paragraph data-size="sm" className="answered" id={id} data-position={answer.position ?? ''}>
      {t('answeredAt', { p: answer.position ?? '?' })}
    </Paragraph>
  );
}

export function AsOfViews({ position, committee, year, meetingId }: { position: number; committee: string; year: string; meetingId: string }) {
  const { t, lang } = useI18n();
  const [moment, setMoment] = useState<Moment | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const at = { atPosition: position };
    const timer = setTimeout(async () => {
      try {
        const [portfolio, cycle, followUps, meeting, minutes] = await Promise.all([
          get<PortfolioProject[]>('/api/portfolio', at),
          committee ? get<CycleMeeting[]>(`/api/committees/${encodeURIComponent(committee)}/annual-cycle`, { ...at, year }) : null,
          get<FollowUp[]>('/api/followups', at),
          // a meeting not yet planned at that moment is 404: shown as not there
          meetingId ? get<MeetingDoc>(`/api/meetings/${encodeURIComponent(meetingId)}`, at).catch(() => null) : null,
          meetingId ? get<Minutes>(`/api/meetings/${encodeURIComponent(meetingId)}/minutes`, at).catch(() => null) : null,
        ]);
        setMoment({ portfolio, cycle, followUps, meeting, minutes });
        setError(null);
      } catch (e) {
        setError(e);
      }
    }, 200);
    return () => clearTimeout(timer);
  }, [position, committee, year, meetingId]);
  if (error) return <ProblemAlert error={error} />;
  if (!moment) return null;
  return (
    <div className="asof-views">
      <h3>{t('portfolioAsOf')}</h3>
      <Answered answer={moment.portfolio} id="portfolio-asof-position" />
      <div id="portfolio-asof" data-count={moment.portfolio.data.length}>
        <DataTable
          rows={moment.portfolio.data}
          rowKey={(p) => p.id}
          label={t('portfolioAsOf')}
          className="portfolio"
          columns={[
            { header: 'name', cell: (p) => p.name },
            { header: 'phase', cell: (p) => p.phase ?? t('dash') },
            { header: 'status', cell: (p) => p.status ?? t('dash') },
            { header: 'risk', cell: (p) => p.risk ?? t('dash') },
            { header: 'decisions', cell: (p) => p.decisions.length },
          ]}
        />
      </div>
      {moment.cycle ? (
        <>
          <h3>{t('cycleAsOf', { c: committee, y: year })}</h3>
          <Answered answer={moment.cycle} id="cycle-asof-position" />
          <ul id="cycle-asof" data-count={moment.cycle.data.length}>
            {moment.cycle.data.map((m) => (
              <li key={m.meetingId} data-meeting={m.meetingId} data-state={m.state}>
                {t('meetingN', { n: m.number })} {formatDate(m.date, lang)} <MeetingStateTag state={m.state} /> {t('casesCount', { decided: m.decided, cases: m.cases })}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>{t('followUpsAsOf')}</h3>
      <Answered answer={moment.followUps} id="followups-asof-position" />
      <ul id="followups-asof" data-count={moment.followUps.data.length}>
        {moment.followUps.data.map((f) => (
          <li key={f.id} data-open={String(f.open)}>
            {f.text} ({t(f.open ? 'open' : f.closed ? 'closed' : 'met')})
          </li>
        ))}
      </ul>
      {meetingId ? (
        <div id="meeting-asof" data-state={moment.meeting?.data.state ?? ''}>
          <h3>{t('meetingAsOf')}</h3>
          {moment.meeting ? (
            <>
              <Answered answer={moment.meeting} id="meeting-asof-position" />
              <Paragraph>
                {t('meetingN', { n: moment.meeting.data.number })} {formatDate(moment.meeting.data.date, lang)} <MeetingStateTag state={moment.meeting.data.state} />
              </Paragraph>
              <ol>
                {moment.meeting.data.agenda.map((a) => (
                  <li key={a.caseId}>
                    {a.number ?? ''} {a.title} ({t(`caseState.${a.state}` as Key)})
                  </li>
                ))}
              </ol>
            </>
          ) : (
            <Paragraph>{t('notYet')}</Paragraph>
          )}
          {moment.minutes ? (
            <>
              <h3>{t('minutesAsOf')}</h3>
              <Answered answer={moment.minutes} id="minutes-asof-position" />
              <MinutesView minutes={moment.minutes.data} />
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

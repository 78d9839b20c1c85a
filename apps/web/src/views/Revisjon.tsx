/**
 * Revisjon (auditor): the global log with filters; a time slider over the log that shows, as
 * they stood after the chosen event (`?atPosition=`, every read takes it), the decisions register,
 * a chosen case, the portfolio, the committee's annual cycle of that year, the follow-ups, and a
 * chosen meeting with its minutes (AsOfViews), each with the position the server answered
 * (`X-Saksflyt-Position`);
 * chain verification with its result; the export download (JSON or Noark 5-style XML).
 */
import { Alert, Button, Heading, Paragraph } from '@digdir/designsystemet-react';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, get, getBlob, saveBlob, type Answer } from '../api/client';
import { useCommittees } from '../api/hooks';
import type { AuditEvent, AuditPage, CaseDoc, DecisionRow, Verify } from '../api/types';
import { DataTable } from '../components/DataTable';
import { CaseStateTag, ProblemAlert, SelectField, TextField, Loading } from '../components/ui';
import { formatTime, useI18n, type Key } from '../i18n';
import { DecisionsTable } from './Vedtak';
import { AsOfViews } from './AsOfViews';

const PAGE = 1000;
const MAX_PAGES = 50;
const atOf = (e: AuditEvent) => e.metadata.at ?? '';

export function Revisjon() {
  const { t, lang } = useI18n();
  const committees = useCommittees();
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [type, setType] = useState('');
  const [stream, setStream] = useState('');
  const [actor, setActor] = useState('');
  const [index, setIndex] = useState(0);
  const [asOf, setAsOf] = useState<{ register: Answer<DecisionRow[]>; case: Answer<CaseDoc> | null; caseError: unknown } | null>(null);
  const [meetingId, setMeetingId] = useState('');
  const [cycleCommittee, setCycleCommittee] = useState('');
  const [caseId, setCaseId] = useState('');
  const [verify, setVerify] = useState<Verify | null>(null);
  const [verifyError, setVerifyError] = useState<unknown>(null);
  const [exp, setExp] = useState({ committee: '', year: String(new Date().getFullYear()), format: 'application/json' });
  const [expError, setExpError] = useState<unknown>(null);

  useEffect(() => {
    (async () => {
      const all: AuditEvent[] = [];
      let from: number | null | undefined;
      for (let i = 0; i < MAX_PAGES; i++) {
        const a = await get<AuditPage>('/api/audit/events', { limit: PAGE, fromPosition: from ?? undefined });
        all.push(...a.data.events);
        if (a.data.nextPosition === null) break;
        from = a.data.nextPosition;
      }
      setEvents(all);
      setIndex(all.length - 1);
    })().catch(setError);
  }, []);

  const types = useMemo(() => [...new Set((events ?? []).map((e) => e.type))].sort(), [events]);
  const caseIds = useMemo(
    () => (events ?? []).filter((e) => e.type === 'CaseDrafted').map((e) => ({ id: String((e.data as { caseId?: string }).caseId ?? e.stream), title: String((e.data as { title?: string }).title ?? '') })),
    [events],
  );
  const meetingIds = useMemo(
    () => (events ?? []).filter((e) => e.type === 'MeetingPlanned').map((e) => ({ id: String((e.data as { meetingId?: string }).meetingId ?? e.stream), label: `${String((e.data as { committee?: string }).committee ?? '')} ${String((e.data as { number?: string }).number ?? '')} ${String((e.data as { date?: string }).date ?? '')}` })),
    [events],
  );
  const filtered = useMemo(
    () =>
      (events ?? []).filter(
        (e) => (!type || e.type === type) && (!stream || e.stream.toLowerCase().includes(stream.toLowerCase())) && (!actor || String(e.metadata?.actor ?? '').toLowerCase().includes(actor.toLowerCase())),
      ),
    [events, type, stream, actor],
  );
  const chosen = events?.[index];

  // the register and the case as they stood after the chosen event (debounced while the slider moves)
  useEffect(() => {
    if (!chosen) return;
    const timer = setTimeout(async () => {
      try {
        const register = await get<DecisionRow[]>('/api/decisions', { atPosition: chosen.position });
        let c: Answer<CaseDoc> | null = null;
        let caseError: unknown = null;
        if (caseId) {
          try {
            c = await get<CaseDoc>(`/api/cases/${encodeURIComponent(caseId)}`, { atPosition: chosen.position });
          } catch (e) {
            caseError = e;
          }
        }
        setAsOf({ register, case: c, caseError });
      } catch (e) {
        setError(e);
      }
    }, 200);
    return () => clearTimeout(timer);
  }, [chosen, caseId]);

  if (error instanceof ApiError && (error.status === 401 || error.status === 403))
    return (
      <>
        <Heading level={1} tabIndex={-1}>
          {t('view.revisjon')}
        </Heading>
        <Paragraph>{t('auditorOnly')}</Paragraph>
        <ProblemAlert error={error} />
      </>
    );
  return (
    <>
      <Heading level={1} tabIndex={-1}>
        {t('view.revisjon')}
      </Heading>
      <Paragraph>{t('revisjonIntro')}</Paragraph>
      <ProblemAlert error={error} />
      <section aria-labelledby="verify-h">
        <h2 id="verify-h">{t('verify')}</h2>
        <Button
          id="verify-button"
          onClick={async () => {
            setVerify(null);
            setVerifyError(null);
            try {
              setVerify((await get<Verify>('/api/audit/verify')).data);
            } catch (e) {
              setVerifyError(e);
            }
          }}
        >
          {t('verify')}
        </Button>
        <div aria-live="polite" id="verify-result">
          {verify ? (
            <Alert data-color={verify.ok ? 'success' : 'danger'} data-ok={String(verify.ok)}>
              {verify.ok ? t('verifyOk', { n: verify.events, hash: verify.headHash.slice(0, 16) + '…' }) : t('verifyBad', { p: verify.firstBadPosition })}
            </Alert>
          ) : null}
        </div>
        <ProblemAlert error={verifyError} />
      </section>
      <section aria-labelledby="slider-h">
        <h2 id="slider-h">{t('timeSlider')}</h2>
        {!events ? (
          <Loading />
        ) : events.length ? (
          <>
            <div className="slider">
              <label htmlFor="time-slider">{t('timeSliderLabel')}</label>
              <input
                id="time-slider"
                type="range"
                min={0}
                max={events.length - 1}
                step={1}
                value={index}
                aria-valuetext={chosen ? t('asOfLabel', { p: chosen.position, at: formatTime(atOf(chosen), lang) }) : undefined}
                onChange={(e) => setIndex(Number(e.target.value))}
              />
              <output htmlFor="time-slider" id="time-slider-out" data-position={chosen?.position} data-at={chosen ? atOf(chosen) : undefined}>
                {chosen ? `${t('asOfLabel', { p: chosen.position, at: formatTime(atOf(chosen), lang) })}: ${chosen.type}` : ''}
              </output>
            </div>
            <SelectField
              label={t('caseIdLabel')}
              name="caseId"
              value={caseId}
              onChange={setCaseId}
              options={[{ value: '', label: t('none') }, ...caseIds.map((c) => ({ value: c.id, label: `${c.title} (${c.id.slice(0, 8)})` }))]}
            />
            <SelectField label={t('meetingIdLabel')} name="meetingId" value={meetingId} onChange={setMeetingId} options={[{ value: '', label: t('none') }, ...meetingIds.map((m) => ({ value: m.id, label: m.label }))]} />
            <SelectField label={t('committee')} name="cycleCommittee" value={cycleCommittee || committees[0]?.code || ''} onChange={setCycleCommittee} options={committees.map((c) => ({ value: c.code, label: c.code }))} />
            {asOf ? (
              <>
                {caseId ? (
                  <div className="case-asof" data-case-state={asOf.case?.data.state}>
                    <h3>{t('caseAsOf')}</h3>
                    {asOf.case ? (
                      <Paragraph>
                        {asOf.case.data.number ? t('caseN', { n: String(asOf.case.data.number) }) : ''} {asOf.case.data.title} <CaseStateTag state={asOf.case.data.state} /> {asOf.case.data.resolution ? `– ${String(asOf.case.data.resolution)}` : ''}{' '}
                        <span className="answered" id="case-asof-position" data-position={asOf.case.position ?? ''}>({t('answeredAt', { p: asOf.case.position ?? '?' })})</span>
                      </Paragraph>
                    ) : (
                      <ProblemAlert error={asOf.caseError} />
                    )}
                  </div>
                ) : null}
                <h3>{t('registerAsOf')}</h3>
                <Paragraph data-size="sm" className="answered" id="register-asof-position" data-position={asOf.register.position ?? ''}>
                  {t('answeredAt', { p: asOf.register.position ?? '?' })}
                </Paragraph>
                <div id="register-asof" data-count={asOf.register.data.length}>
                  <DecisionsTable rows={asOf.register.data} caption={t('registerAsOf')} />
                </div>
                {chosen ? <AsOfViews position={chosen.position} committee={cycleCommittee || committees[0]?.code || ''} year={(atOf(chosen) || new Date().toISOString()).slice(0, 4)} meetingId={meetingId} /> : null}
              </>
            ) : null}
          </>
        ) : null}
      </section>
      <section aria-labelledby="log-h">
        <h2 id="log-h">{t('log')}</h2>
        <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <SelectField label={t('eventType')} name="type" value={type} onChange={setType} options={[{ value: '', label: t('all') }, ...types.map((x) => ({ value: x, label: x }))]} />
          <TextField label={t('stream')} name="stream" value={stream} onChange={setStream} />
          <TextField label={t('actor')} name="actor" value={actor} onChange={setActor} />
        </form>
        <Paragraph data-size="sm">
          {filtered.length} / {events?.length ?? 0}
        </Paragraph>
        <DataTable
          rows={filtered.slice(-200).reverse()}
          rowKey={(e) => String(e.position)}
          label={t('log')}
          className="log"
          columns={[
            { header: 'position', title: '#', cell: (e) => e.position },
            { header: 'at', cell: (e) => formatTime(atOf(e), lang) },
            { header: 'eventType', cell: (e) => e.type },
            { header: 'stream', cell: (e) => e.stream },
            { header: 'actor', cell: (e) => String(e.metadata.actor ?? '') },
          ]}
        />
      </section>
      <section aria-labelledby="export-h">
        <h2 id="export-h">{t('export')}</h2>
        <form
          className="filters"
          onSubmit={async (e) => {
            e.preventDefault();
            setExpError(null);
            try {
              const blob = await getBlob('/api/audit/export', exp.format, { committee: exp.committee || committees[0]?.code, year: exp.year });
              saveBlob(blob, `saksflyt-${exp.committee || committees[0]?.code}-${exp.year}.${exp.format.endsWith('xml') ? 'xml' : 'json'}`);
            } catch (err) {
              setExpError(err);
            }
          }}
        >
          <SelectField label={t('committee')} name="committee" value={exp.committee || committees[0]?.code || ''} onChange={(committee) => setExp({ ...exp, committee })} options={committees.map((c) => ({ value: c.code, label: c.code }))} />
          <TextField label={t('year')} name="year" value={exp.year} onChange={(year) => setExp({ ...exp, year })} />
          <SelectField label="Format" name="format" value={exp.format} onChange={(format) => setExp({ ...exp, format })} options={[{ value: 'application/json', label: 'JSON' }, { value: 'application/xml', label: 'Noark 5 XML' }]} />
          <Button type="submit">{t('downloadExport')}</Button>
        </form>
        <ProblemAlert error={expError} />
      </section>
    </>
  );
}

export type { Key };

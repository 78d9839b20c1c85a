/**
 * Vedtak: the decisions register, live over /api/live/decisions. The snapshot is the register;
 * each change message carries the changed rows, which replace their rows (by case) or go in at
 * their place (newest meeting first). Search and filters run over the rows in the page (the same
 * rule as the API's `q`: title and resolution, case-insensitive). New rows are announced once
 * per change, politely.
 */
import { Heading, Paragraph, Tag } from '@digdir/designsystemet-react';
import { useMemo, useState } from 'react';
import { useCommittees } from '../api/hooks';
import { useFeed } from '../api/live';
import type { DecisionRow } from '../api/types';
import { DataTable } from '../components/DataTable';
import { Loading, SelectField, TextField } from '../components/ui';
import { DissentView } from '../components/decisions';
import { formatDate, useI18n, type Key } from '../i18n';
import { href } from '../router';

const keyOf = (r: DecisionRow) => r.caseId ?? r.historyId ?? `${r.committee}-${r.number}`;

/** Newest meeting first; within a meeting the order rows came in (agenda order from the API). */
export function mergeRows(rows: DecisionRow[], changed: DecisionRow[]): DecisionRow[] {
  const out = [...rows];
  for (const c of changed) {
    const i = out.findIndex((r) => keyOf(r) === keyOf(c));
    if (i >= 0) {
      out[i] = c;
      continue;
    }
    const sameMeeting = c.meetingId ? out.map((r) => r.meetingId).lastIndexOf(c.meetingId) : -1;
    if (sameMeeting >= 0) {
      out.splice(sameMeeting + 1, 0, c);
      continue;
    }
    const at = out.findIndex((r) => (r.date ?? '') < (c.date ?? ''));
    out.splice(at < 0 ? out.length : at, 0, c);
  }
  return out;
}

export function DecisionsTable({ rows, caption }: { rows: DecisionRow[]; caption: string }) {
  const { t, lang } = useI18n();
  return (
    <DataTable
      rows={rows}
      rowKey={keyOf}
      label={caption}
      caption
      className="decisions"
      columns={[
        { header: 'number', cell: (r) => (r.caseId ? <a href={href({ view: 'sak', id: r.caseId })}>{r.number ?? t('dash')}</a> : (r.number ?? t('dash'))) },
        { header: 'title', cell: (r) => r.title },
        { header: 'committee', cell: (r) => r.committee },
        {
          header: 'meeting',
          cell: (r) => (
            <>
              {r.meetingId ? <a href={href({ view: 'mote', id: r.meetingId })}>{t('meetingN', { n: r.meetingNumber ?? '' })}</a> : null} {formatDate(r.date, lang)}
            </>
          ),
        },
        {
          header: 'outcome',
          cell: (r) => (
            <>
              {r.outcome ? t(`outcome.${r.outcome}` as Key) : t('dash')}
              {r.minutesApproved ? (
                <Tag data-color="success" data-size="sm">
                  {t('minutesApproved')}
                </Tag>
              ) : null}
            </>
          ),
        },
        {
          header: 'resolution',
          className: 'resolution',
          cell: (r) => (
            <>
              {r.resolution}
              {r.conditions ? <em className="conditions"> {r.conditions}</em> : null}
              {r.amended ? (
                <Tag data-color="info" data-size="sm">
                  {t('amended')}
                </Tag>
              ) : null}
              <RowExtras row={r} />
            </>
          ),
        },
      ]}
    />
  );
}

/** Per row, what issue 11 added to a decision: the vote's tally, the dissent, and whether it was decided by written procedure (with its tally). */
function RowExtras({ row: r }: { row: DecisionRow }) {
  const { t } = useI18n();
  return (
    <>
      {r.writtenProcedure ? (
        <div data-row-written>
          <Tag data-color="accent" data-size="sm">
            {t('rowWritten')}
          </Tag>
          {r.writtenProcedureOutcome ? <span data-row-written-tally> {t('writtenTally', { a: r.writtenProcedureOutcome.tally.agree, d: r.writtenProcedureOutcome.tally.disagree })}</span> : null}
        </div>
      ) : null}
      {r.votes ? (
        <div data-row-votes title={[...r.votes.for.map((m) => `${t('vote.for')}: ${m.name}`), ...r.votes.against.map((m) => `${t('vote.against')}: ${m.name}`), ...r.votes.abstained.map((m) => `${t('vote.abstained')}: ${m.name}`)].join('\n')}>
          {t('rowVotes', { f: r.votes.tally.for, a: r.votes.tally.against, b: r.votes.tally.abstained })}
        </div>
      ) : null}
      {r.dissent?.length ? <DissentView dissent={r.dissent} /> : null}
    </>
  );
}

export function Vedtak() {
  const { t } = useI18n();
  const committees = useCommittees();
  const [rows, setRows] = useState<DecisionRow[] | null>(null);
  const [announce, setAnnounce] = useState('');
  const [committee, setCommittee] = useState('');
  const [year, setYear] = useState('');
  const [q, setQ] = useState('');
  useFeed<DecisionRow[], DecisionRow[]>('/api/live/decisions', {
    onSnapshot: (data) => setRows(data),
    onChange: (changed) => {
      setRows((prev) => {
        const before = new Set((prev ?? []).map(keyOf));
        const fresh = changed.filter((c) => !before.has(keyOf(c))).length;
        if (fresh) setAnnounce(t('newDecisions', { n: fresh }));
        return mergeRows(prev ?? [], changed);
      });
    },
  });
  const shown = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return (rows ?? []).filter(
      (r) =>
        (!committee || r.committee === committee) &&
        (!year || (r.date ?? '').startsWith(year) || (r.number ?? '').endsWith(`/${year.slice(2)}`)) &&
        (!needle || `${r.title}\n${r.resolution}\n${r.number ?? ''}`.toLowerCase().includes(needle)),
    );
  }, [rows, committee, year, q]);
  return (
    <>
      <Heading level={1} tabIndex={-1}>
        {t('view.vedtak')}
      </Heading>
      <Paragraph>{t('vedtakIntro')}</Paragraph>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <TextField label={t('search')} name="q" type="search" value={q} onChange={setQ} />
        <SelectField label={t('committee')} name="committee" value={committee} onChange={setCommittee} options={[{ value: '', label: t('all') }, ...committees.map((c) => ({ value: c.code, label: `${c.code} – ${c.name}` }))]} />
        <TextField label={t('year')} name="year" value={year} onChange={setYear} />
      </form>
      <p className="visually-hidden" aria-live="polite" id="vedtak-announce">
        {announce}
      </p>
      {rows === null ? (
        <Loading />
      ) : (
        <>
          <Paragraph data-size="sm" id="vedtak-count">
            {t('vedtakCount', { n: shown.length })}
          </Paragraph>
          <DecisionsTable rows={shown} caption={t('view.vedtak')} />
        </>
      )}
    </>
  );
}

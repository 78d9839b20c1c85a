/**
 * Oppfølging: the follow-ups promised in minutes, open ones by default. There is no follow-up
 * feed: the view follows /api/live/decisions (a follow-up is met when a case naming it is decided)
 * and reads the list again at that change's position. Each row shows its owner, due date and
 * *Forfalt* when it is open past its due date; the secretariat closes one no case will meet with
 * *Lukk* and a reason (POST /api/followups/{id}/close), shown on the row as *Lukket: …*.
 */
import { Button, Heading, Paragraph, Switch, Table, Tag } from '@digdir/designsystemet-react';
import { useState, type FormEvent } from 'react';
import { ApiError, post } from '../api/client';
import { useGet } from '../api/hooks';
import { useFeed } from '../api/live';
import type { CloseFollowUp, DecisionRow, FollowUp, FollowUpWriteResult } from '../api/types';
import { useAuth } from '../auth';
import { Loading, ProblemAlert, TextField } from '../components/ui';
import { formatDate, useI18n } from '../i18n';
import { href } from '../router';

function CloseForm({ row, onDone, onCancel }: { row: FollowUp; onDone(position: number): void; onCancel(): void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<Error | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const body: CloseFollowUp = { reason };
    try {
      const a = await post<FollowUpWriteResult>(`/api/followups/${encodeURIComponent(row.id)}/close`, body);
      onDone(a.data.position);
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <form onSubmit={submit} className="command-form" id="close-follow-up" data-follow-up={row.id} noValidate aria-label={t('closeFollowUpOf', { text: row.text })}>
      <ProblemAlert error={error} />
      <TextField label={t('closeReason')} name="reason" multiline required autoFocus value={reason} error={error instanceof ApiError ? error : null} onChange={setReason} />
      <div className="buttons">
        <Button type="submit">{t('closeFollowUp')}</Button>
        <Button type="button" variant="tertiary" onClick={onCancel}>
          {t('cancel')}
        </Button>
      </div>
    </form>
  );
}

export function Oppfolging() {
  const { t, lang } = useI18n();
  const [onlyOpen, setOnlyOpen] = useState(true);
  const list = useGet<FollowUp[]>('/api/followups', onlyOpen ? { open: true } : undefined);
  useFeed<DecisionRow[], DecisionRow[]>('/api/live/decisions', { onSnapshot: () => {}, onChange: (_r, p) => void list.reload(p) });
  const rows = list.data;
  const auth = useAuth();
  const [closing, setClosing] = useState<string | null>(null);
  const closingRow = rows?.find((r) => r.id === closing) ?? null;
  return (
    <>
      <Heading level={1} tabIndex={-1}>
        {t('view.oppfolging')}
      </Heading>
      <Paragraph>{t('oppfolgingIntro')}</Paragraph>
      <Switch label={t('onlyOpen')} checked={onlyOpen} onChange={(e) => setOnlyOpen(e.target.checked)} />
      <ProblemAlert error={list.error} />
      {closingRow ? (
        <CloseForm
          key={closingRow.id}
          row={closingRow}
          onCancel={() => setClosing(null)}
          onDone={(p) => {
            setClosing(null);
            void list.reload(p);
          }}
        />
      ) : null}
      {!rows ? (
        <Loading />
      ) : rows.length === 0 ? (
        <Paragraph>{t('none')}</Paragraph>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label={t('view.oppfolging')}>
          <Table zebra data-size="sm" className="followups">
            <Table.Head>
              <Table.Row>
                <Table.HeaderCell>{t('text')}</Table.HeaderCell>
                <Table.HeaderCell>{t('committee')}</Table.HeaderCell>
                <Table.HeaderCell>{t('view.sak')}</Table.HeaderCell>
                <Table.HeaderCell>{t('owner')}</Table.HeaderCell>
                <Table.HeaderCell>{t('due')}</Table.HeaderCell>
                <Table.HeaderCell>{t('state')}</Table.HeaderCell>
              </Table.Row>
            </Table.Head>
            <Table.Body>
              {rows.map((f) => (
                <Table.Row key={f.id} data-key={f.id}>
                  <Table.Cell>{f.text}</Table.Cell>
                  <Table.Cell>{f.committee}</Table.Cell>
                  <Table.Cell>
                    <a href={href({ view: 'sak', id: f.caseId })}>{t('openCase')}</a>
                  </Table.Cell>
                  <Table.Cell>{f.owner ?? t('dash')}</Table.Cell>
                  <Table.Cell>{f.due ? formatDate(f.due, lang) : t('dash')}</Table.Cell>
                  <Table.Cell>
                    {f.open ? (
                      f.overdue ? (
                        <Tag data-color="danger" data-overdue="true">
                          {t('overdue')}
                        </Tag>
                      ) : (
                        <Tag data-color="warning">{t('open')}</Tag>
                      )
                    ) : f.closed ? (
                      <Tag data-color="neutral" data-closed="true">
                        {t('closed')}
                      </Tag>
                    ) : (
                      <Tag data-color="success">{t('met')}</Tag>
                    )}
                    {f.closed ? <span className="closed-reason"> {t('closedBecause', { r: f.closed.reason })}</span> : null}
                    {f.open && auth.signedIn ? (
                      <>
                        {' '}
                        <Button variant="tertiary" data-size="sm" data-close={f.id} aria-label={t('closeFollowUpOf', { text: f.text })} aria-expanded={closing === f.id} onClick={() => setClosing(closing === f.id ? null : f.id)}>
                          {t('closeFollowUp')}
                        </Button>
                      </>
                    ) : null}
                    {f.metBy ? (
                      <>
                        {' '}
                        <a href={href({ view: 'sak', id: f.metBy })}>{t('openCase')}</a>
                      </>
                    ) : null}
                  </Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        </div>
      )}
    </>
  );
}

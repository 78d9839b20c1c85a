/**
 * Oppfølging: the follow-ups promised in minutes, open ones by default. There is no follow-up
 * feed: the view follows /api/live/decisions (a follow-up is met when a case naming it is decided)
 * and reads the list again at that change's position. Owner, due date and close come with the
 * follow-ups extension; the columns show them when the API gives them.
 */
import { Heading, Paragraph, Switch, Table, Tag } from '@digdir/designsystemet-react';
import { useState } from 'react';
import { useGet } from '../api/hooks';
import { useFeed } from '../api/live';
import type { DecisionRow, FollowUp } from '../api/types';
import { Loading, ProblemAlert } from '../components/ui';
import { formatDate, useI18n } from '../i18n';
import { href } from '../router';

export function Oppfolging() {
  const { t, lang } = useI18n();
  const [onlyOpen, setOnlyOpen] = useState(true);
  const list = useGet<FollowUp[]>('/api/followups', onlyOpen ? { open: true } : undefined);
  useFeed<DecisionRow[], DecisionRow[]>('/api/live/decisions', { onSnapshot: () => {}, onChange: (_r, p) => void list.reload(p) });
  const rows = list.data;
  return (
    <>
      <Heading level={1} tabIndex={-1}>
        {t('view.oppfolging')}
      </Heading>
      <Paragraph>{t('oppfolgingIntro')}</Paragraph>
      <Switch label={t('onlyOpen')} checked={onlyOpen} onChange={(e) => setOnlyOpen(e.target.checked)} />
      <ProblemAlert error={list.error} />
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
                <Table.HeaderCell>{t('date')}</Table.HeaderCell>
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
                    {f.open ? <Tag data-color={f.overdue ? 'danger' : 'warning'}>{t('open')}</Tag> : <Tag data-color="success">{t('met')}</Tag>}
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

/**
 * Portefølje: the portfolio's projects by phase and status with risk, as a chart (recharts:
 * projects per phase, stacked by risk) and a table with the decisions that touched each project.
 * Live over /api/live/portfolio: the change rows are projects, which replace their rows.
 * Loaded lazily (recharts is not part of the first load).
 */
import { Heading, Paragraph } from '@digdir/designsystemet-react';
import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useFeed } from '../api/live';
import type { PortfolioProject } from '../api/types';
import { DataTable } from '../components/DataTable';
import { Loading, SelectField } from '../components/ui';
import { formatDate, useI18n, type Key } from '../i18n';

const RISK_COLORS: Record<string, string> = { høy: '#b3261e', middels: '#8a5a00', lav: '#1e6b3a' };
const FALLBACK = '#4a5a70';

export default function Portefolje() {
  const { t, lang } = useI18n();
  const [projects, setProjects] = useState<PortfolioProject[] | null>(null);
  const [status, setStatus] = useState('');
  useFeed<PortfolioProject[], PortfolioProject[]>('/api/live/portfolio', {
    onSnapshot: (d) => setProjects(d),
    onChange: (rows) =>
      setProjects((prev) => {
        const out = [...(prev ?? [])];
        for (const r of rows) {
          const i = out.findIndex((p) => p.id === r.id);
          if (i >= 0) out[i] = r;
          else out.push(r);
        }
        return out;
      }),
  });
  const shown = (projects ?? []).filter((p) => !status || (p.status ?? '') === status);
  const statuses = [...new Set((projects ?? []).map((p) => p.status ?? ''))].filter(Boolean).sort();
  const { data, risks } = useMemo(() => {
    const risks = [...new Set(shown.map((p) => p.risk ?? t('unknown')))].sort();
    const phases = new Map<string, Record<string, number | string>>();
    for (const p of shown) {
      const phase = p.phase ?? t('unknown');
      const row = phases.get(phase) ?? { phase };
      const r = p.risk ?? t('unknown');
      row[r] = Number(row[r] ?? 0) + 1;
      phases.set(phase, row);
    }
    return { data: [...phases.values()], risks };
  }, [shown, t]);
  const summary = data.map((d) => `${d.phase}: ${risks.map((r) => (d[r] ? `${d[r]} ${t('risk').toLowerCase()} ${r}` : '')).filter(Boolean).join(', ')}`).join('; ');
  return (
    <>
      <Heading level={1} tabIndex={-1}>
        {t('view.portefolje')}
      </Heading>
      <Paragraph>{t('portefoljeIntro')}</Paragraph>
      <div className="filters">
        <SelectField label={t('status')} name="status" value={status} onChange={setStatus} options={[{ value: '', label: t('all') }, ...statuses.map((s) => ({ value: s, label: s }))]} />
      </div>
      {!projects ? (
        <Loading />
      ) : projects.length === 0 ? (
        <Paragraph>{t('none')}</Paragraph>
      ) : (
        <>
          <figure className="chart" role="img" aria-label={`${t('chart')}. ${summary}`}>
            <figcaption>{t('chart')}</figcaption>
            <div style={{ width: '100%', height: 300 }} aria-hidden="true">
              <ResponsiveContainer>
                <BarChart accessibilityLayer={false} data={data} margin={{ top: 10, right: 10, bottom: 10, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="phase" />
                  <YAxis allowDecimals={false} />
                  <Tooltip />
                  <Legend />
                  {risks.map((r) => (
                    <Bar key={r} dataKey={r} stackId="risk" name={`${t('risk')}: ${r}`} fill={RISK_COLORS[r.toLowerCase()] ?? FALLBACK} isAnimationActive={false} />
                  ))}
                </BarChart>
              </ResponsiveContainer>
            </div>
          </figure>
          <DataTable
            rows={shown}
            rowKey={(p) => p.id}
            label={t('view.portefolje')}
            className="portfolio"
            columns={[
              { header: 'id', cell: (p) => p.id },
              { header: 'name', cell: (p) => p.name },
              { header: 'owner', cell: (p) => p.owner || t('dash') },
              { header: 'phase', cell: (p) => p.phase ?? t('dash') },
              { header: 'status', cell: (p) => p.status ?? t('dash') },
              { header: 'risk', cell: (p) => p.risk ?? t('dash') },
              { header: 'decisions', cell: (p) => p.decisions.map((d) => `${d.committee} ${d.number ?? ''} (${t(`outcome.${d.outcome}` as Key)}, ${formatDate(d.date, lang)})`).join('; ') || t('dash') },
            ]}
          />
        </>
      )}
    </>
  );
}

/**
 * The views' one table: a keyboard-scrollable region (named for screen readers) around a
 * Designsystemet table with a header row of column labels and one row per item (`data-key` its
 * key, which the browser tests and the live merges go by).
 */
import { Table } from '@digdir/designsystemet-react';
import type { ReactNode } from 'react';
import { useT, type Key } from '../i18n';

export interface Column<R> {
  header: Key;
  /** shown instead of the header's label (a symbol such as "#") */
  title?: string;
  cell(row: R): ReactNode;
  className?: string;
}

export function DataTable<R>({ rows, columns, rowKey, label, className, caption, zebra = true }: { rows: R[]; columns: Column<R>[]; rowKey(row: R): string; label: string; className: string; caption?: boolean; zebra?: boolean }) {
  const t = useT();
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label={label}>
      <Table zebra={zebra} data-size="sm" className={className}>
        {caption ? <caption className="visually-hidden">{label}</caption> : null}
        <Table.Head>
          <Table.Row>
            {columns.map((c) => (
              <Table.HeaderCell key={c.header}>{c.title ?? t(c.header)}</Table.HeaderCell>
            ))}
          </Table.Row>
        </Table.Head>
        <Table.Body>
          {rows.map((r) => (
            <Table.Row key={rowKey(r)} data-key={rowKey(r)}>
              {columns.map((c) => (
                <Table.Cell key={c.header} className={c.className}>
                  {c.cell(r)}
                </Table.Cell>
              ))}
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
    </div>
  );
}

/** Small building blocks over Designsystemet: fields with their API errors beside them, problem alerts, state tags. */
import { Alert, Field, Label, Select, Tag, Textfield, ValidationMessage, Paragraph } from '@digdir/designsystemet-react';
import { useId, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { useT, type Key } from '../i18n';

export function TextField(props: {
  label: string;
  name: string;
  value: string;
  onChange(v: string): void;
  error?: ApiError | null;
  multiline?: boolean;
  type?: 'text' | 'date' | 'time' | 'search' | 'number';
  required?: boolean;
  description?: string;
  autoFocus?: boolean;
}) {
  const msg = props.error?.field(props.name);
  const common = {
    label: props.label,
    name: props.name,
    value: props.value,
    description: props.description,
    error: msg,
    required: props.required,
    autoFocus: props.autoFocus,
    'data-field': props.name,
  };
  return props.multiline ? (
    <Textfield {...common} multiline rows={3} onChange={(e) => props.onChange(e.target.value)} />
  ) : (
    <Textfield {...common} type={props.type ?? 'text'} onChange={(e) => props.onChange(e.target.value)} />
  );
}

export function SelectField(props: {
  label: string;
  name: string;
  value: string;
  onChange(v: string): void;
  options: { value: string; label: string }[];
  error?: ApiError | null;
  required?: boolean;
}) {
  const id = useId();
  const msg = props.error?.field(props.name);
  return (
    <Field data-field={props.name}>
      <Label htmlFor={id}>{props.label}</Label>
      <Select id={id} name={props.name} value={props.value} required={props.required} aria-invalid={msg ? true : undefined} onChange={(e) => props.onChange(e.target.value)}>
        {props.options.map((o) => (
          <Select.Option key={o.value} value={o.value}>
            {o.label}
          </Select.Option>
        ))}
      </Select>
      {msg ? <ValidationMessage>{msg}</ValidationMessage> : null}
    </Field>
  );
}

/** A refusal as the API gave it: title, detail, allowed commands; field errors are shown beside the fields. */
export function ProblemAlert({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  if (!(error instanceof ApiError)) return <Alert data-color="danger">{String(error)}</Alert>;
  const p = error.problem;
  const known: Partial<Record<number, Key>> = { 401: 'needsSignIn', 403: 'forbidden', 404: 'notFound' };
  const k = known[p.status];
  return (
    <Alert data-color="danger" role="alert" data-problem={p.status}>
      <Paragraph>
        <strong>
          {p.status} {p.title}
        </strong>
        {p.detail ? `: ${p.detail}` : ''}
      </Paragraph>
      {k ? <Paragraph>{t(k)}</Paragraph> : null}
      {p.errors?.length ? <Paragraph>{t('fixErrors')}</Paragraph> : null}
    </Alert>
  );
}

const STATE_COLOR: Record<string, 'neutral' | 'info' | 'warning' | 'success' | 'danger' | 'accent'> = {
  draft: 'neutral',
  scheduled: 'info',
  discussion: 'warning',
  endorsement: 'success',
  orientation: 'success',
  withdrawn: 'danger',
  planned: 'neutral',
  noticed: 'info',
  in_session: 'warning',
  held: 'success',
  cancelled: 'danger',
};

export function CaseStateTag({ state }: { state: string }) {
  const t = useT();
  return (
    <Tag data-color={STATE_COLOR[state] ?? 'neutral'} data-state={state}>
      {t(`caseState.${state}` as Key)}
    </Tag>
  );
}

export function MeetingStateTag({ state }: { state: string }) {
  const t = useT();
  return (
    <Tag data-color={STATE_COLOR[state] ?? 'neutral'} data-state={state}>
      {t(`meetingState.${state}` as Key)}
    </Tag>
  );
}

export function Loading() {
  const t = useT();
  return <Paragraph aria-busy="true">{t('loading')}</Paragraph>;
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  return (
    <section aria-labelledby={id ? `${id}-h` : undefined} className="section" id={id}>
      <h2 id={id ? `${id}-h` : undefined}>{title}</h2>
      {children}
    </section>
  );
}

export const lines = (s: string): string[] =>
  s
    .split('\n')
    .map((x) => x.trim())
    .filter(Boolean);

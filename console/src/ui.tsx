import { useId, useState, type ReactNode } from 'react';
import { BASE, navigate } from './router';
import { ApiError } from './api';

/** An in-app link: a real <a href> (keyboard, middle click, open in new tab) that navigates without a reload. */
export function Link(props: { to: string; children: ReactNode; className?: string; current?: boolean }) {
  const href = `${BASE}${props.to}`;
  return (
    <a
      href={href}
      className={props.className}
      aria-current={props.current ? 'page' : undefined}
      onClick={(event) => {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        event.preventDefault();
        navigate(href);
      }}
    >
      {props.children}
    </a>
  );
}

export interface FieldProps {
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

/** A labelled form field with its help text and, after a refused save, the server's error beside it. */
export function Field({ label, hint, error, children }: FieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, describedBy, invalid: Boolean(error) })}
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
    </div>
  );
}

/** A checkbox with its label after it. */
export function Check(props: { label: string; checked: boolean; onChange: (checked: boolean) => void; disabled?: boolean; hint?: ReactNode; error?: string | undefined; name?: string }) {
  const id = useId();
  return (
    <div className={`field field-check${props.error ? ' field-invalid' : ''}`}>
      <input
        type="checkbox"
        id={id}
        name={props.name}
        checked={props.checked}
        disabled={props.disabled}
        aria-describedby={props.hint || props.error ? `${id}-more` : undefined}
        aria-invalid={props.error ? true : undefined}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      <label htmlFor={id}>{props.label}</label>
      {(props.hint || props.error) && (
        <div id={`${id}-more`} className="check-more">
          {props.error && <p className="field-error">{props.error}</p>}
          {props.hint && <p className="hint">{props.hint}</p>}
        </div>
      )}
    </div>
  );
}

/** A radio button with its label after it, one choice of a fieldset whose legend names the question. */
export function Radio(props: { label: string; name: string; value: string; checked: boolean; onSelect: () => void; hint?: ReactNode }) {
  const id = useId();
  return (
    <div className="field field-check">
      <input
        type="radio"
        id={id}
        name={props.name}
        value={props.value}
        checked={props.checked}
        aria-describedby={props.hint ? `${id}-more` : undefined}
        onChange={(event) => event.target.checked && props.onSelect()}
      />
      <label htmlFor={id}>{props.label}</label>
      {props.hint && (
        <div id={`${id}-more`} className="check-more">
          <p className="hint">{props.hint}</p>
        </div>
      )}
    </div>
  );
}

export function Alert(props: { kind: 'error' | 'success' | 'info'; children: ReactNode }) {
  return (
    <div className={`alert alert-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.children}
    </div>
  );
}

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The summary above a form whose invalid fields are marked beside them: "Not saved: 2 fields need a change (marked below)." */
export function fieldsNeedChangeText(count: number, verb = 'Not saved'): string {
  return `${verb}: ${count === 1 ? 'one field needs' : `${count} fields need`} a change (marked below).`;
}

/** The server's message for each field it refused, by field name: every one when it named several. */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  if (error.fields.length > 0) {
    const errors: Record<string, string> = {};
    for (const { field, description } of error.fields) errors[field] = errors[field] === undefined ? description : `${errors[field]}; ${description}`;
    return errors;
  }
  if (error.field) return { [error.field]: error.message.startsWith(`${error.field}: `) ? error.message.slice(error.field.length + 2) : error.message };
  return {};
}

export function CopyButton(props: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="button-secondary"
      data-read=""
      onClick={() => {
        void navigator.clipboard.writeText(props.text).then(
          () => setCopied(true),
          () => setCopied(false),
        );
      }}
    >
      {copied ? 'Copied' : (props.label ?? 'Copy')}
    </button>
  );
}

/** A secret shown once: read-only, selectable, with a copy button and a warning that it will not come back. */
export function SecretOnce(props: { title: string; value: string; note?: string; onDone?: () => void }) {
  const id = useId();
  return (
    <section className="secret-once" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{props.title}</h3>
      <p>{props.note ?? 'Copy it now: it is shown only this once and Gatehouse keeps only a digest of it.'}</p>
      <div className="secret-row">
        <label htmlFor={id} className="visually-hidden">
          {props.title}
        </label>
        <input id={id} className="secret-value" readOnly value={props.value} onFocus={(event) => event.target.select()} data-testid="secret-value" />
        <CopyButton text={props.value} />
      </div>
      {props.onDone && (
        <button type="button" className="button-secondary" onClick={props.onDone}>
          I have stored it
        </button>
      )}
    </section>
  );
}

export function Pager(props: { total: number; limit: number; offset: number; onOffset: (offset: number) => void }) {
  const { total, limit, offset } = props;
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(total, offset + limit);
  return (
    <nav className="pager" aria-label="Pages">
      <span aria-live="polite">
        {first}–{last} of {total}
      </span>
      <button type="button" className="button-secondary" data-read="" disabled={offset === 0} onClick={() => props.onOffset(Math.max(0, offset - limit))}>
        Previous
      </button>
      <button type="button" className="button-secondary" data-read="" disabled={offset + limit >= total} onClick={() => props.onOffset(offset + limit)}>
        Next
      </button>
    </nav>
  );
}

/** The one date format of the console: day, month, year and time to the second, in the browser's language and time zone. */
const DATE_TIME = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A date and time as the console shows every one (an ISO string or epoch milliseconds); a dash for none. */
export function formatTime(time: string | number | null | undefined): string {
  if (time === null || time === undefined || time === '') return '—';
  const date = new Date(time);
  return Number.isNaN(date.getTime()) ? String(time) : DATE_TIME.format(date);
}

export function Badge(props: { kind: 'on' | 'off' | 'warn' | 'neutral'; children: ReactNode }) {
  return <span className={`badge badge-${props.kind}`}>{props.children}</span>;
}

import type { KeyboardEvent, ReactNode } from 'react';
import { Field } from '../ui';
import { jsonError } from './command-form';

/**
 * A JSON editor: a monospace textarea whose parse error (with line and column) appears under it as it is typed; a Format button re-indents valid JSON. An error from the server
 * (`error`) wins. Empty is allowed (the field is optional) unless the caller says otherwise through `error`.
 */
export function JsonField(props: {
  label: string;
  name: string;
  value: string;
  onChange: (value: string) => void;
  hint?: ReactNode;
  error?: string | undefined;
  rows?: number;
  /** Plain text instead of JSON (no parse check, no Format button). */
  plain?: boolean;
  placeholder?: string;
  onKeyDown?: (event: KeyboardEvent<HTMLTextAreaElement>) => void;
}) {
  // Checked as it is typed, not when the field is left: an error appearing on blur would move the buttons below
  // it between the press and the release of a click on them, and the click would be lost.
  const parseError = props.plain ? null : jsonError(props.value);
  const error = props.error ?? (parseError ? `Not JSON: ${parseError}` : undefined);
  const format = () => {
    try {
      props.onChange(JSON.stringify(JSON.parse(props.value), null, 2));
    } catch {
      // The parse error is already shown under the field.
    }
  };
  return (
    <Field label={props.label} hint={props.hint} error={error}>
      {({ id, describedBy, invalid }) => (
        <div className="json-field">
          <textarea
            id={id}
            name={props.name}
            className="code-input"
            rows={props.rows ?? 6}
            spellCheck={false}
            autoCapitalize="off"
            autoCorrect="off"
            value={props.value}
            placeholder={props.placeholder}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            onKeyDown={props.onKeyDown}
            onChange={(event) => props.onChange(event.target.value)}
          />
          {!props.plain && (
            <button type="button" className="button-secondary button-small" onClick={format} disabled={props.value.trim() === ''}>
              Format<span className="visually-hidden"> {props.label}</span>
            </button>
          )}
        </div>
      )}
    </Field>
  );
}

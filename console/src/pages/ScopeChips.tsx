import { useId, useState, type KeyboardEvent } from 'react';

/**
 * Scopes typed comma- or space-separated (Enter or comma adds), shown as removable chips, with
 * suggestions (the reserved scopes under their configured names, and the known application names) one click away.
 */
export function ScopeChips(props: {
  value: string[];
  onChange: (scopes: string[]) => void;
  suggestions: { scope: string; note: string }[];
  error?: string | undefined;
  label?: string;
  hintText?: string;
  /** The input's name (default `scope`). */
  name?: string;
}) {
  const id = useId();
  const [text, setText] = useState('');

  function add(raw: string) {
    const added = raw.split(/[\s,]+/).filter((scope) => scope !== '' && !props.value.includes(scope));
    if (added.length > 0) props.onChange([...props.value, ...added]);
    setText('');
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'Enter' || event.key === ',') {
      event.preventDefault();
      add(text);
    } else if (event.key === 'Backspace' && text === '' && props.value.length > 0) {
      props.onChange(props.value.slice(0, -1));
    }
  }

  const open = props.suggestions.filter((suggestion) => !props.value.includes(suggestion.scope));
  return (
    <div className={`field${props.error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{props.label ?? 'API scopes'}</label>
      <div className="chips" aria-live="polite">
        {props.value.length === 0 && <span className="hint">{props.label ? 'None.' : 'No scopes: this client can get tokens without any scope.'}</span>}
        {props.value.map((scope) => (
          <span key={scope} className="chip">
            {scope}
            <button type="button" className="chip-remove" aria-label={`Remove scope ${scope}`} onClick={() => props.onChange(props.value.filter((other) => other !== scope))}>
              ×
            </button>
          </span>
        ))}
      </div>
      <input
        id={id}
        name={props.name ?? 'scope'}
        value={text}
        placeholder="Type scopes, separated by commas"
        aria-describedby={`${id}-hint${props.error ? ` ${id}-error` : ''}`}
        aria-invalid={props.error ? true : undefined}
        onChange={(event) => {
          const value = event.target.value;
          if (/[\s,]$/.test(value)) add(value);
          else setText(value);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => add(text)}
      />
      {props.error && (
        <p className="field-error" id={`${id}-error`}>
          {props.error}
        </p>
      )}
      <p className="hint" id={`${id}-hint`}>
        Press Enter or type a comma to add a scope.{' '}
        {props.hintText ?? (
          <>
            <code>offline_access</code> is set by the refresh-token switch, not here.
          </>
        )}
      </p>
      {open.length > 0 && (
        <div className="suggestions" role="group" aria-label="Suggested scopes">
          <span className="hint">Suggestions:</span>
          {open.map((suggestion) => (
            <button key={suggestion.scope} type="button" className="chip chip-suggestion" title={suggestion.note} onClick={() => add(suggestion.scope)}>
              + {suggestion.scope}
              <span className="visually-hidden"> ({suggestion.note})</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

import { Radio } from '../ui';
import { ScopeChips } from './ScopeChips';

/**
 * What a token request without a scope gets, as the form holds it: `unset` (the wire's null), `none` (''), or
 * `list` (the scopes, space-separated on the wire).
 */
export interface DefaultScopeChoice {
  mode: 'unset' | 'none' | 'list';
  scopes: string[];
}

/** The choice shown for a wire value (a client's or a profile's `default_scope`). */
export function defaultScopeChoiceOf(value: string | null): DefaultScopeChoice {
  if (value === null) return { mode: 'unset', scopes: [] };
  const scopes = value.split(' ').filter((scope) => scope !== '');
  return scopes.length === 0 ? { mode: 'none', scopes: [] } : { mode: 'list', scopes };
}

/** The wire value of a choice; a list left empty is no scope (''). */
export function defaultScopeValueOf(choice: DefaultScopeChoice): string | null {
  if (choice.mode === 'unset') return null;
  return choice.mode === 'none' ? '' : choice.scopes.join(' ');
}

/**
 * The default scope of a client or a profile: not set, no scope, or a list of scopes. `unsetHint` says what "not set"
 * falls back to (for a client, its profile's default, else every allowed scope).
 */
export function DefaultScopeField(props: {
  name: string;
  value: DefaultScopeChoice;
  onChange: (choice: DefaultScopeChoice) => void;
  unsetHint: string;
  suggestions: { scope: string; note: string }[];
  error?: string | undefined;
}) {
  const { value, onChange } = props;
  return (
    <fieldset className={props.error && value.mode !== 'list' ? 'field-invalid' : undefined}>
      <legend>Default scope</legend>
      <p className="hint">What a token request without a scope parameter gets. A request that names its scope gets what it asks for, as far as it is allowed.</p>
      <Radio name={`${props.name}_mode`} value="unset" label="Not set" checked={value.mode === 'unset'} onSelect={() => onChange({ ...value, mode: 'unset' })} hint={props.unsetHint} />
      <Radio
        name={`${props.name}_mode`}
        value="none"
        label="No scope"
        checked={value.mode === 'none'}
        onSelect={() => onChange({ ...value, mode: 'none' })}
        hint="The token is good only for resources that need no particular scope; the others answer 403 naming the scope they need, so the app can ask for it."
      />
      <Radio
        name={`${props.name}_mode`}
        value="list"
        label="These scopes"
        checked={value.mode === 'list'}
        onSelect={() => onChange({ ...value, mode: 'list' })}
        hint="Each must be a scope the client may have, else such a request is refused (invalid_scope)."
      />
      {value.mode === 'list' && (
        <ScopeChips
          label="Default scopes"
          name={props.name}
          value={value.scopes}
          onChange={(scopes) => onChange({ mode: 'list', scopes })}
          suggestions={props.suggestions}
          error={props.error}
          hintText="Left empty, it means no scope."
        />
      )}
      {props.error && value.mode !== 'list' && <p className="field-error">{props.error}</p>}
    </fieldset>
  );
}

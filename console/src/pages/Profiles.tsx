import { useEffect, useState, type FormEvent } from 'react';
import {
  BUILT_IN_CHECKS,
  initialAccessTokenStatus,
  type CreatedInitialAccessTokenJson,
  type InitialAccessTokenJson,
  type SecurityProfileFile,
  type SecurityProfileJson,
} from '../../../src/admin-api/wire';
import { ApiError, api } from '../api';
import { useConfirm } from '../confirm-dialog';
import { takeKeptEdit, useKeptEdit } from '../kept-edits';
import { checkProfileForm, notSavedText } from '../settings-checks';
import { useUnsavedChanges } from '../unsaved-changes';
import { Alert, Check, Field, SecretOnce, errorText, fieldErrorsOf, formatTime } from '../ui';
import { DefaultScopeField, defaultScopeChoiceOf, defaultScopeValueOf } from './DefaultScopeField';
import { ScopeChips } from './ScopeChips';

/** The file of `gatehouse profiles pull` (the admin API's names, no registration switch). */
function toFile(profile: SecurityProfileJson): SecurityProfileFile {
  return {
    name: profile.name,
    max_token_expiration: profile.max_token_expiration,
    scope_element_mapping: profile.scope_element_mapping,
    mandatory_scope: profile.mandatory_scope,
    default_scope: profile.default_scope,
    registration_checks: profile.registration_checks,
  };
}

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** sessionStorage keys of the edits kept across an expired session (no secrets: settings and profile JSON only). */
const KEPT_EDITOR = 'profile-editor';
const KEPT_IMPORT = 'profile-import';

/** The profile editor's unsaved fields, kept with the profile's name. */
interface KeptProfileEdit {
  name: string;
  values: EditorValues;
}

export function Profiles() {
  // Edits kept when the session expired: the editor of the profile they belong to opens again, the import box gets its text back.
  const [kept] = useState(() => ({ editor: takeKeptEdit<KeptProfileEdit>(KEPT_EDITOR), importText: takeKeptEdit<string>(KEPT_IMPORT) }));
  const [profiles, setProfiles] = useState<SecurityProfileJson[] | null>(null);
  const [selected, setSelected] = useState<string | null>(kept.editor?.name ?? null);
  const [newName, setNewName] = useState('');
  const [importText, setImportText] = useState(kept.importText ?? '');
  const [importError, setImportError] = useState<string | undefined>(undefined);
  const [importRestored, setImportRestored] = useState(Boolean(kept.importText));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [editorDirty, setEditorDirty] = useState(false);
  const [confirm, confirmDialog] = useConfirm();
  // Text in the import box that was not imported is unsaved too: leaving asks, an expired session keeps it.
  const importPending = importText.trim() !== '';
  useUnsavedChanges(editorDirty || importPending, confirm);
  useKeptEdit(KEPT_IMPORT, importPending ? importText : null);

  const load = () =>
    api<{ profiles: SecurityProfileJson[] }>('GET', '/profiles').then(
      (found) => setProfiles(found.profiles),
      (failure: unknown) => setMessage({ kind: 'error', text: errorText(failure) }),
    );
  useEffect(() => {
    void load();
  }, []);

  async function create(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    setMessage(null);
    try {
      const created = await api<SecurityProfileJson>('POST', '/profiles', { name: newName });
      setNewName('');
      await load();
      setSelected(created.name);
    } catch (failure) {
      setErrors(fieldErrorsOf(failure));
      setMessage({ kind: 'error', text: errorText(failure) });
    }
  }

  async function importFile() {
    setMessage(null);
    setImportError(undefined);
    setImportRestored(false);
    let file: unknown;
    try {
      file = JSON.parse(importText);
    } catch {
      setImportError('The text is not JSON.');
      return;
    }
    if (file === null || typeof file !== 'object' || Array.isArray(file) || typeof (file as { name?: unknown }).name !== 'string') {
      setImportError('The file needs to be a JSON object with a "name".');
      return;
    }
    // Like `gatehouse profiles push`: the server checks the keys (the admin API's or the security framework's camelCase
    // ones); absent settings take their defaults; the registration switch stays as it is.
    const { name, ...settings } = file as Record<string, unknown> & { name: string };
    const existing = profiles?.find((profile) => profile.name === name);
    try {
      await api('PUT', `/profiles/${encodeURIComponent(name)}`, { ...settings, registration_enabled: existing?.registration_enabled ?? false });
      setImportText('');
      setMessage({ kind: 'success', text: `Profile ${name} ${existing ? 'replaced' : 'created'} from the file.` });
      await load();
      setSelected(name);
    } catch (failure) {
      // Every key the server refused, each with its message (values as typed), beside the box.
      const refused = Object.entries(fieldErrorsOf(failure));
      setImportError(refused.length > 0 ? `Not imported: ${refused.map(([field, reason]) => `${field}: ${reason}`).join('; ')}` : `Not imported: ${errorText(failure)}`);
    }
  }

  const current = profiles?.find((profile) => profile.name === selected) ?? null;
  return (
    <section aria-labelledby="profiles-title">
      <h1 id="profiles-title">Security profiles</h1>
      <p className="lead">
        How a client&apos;s scope is checked: which security checks each scope element needs, the scope whose checks run on every request, the scope of a request that names none, the longest token,
        and registration of app instances. Assign a profile to a client in the client&apos;s form.
      </p>
      {confirmDialog}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {profiles && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Profile</th>
                <th scope="col">Longest token (s)</th>
                <th scope="col">Mapped elements</th>
                <th scope="col">Mandatory scope</th>
                <th scope="col">Default scope</th>
                <th scope="col">Registration</th>
                <th scope="col">Last change</th>
              </tr>
            </thead>
            <tbody>
              {profiles.length === 0 && (
                <tr>
                  <td colSpan={7} className="empty">
                    No profiles yet.
                  </td>
                </tr>
              )}
              {profiles.map((profile) => (
                <tr key={profile.name} aria-selected={profile.name === selected}>
                  <td>
                    <button type="button" className="link-button" onClick={() => setSelected(profile.name)}>
                      {profile.name}
                    </button>
                  </td>
                  <td>{profile.max_token_expiration}</td>
                  <td>{Object.keys(profile.scope_element_mapping).join(', ') || '—'}</td>
                  <td>{profile.mandatory_scope.join(' ') || '—'}</td>
                  <td>{profile.default_scope === null ? 'not set' : profile.default_scope || 'no scope'}</td>
                  <td>{profile.registration_enabled ? 'on' : 'off'}</td>
                  <td>{formatTime(profile.updated_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {current && (
        <ProfileEditor
          key={current.name}
          profile={current}
          kept={kept.editor?.name === current.name ? kept.editor.values : undefined}
          onDirty={setEditorDirty}
          onSaved={(text) => {
            setMessage({ kind: 'success', text });
            void load();
          }}
          onDeleted={() => {
            setSelected(null);
            void load();
          }}
        />
      )}
      <div className="grid-2">
        <form className="card" onSubmit={(event) => void create(event)} noValidate aria-labelledby="new-profile-title">
          <h2 id="new-profile-title">Add a profile</h2>
          <Field label="Profile name" error={errors.name} hint="Letters, digits, '.', '_' or '-'. It starts with the defaults: no mapping, 3600 s.">
            {({ id, describedBy, invalid }) => (
              <input id={id} name="profile_name" value={newName} aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(event) => setNewName(event.target.value)} />
            )}
          </Field>
          <button type="submit">Add profile</button>
        </form>
        <section className="card" aria-labelledby="import-title">
          <h2 id="import-title">Import</h2>
          {importRestored && importPending && <Alert kind="info">The profile JSON you had not imported before the session expired is back: check it and import it.</Alert>}
          <Field label="Profile JSON (the file of gatehouse profiles pull)" error={importError} hint="Creates or replaces the profile it names, like gatehouse profiles push.">
            {({ id, describedBy, invalid }) => (
              <textarea
                id={id}
                name="import"
                rows={4}
                value={importText}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                onChange={(event) => (setImportText(event.target.value), setImportError(undefined))}
              />
            )}
          </Field>
          <button type="button" onClick={() => void importFile()} disabled={importText.trim() === ''}>
            Import profile
          </button>
        </section>
      </div>
    </section>
  );
}

interface MappingRow {
  element: string;
  checks: string;
}

/** The editor's fields (what `dirty` compares, what an expired session keeps). */
interface EditorValues {
  rows: MappingRow[];
  mandatory: string[];
  lifetime: string;
  defaultScope: ReturnType<typeof defaultScopeChoiceOf>;
  registration: boolean;
  registrationChecks: string[];
}

/** The editor's fields for a profile as saved: what `dirty` compares with. */
function editedFieldsOf(profile: SecurityProfileJson): EditorValues {
  return {
    rows: Object.entries(profile.scope_element_mapping).map(([element, checks]): MappingRow => ({ element, checks: checks.join(', ') })),
    mandatory: profile.mandatory_scope,
    lifetime: String(profile.max_token_expiration),
    defaultScope: defaultScopeChoiceOf(profile.default_scope),
    registration: profile.registration_enabled,
    registrationChecks: profile.registration_checks,
  };
}

function ProfileEditor(props: {
  profile: SecurityProfileJson;
  /** Unsaved fields kept from an expired session, shown instead of the saved ones. */
  kept?: EditorValues | undefined;
  /** Told whether the editor has unsaved changes (the page asks before leaving). */
  onDirty: (dirty: boolean) => void;
  onSaved: (message: string) => void;
  onDeleted: () => void;
}) {
  const { profile, onDirty } = props;
  const [start] = useState(() => props.kept ?? editedFieldsOf(profile));
  const [rows, setRows] = useState<MappingRow[]>(start.rows);
  const [mandatory, setMandatory] = useState<string[]>(start.mandatory);
  const [lifetime, setLifetime] = useState(start.lifetime);
  const [defaultScope, setDefaultScope] = useState(start.defaultScope);
  const [registration, setRegistration] = useState(start.registration);
  const [registrationChecks, setRegistrationChecks] = useState<string[]>(start.registrationChecks);
  const [restored, setRestored] = useState(props.kept !== undefined);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [tokens, setTokens] = useState<InitialAccessTokenJson[]>([]);
  const [newToken, setNewToken] = useState<string | null>(null);
  const [tokenDescription, setTokenDescription] = useState('');
  const [confirm, confirmDialog] = useConfirm();
  const path = `/profiles/${encodeURIComponent(profile.name)}`;
  const values: EditorValues = { rows, mandatory, lifetime, defaultScope, registration, registrationChecks };
  const dirty = JSON.stringify(values) !== JSON.stringify(editedFieldsOf(profile));
  useEffect(() => onDirty(dirty), [dirty, onDirty]);
  useEffect(() => () => onDirty(false), [onDirty]);
  useKeptEdit(KEPT_EDITOR, dirty ? ({ name: profile.name, values } satisfies KeptProfileEdit) : null);

  const loadTokens = () =>
    api<{ initial_access_tokens: InitialAccessTokenJson[] }>('GET', `${path}/initial-access-tokens`).then(
      (found) => setTokens(found.initial_access_tokens),
      () => setTokens([]),
    );
  useEffect(() => {
    void loadTokens();
    // Reload when another profile is shown.
  }, [path]);

  async function save(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    setMessage(null);
    setRestored(false);
    const mapping: Record<string, string[]> = {};
    for (const row of rows) {
      if (row.element.trim() === '') continue;
      mapping[row.element.trim()] = row.checks.split(/[\s,]+/).filter((check) => check !== '');
    }
    const body = {
      scope_element_mapping: mapping,
      mandatory_scope: mandatory,
      default_scope: defaultScopeValueOf(defaultScope),
      max_token_expiration: /^\d+$/.test(lifetime.trim()) ? Number(lifetime) : lifetime,
      registration_enabled: registration,
      registration_checks: registrationChecks,
    };
    // Every field the browser can check is marked at once, without a round trip; the server checks the rest (unknown checks).
    const invalid = checkProfileForm(body);
    if (Object.keys(invalid).length > 0) {
      setErrors(invalid);
      setMessage({ kind: 'error', text: notSavedText(invalid) });
      return;
    }
    try {
      await api('PATCH', path, body);
      props.onSaved(`Profile ${profile.name} saved.`);
    } catch (failure) {
      const fieldErrors = fieldErrorsOf(failure);
      setErrors(fieldErrors);
      setMessage({ kind: 'error', text: Object.keys(fieldErrors).length > 0 ? notSavedText(fieldErrors) : `Not saved: ${errorText(failure)}` });
    }
  }

  async function remove() {
    const confirmed = await confirm({
      title: `Delete the profile ${profile.name}?`,
      body: <p>Its scope element mapping, mandatory scope and initial access tokens are removed; it cannot be restored.</p>,
      action: `Delete profile ${profile.name}`,
    });
    if (!confirmed) return;
    try {
      await api('DELETE', path);
      props.onDeleted();
    } catch (failure) {
      setMessage({ kind: 'error', text: errorText(failure) });
    }
  }

  async function createToken() {
    try {
      const created = await api<CreatedInitialAccessTokenJson>('POST', `${path}/initial-access-tokens`, tokenDescription ? { description: tokenDescription } : {});
      setNewToken(created.token);
      setTokenDescription('');
      await loadTokens();
    } catch (failure) {
      setMessage({ kind: 'error', text: failure instanceof ApiError ? failure.message : errorText(failure) });
    }
  }

  async function revokeToken(id: string) {
    const confirmed = await confirm({
      title: `Revoke the initial access token ${id}?`,
      body: <p>App instances can no longer register with it. This cannot be undone; a new token can be created.</p>,
      action: `Revoke initial access token ${id}`,
    });
    if (!confirmed) return;
    await api('DELETE', `${path}/initial-access-tokens/${encodeURIComponent(id)}`).catch((failure: unknown) => setMessage({ kind: 'error', text: errorText(failure) }));
    await loadTokens();
  }

  return (
    <section className="card" aria-labelledby="profile-editor-title">
      <div className="page-head">
        <h2 id="profile-editor-title">Profile {profile.name}</h2>
        <button type="button" className="button-secondary" onClick={() => download(`${profile.name}.json`, `${JSON.stringify(toFile(profile), null, 2)}\n`)}>
          Export JSON
        </button>
      </div>
      {confirmDialog}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {restored && dirty && <Alert kind="info">Your unsaved changes to this profile from before the session expired are back: check them and save.</Alert>}
      <form onSubmit={(event) => void save(event)} noValidate aria-label={`Settings of ${profile.name}`}>
        <fieldset className={errors.scope_element_mapping ? 'field-invalid' : undefined}>
          <legend>Scope-element mapping</legend>
          <p className="hint">Each scope element needs the listed checks (comma-separated; empty means no check). Built-in checks: {BUILT_IN_CHECKS.join(', ')}.</p>
          {rows.map((row, index) => (
            <div className="mapping-row" key={index}>
              <Field label={`Scope element ${index + 1}`}>
                {({ id }) => (
                  <input
                    id={id}
                    name={`element-${index}`}
                    value={row.element}
                    onChange={(event) => setRows(rows.map((other, at) => (at === index ? { ...other, element: event.target.value } : other)))}
                  />
                )}
              </Field>
              <Field label={`Checks for element ${index + 1}`}>
                {({ id }) => (
                  <input
                    id={id}
                    name={`checks-${index}`}
                    list="known-checks"
                    value={row.checks}
                    onChange={(event) => setRows(rows.map((other, at) => (at === index ? { ...other, checks: event.target.value } : other)))}
                  />
                )}
              </Field>
              <button type="button" className="button-secondary" aria-label={`Remove mapping ${row.element || index + 1}`} onClick={() => setRows(rows.filter((_, at) => at !== index))}>
                Remove
              </button>
            </div>
          ))}
          <datalist id="known-checks">
            {BUILT_IN_CHECKS.map((check) => (
              <option key={check} value={check} />
            ))}
          </datalist>
          {errors.scope_element_mapping && <p className="field-error">{errors.scope_element_mapping}</p>}
          <button type="button" className="button-secondary" onClick={() => setRows([...rows, { element: '', checks: '' }])}>
            Add mapping
          </button>
        </fieldset>
        <ScopeChips
          label="Mandatory scope"
          value={mandatory}
          onChange={setMandatory}
          suggestions={[]}
          error={errors.mandatory_scope}
          hintText="Its checks run on every token request of the profile's clients; its elements never go into tokens."
        />
        <DefaultScopeField
          name="profile_default_scope"
          value={defaultScope}
          onChange={setDefaultScope}
          unsetHint="Clients of this profile without a default scope of their own get every scope they are allowed. A client's own default scope always wins over this one."
          suggestions={Object.keys(profile.scope_element_mapping).map((scope) => ({ scope, note: 'a mapped scope element' }))}
          error={errors.default_scope}
        />
        <ScopeChips
          label="Registration checks"
          value={registrationChecks}
          onChange={setRegistrationChecks}
          suggestions={[]}
          error={errors.registration_checks}
          hintText="Custom checks with a register hook; they run at registration (RFC 7591) and may refuse it, before the client is created."
        />
        <div className="grid-2">
          <Field label="Maximum token lifetime (seconds)" error={errors.max_token_expiration} hint="Tokens of the profile's clients live at most this long (default 3600).">
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                name="max_token_expiration"
                type="number"
                min={1}
                value={lifetime}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                onChange={(event) => setLifetime(event.target.value)}
              />
            )}
          </Field>
          <Check
            label="Registration of app instances"
            checked={registration}
            onChange={setRegistration}
            error={errors.registration_enabled}
            hint="Lets app instances register as clients of this profile with an initial access token (RFC 7591)."
          />
        </div>
        <div className="actions">
          <button type="submit">Save profile</button>
          <button type="button" className="button-danger" onClick={() => void remove()}>
            Delete profile
          </button>
        </div>
      </form>
      <h3>Initial access tokens</h3>
      {newToken && <SecretOnce title="Initial access token" value={newToken} onDone={() => setNewToken(null)} />}
      <ul className="plain-list">
        {tokens.length === 0 && <li className="hint">None.</li>}
        {tokens.map((token) => (
          <li key={token.id}>
            <code>{token.id}</code> {token.description ?? ''} — created {formatTime(token.created_at)}
            {token.expires_at ? `, expires ${formatTime(token.expires_at)}` : ''}
            {initialAccessTokenStatus(token) !== 'active' ? (
              ` (${initialAccessTokenStatus(token)})`
            ) : (
              <button type="button" className="button-secondary" onClick={() => void revokeToken(token.id)} aria-label={`Revoke initial access token ${token.id}`}>
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
      <div className="inline-form">
        <Field label="Description of a new token">
          {({ id }) => <input id={id} name="token_description" value={tokenDescription} onChange={(event) => setTokenDescription(event.target.value)} />}
        </Field>
        <button type="button" onClick={() => void createToken()}>
          Create initial access token
        </button>
      </div>
    </section>
  );
}

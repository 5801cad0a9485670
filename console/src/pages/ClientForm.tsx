import { useEffect, useState, type FormEvent } from 'react';
import {
  AUTH_METHODS,
  DEFAULT_ACCESS_TOKEN_LIFETIME,
  DEFAULT_REFRESH_TOKEN_LIFETIME,
  GRANT_TYPES,
  MAX_ACCESS_TOKEN_LIFETIME,
  OFFLINE_ACCESS,
  COMMANDS_SCOPE,
  ROLES_SCOPE,
  USERS_SCOPE,
  type ApplicationJson,
  type ApplicationsJson,
  type AuthMethod,
  type ClientMetadata,
  type CreatedClientJson,
  type GrantType,
  type RotatedClientSecretJson,
  type SecurityProfileJson,
  type ServerSettingsJson,
} from '../../../src/admin-api/wire';
import { ApiError, api } from '../api';
import { navigate, replaceUrl, clearLeaveGuards } from '../router';
import { useConfirm } from '../confirm-dialog';
import { useUnsavedChanges } from '../unsaved-changes';
import { takeKeptEdit, useKeptEdit } from '../kept-edits';
import { asTyped, checkClientForm } from '../form-checks';
import { Alert, Check, Field, Link, Radio, SecretOnce, errorText, fieldErrorsOf, fieldsNeedChangeText, formatTime } from '../ui';
import { RevokeTokensButton } from './RevokeTokens';
import { ClientKeys } from './ClientKeys';
import { ClientPin } from './ClientPin';
import { DefaultScopeField, defaultScopeChoiceOf, defaultScopeValueOf, type DefaultScopeChoice } from './DefaultScopeField';
import { ScopeChips } from './ScopeChips';

/** Labels of the grant types and authentication methods the admin API accepts (the lists are the server's). */
const GRANT_LABELS: Record<GrantType, { label: string; note: string }> = {
  client_credentials: { label: 'Client credentials', note: 'the client acts on its own behalf (server to server)' },
  password: { label: 'Password', note: "the client sends a user's username and password (legacy)" },
  authorization_code: { label: 'Authorization code', note: 'people sign in through the browser (with PKCE)' },
};
const GRANTS = GRANT_TYPES.map((value) => ({ value, ...GRANT_LABELS[value] }));
const AUTH_METHOD_LABELS: Record<AuthMethod, string> = {
  client_secret_basic: 'Client secret in HTTP Basic (client_secret_basic)',
  client_secret_post: 'Client secret in the form body (client_secret_post)',
  private_key_jwt: 'Signed assertion with a registered key (private_key_jwt)',
};
const AUTH_METHOD_CHOICES = AUTH_METHODS.map((value) => ({ value, label: AUTH_METHOD_LABELS[value] }));

/** token_endpoint_auth_method of a public client (RFC 7591 §2): it has no secret and may use only the authorization code grant. */
const PUBLIC_AUTH_METHOD = 'none';
/** The only grant type a public client may use. */
const PUBLIC_GRANTS: GrantType[] = ['authorization_code'];

/** One URI per line (spaces and empty lines dropped); the server checks each and names the field at fault. */
function linesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

interface FormState {
  client_name: string;
  client_id: string;
  grant_types: string[];
  scopes: string[];
  default_scope: DefaultScopeChoice;
  roles_claim: boolean;
  access_token_lifetime: string;
  refresh_tokens: boolean;
  refresh_token_lifetime: string;
  enabled: boolean;
  expires_at: string;
  allowed_origins: string;
  token_endpoint_auth_method: string;
  may_act_for_users: boolean;
  profile: string;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  skip_consent: boolean;
  require_pushed_authorization_requests: boolean;
}

const EMPTY: FormState = {
  client_name: '',
  client_id: '',
  grant_types: ['client_credentials'],
  scopes: [],
  default_scope: { mode: 'unset', scopes: [] },
  roles_claim: false,
  access_token_lifetime: String(DEFAULT_ACCESS_TOKEN_LIFETIME),
  refresh_tokens: false,
  refresh_token_lifetime: String(DEFAULT_REFRESH_TOKEN_LIFETIME),
  enabled: true,
  expires_at: '',
  allowed_origins: '',
  token_endpoint_auth_method: 'client_secret_basic',
  may_act_for_users: false,
  profile: '',
  redirect_uris: '',
  post_logout_redirect_uris: '',
  skip_consent: false,
  require_pushed_authorization_requests: false,
};

function stateOf(client: ClientMetadata): FormState {
  return {
    client_name: client.client_name,
    client_id: client.client_id,
    grant_types: client.grant_types,
    scopes: client.scope.split(' ').filter((scope) => scope !== '' && scope !== OFFLINE_ACCESS),
    default_scope: defaultScopeChoiceOf(client.default_scope),
    roles_claim: client.roles_claim,
    access_token_lifetime: String(client.access_token_lifetime),
    refresh_tokens: client.refresh_tokens,
    refresh_token_lifetime: String(client.refresh_token_lifetime),
    enabled: client.enabled,
    expires_at: client.expires_at ? client.expires_at.slice(0, 10) : '',
    allowed_origins: client.allowed_origins.join('\n'),
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    may_act_for_users: client.may_act_for_users,
    profile: client.profile ?? '',
    redirect_uris: client.redirect_uris.join('\n'),
    post_logout_redirect_uris: client.post_logout_redirect_uris.join('\n'),
    skip_consent: client.skip_consent,
    require_pushed_authorization_requests: client.require_pushed_authorization_requests,
  };
}

/** A whole number stays a number; anything else goes to the server as typed, which names what is wrong. */
function integerOrText(text: string): number | string {
  return /^\d+$/.test(text.trim()) ? Number(text.trim()) : text;
}

function bodyOf(form: FormState, creating: boolean): Record<string, unknown> {
  const refreshAllowed = form.grant_types.some((grant) => grant !== 'client_credentials');
  const isPublic = form.token_endpoint_auth_method === PUBLIC_AUTH_METHOD;
  return {
    ...(creating && form.client_id.trim() !== '' ? { client_id: form.client_id.trim() } : {}),
    client_name: form.client_name,
    grant_types: form.grant_types,
    scope: form.scopes.join(' '),
    default_scope: defaultScopeValueOf(form.default_scope),
    roles_claim: form.roles_claim,
    access_token_lifetime: integerOrText(form.access_token_lifetime),
    refresh_tokens: refreshAllowed && form.refresh_tokens,
    refresh_token_lifetime: integerOrText(form.refresh_token_lifetime),
    enabled: form.enabled,
    expires_at: form.expires_at === '' ? null : form.expires_at,
    allowed_origins: form.allowed_origins.split(/[\s,]+/).filter((origin) => origin !== ''),
    token_endpoint_auth_method: form.token_endpoint_auth_method,
    // A public client cannot prove who it is, so it cannot act for users by a signed assertion.
    may_act_for_users: !isPublic && form.may_act_for_users,
    profile: form.profile === '' ? null : form.profile,
    redirect_uris: linesOf(form.redirect_uris),
    post_logout_redirect_uris: linesOf(form.post_logout_redirect_uris),
    skip_consent: form.skip_consent,
    require_pushed_authorization_requests: form.require_pushed_authorization_requests,
  };
}

export function ClientForm(props: { clientId: string | null }) {
  const [clientId, setClientId] = useState(props.clientId);
  const [client, setClient] = useState<ClientMetadata | null>(null);
  const [form, setForm] = useState<FormState>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [secret, setSecret] = useState<{ title: string; value: string; note?: string } | null>(null);
  const [noSecret, setNoSecret] = useState(false);
  const [applications, setApplications] = useState<ApplicationJson[]>([]);
  const [profiles, setProfiles] = useState<string[]>([]);
  const [grace, setGrace] = useState('');
  const [maxTokenLifetime, setMaxTokenLifetime] = useState<number | null>(null);
  /** The server's names of the user-API and all-commands scopes (GATEHOUSE_USERS_SCOPE, GATEHOUSE_COMMANDS_SCOPE). */
  const [scopeNames, setScopeNames] = useState<{ users: string; commands: string }>({ users: USERS_SCOPE, commands: COMMANDS_SCOPE });
  const [busy, setBusy] = useState(false);
  const creating = clientId === null;
  const [confirm, confirmDialog] = useConfirm();
  // Unsaved: the form differs from what the server holds (a new client: from the empty form).
  const dirty = JSON.stringify(form) !== JSON.stringify(client ? stateOf(client) : EMPTY);
  useUnsavedChanges(dirty, confirm);
  const keptKey = `client:${props.clientId ?? 'new'}`;
  useKeptEdit(keptKey, dirty ? form : null);
  const [restored, setRestored] = useState(false);

  useEffect(() => {
    api<ApplicationsJson>('GET', '/applications').then(
      (found) => setApplications(found.applications),
      () => setApplications([]),
    );
    api<{ profiles: SecurityProfileJson[] }>('GET', '/profiles').then(
      (found) => setProfiles(found.profiles.map((profile) => profile.name)),
      () => setProfiles([]),
    );
    api<ServerSettingsJson>('GET', '/settings/server').then(
      (settings) => {
        setMaxTokenLifetime(typeof settings.max_token_lifetime === 'number' ? settings.max_token_lifetime : null);
        setScopeNames({ users: settings.users_scope || USERS_SCOPE, commands: settings.commands_scope || COMMANDS_SCOPE });
      },
      () => setMaxTokenLifetime(null),
    );
    // An edit kept when the session expired comes back over what the server holds.
    const kept = takeKeptEdit<FormState>(keptKey);
    if (kept) setRestored(true);
    if (props.clientId === null) {
      if (kept) setForm({ ...EMPTY, ...kept });
      return;
    }
    api<ClientMetadata>('GET', `/clients/${encodeURIComponent(props.clientId)}`).then(
      (found) => {
        setClient(found);
        setForm(kept ? { ...stateOf(found), ...kept } : stateOf(found));
      },
      (failure: unknown) => setMessage({ kind: 'error', text: errorText(failure) }),
    );
  }, [props.clientId]);

  const set = <K extends keyof FormState>(name: K, value: FormState[K]) => setForm((current) => ({ ...current, [name]: value }));
  const refreshAllowed = form.grant_types.some((grant) => grant !== 'client_credentials');
  const isPublic = form.token_endpoint_auth_method === PUBLIC_AUTH_METHOD;
  const codeFlow = form.grant_types.includes('authorization_code');
  /** Whether the stored client is public (what its secret and keys sections depend on, until a change is saved). */
  const storedPublic = client?.token_endpoint_auth_method === PUBLIC_AUTH_METHOD;

  /** Public: only the authorization code grant, no secret. Confidential again: a secret in HTTP Basic, as a new client has. */
  function chooseType(type: 'public' | 'confidential') {
    setForm((current) => {
      if (type === 'public') return { ...current, token_endpoint_auth_method: PUBLIC_AUTH_METHOD, grant_types: PUBLIC_GRANTS, may_act_for_users: false };
      if (current.token_endpoint_auth_method !== PUBLIC_AUTH_METHOD) return current;
      const method = client && client.token_endpoint_auth_method !== PUBLIC_AUTH_METHOD ? client.token_endpoint_auth_method : EMPTY.token_endpoint_auth_method;
      return { ...current, token_endpoint_auth_method: method };
    });
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setMessage(null);
    setNoSecret(false);
    setRestored(false);
    const invalid = checkClientForm({
      ...form,
      creating,
      refresh_tokens: refreshAllowed && form.refresh_tokens,
      allowed_origins: form.allowed_origins.split(/[\s,]+/).filter((origin) => origin !== ''),
      redirect_uris: linesOf(form.redirect_uris),
      post_logout_redirect_uris: linesOf(form.post_logout_redirect_uris),
      max_access_token_lifetime: maxTokenLifetime,
    });
    if (Object.keys(invalid).length > 0) {
      setErrors(invalid);
      setMessage({ kind: 'error', text: fieldsNeedChangeText(Object.keys(invalid).length) });
      setBusy(false);
      return;
    }
    try {
      if (creating) {
        const created = await api<CreatedClientJson>('POST', '/clients', bodyOf(form, true));
        setClient(created);
        setForm(stateOf(created));
        setClientId(created.client_id);
        replaceUrl(`/admin/clients/${encodeURIComponent(created.client_id)}`);
        if (created.client_secret) setSecret({ title: 'Client secret', value: created.client_secret });
        else setNoSecret(true);
        setMessage({ kind: 'success', text: `Client ${created.client_id} created.` });
      } else {
        const updated = await api<ClientMetadata>('PATCH', `/clients/${encodeURIComponent(clientId)}`, bodyOf(form, false));
        setClient(updated);
        setForm(stateOf(updated));
        setMessage({ kind: 'success', text: 'Changes saved. They apply to the next token request.' });
      }
    } catch (failure) {
      const typed = [
        form.client_name,
        form.client_id,
        ...form.scopes,
        ...linesOf(form.redirect_uris),
        ...linesOf(form.post_logout_redirect_uris),
        ...form.allowed_origins.split(/[\s,]+/),
        form.profile,
      ];
      const fieldErrors = Object.fromEntries(Object.entries(fieldErrorsOf(failure)).map(([field, text]) => [field, asTyped(text, typed)]));
      setErrors(fieldErrors);
      // Several fields: each is marked with its message (as typed); the summary counts them, as the local checks do.
      const count = Object.keys(fieldErrors).length;
      const text = count > 1 ? fieldsNeedChangeText(count) : count > 0 ? `Not saved: ${asTyped(errorText(failure), typed)}` : asTyped(errorText(failure), typed);
      setMessage({ kind: 'error', text });
    } finally {
      setBusy(false);
    }
  }

  async function rotate() {
    if (clientId === null) return;
    const immediate = grace.trim() === '0';
    const confirmed = await confirm({
      title: `Rotate the secret of ${clientId}?`,
      body: (
        <p>
          A new secret is made and shown once.{' '}
          {immediate
            ? 'With a grace period of 0 the current secret stops working at once: every system that uses it is refused until it has the new one.'
            : grace.trim() === ''
              ? "The current secret keeps working for the server's default grace period."
              : `The current secret keeps working for ${grace.trim()} seconds.`}
        </p>
      ),
      action: immediate ? `Rotate the secret of ${clientId} now` : `Rotate the secret of ${clientId}`,
      destructive: immediate,
    });
    if (!confirmed) return;
    setMessage(null);
    try {
      const body = grace.trim() === '' ? {} : { grace_period: integerOrText(grace) };
      const rotated = await api<RotatedClientSecretJson>('POST', `/clients/${encodeURIComponent(clientId)}/secret`, body);
      setSecret({
        title: 'New client secret',
        value: rotated.client_secret ?? '',
        note: `Copy it now: it is shown only this once. ${rotated.previous_secret_expires_at ? `The previous secret keeps working until ${formatTime(rotated.previous_secret_expires_at)}.` : 'The previous secret no longer works.'}`,
      });
      setErrors({});
    } catch (failure) {
      if (failure instanceof ApiError && failure.field === 'grace_period') setErrors({ grace_period: failure.message.replace(/^grace_period: /, '') });
      else setMessage({ kind: 'error', text: errorText(failure) });
    }
  }

  async function remove() {
    if (clientId === null) return;
    const confirmed = await confirm({
      title: `Delete the client ${clientId}?`,
      body: <p>Its secrets and keys stop working at once and the client cannot be restored. Tokens already issued stay valid until they expire or are revoked.</p>,
      action: `Delete client ${clientId}`,
    });
    if (!confirmed) return;
    try {
      await api('DELETE', `/clients/${encodeURIComponent(clientId)}`);
      clearLeaveGuards();
      navigate('/admin/clients');
    } catch (failure) {
      setMessage({ kind: 'error', text: errorText(failure) });
    }
  }

  const suggestions = [
    { scope: scopeNames.users, note: 'the user API' },
    { scope: scopeNames.commands, note: "every application's server commands" },
    { scope: ROLES_SCOPE, note: "the user's roles in its tokens" },
    ...applications.map((application) => ({ scope: application.name, note: `the commands of the application ${application.name}` })),
  ];

  return (
    <section aria-labelledby="client-title">
      <p className="breadcrumb">
        <Link to="/clients">Clients</Link> / {creating ? 'New' : clientId}
      </p>
      <h1 id="client-title">{creating ? 'Add a client' : client ? `Client ${client.client_name || client.client_id}` : 'Client'}</h1>
      {confirmDialog}
      {restored && dirty && <Alert kind="info">Your unsaved changes from before the session expired are back: check them and save.</Alert>}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {secret && <SecretOnce title={secret.title} value={secret.value} note={secret.note} onDone={() => setSecret(null)} />}
      {noSecret && <Alert kind="info">Public client: no secret. It proves nothing at the token endpoint; PKCE and its registered redirect URIs protect its authorization codes.</Alert>}

      {!creating && client === null && !message && <p className="loading">Loading…</p>}
      {(creating || client !== null) && (
        <form className="card form" onSubmit={(event) => void save(event)} noValidate aria-label="Client settings">
          <div className="grid-2">
            <Field label="Client name" error={errors.client_name} hint="Shown to administrators and in logs.">
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  name="client_name"
                  required
                  value={form.client_name}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onChange={(event) => set('client_name', event.target.value)}
                />
              )}
            </Field>
            <Field label="Client ID" error={errors.client_id} hint={creating ? 'Leave empty to generate one. It cannot be changed later.' : 'Cannot be changed.'}>
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  name="client_id"
                  value={form.client_id}
                  readOnly={!creating}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onChange={(event) => set('client_id', event.target.value)}
                />
              )}
            </Field>
          </div>

          <fieldset className={isPublic && errors.token_endpoint_auth_method ? 'field-invalid' : undefined}>
            <legend>Client type</legend>
            <Radio
              name="client_type"
              value="confidential"
              label="Confidential"
              checked={!isPublic}
              onSelect={() => chooseType('confidential')}
              hint="Runs where it can keep a secret or a private key: a back end, a server-rendered web app."
            />
            <Radio
              name="client_type"
              value="public"
              label="Public"
              checked={isPublic}
              onSelect={() => chooseType('public')}
              hint="A single-page or native app, which cannot keep a secret: no secret, the authorization code grant with PKCE only."
            />
            {isPublic && errors.token_endpoint_auth_method && <p className="field-error">{errors.token_endpoint_auth_method}</p>}
          </fieldset>

          <fieldset className={errors.grant_types ? 'field-invalid' : undefined}>
            <legend>Grant types</legend>
            {isPublic && <p className="hint">A public client may use only the authorization code grant.</p>}
            {GRANTS.filter((grant) => !isPublic || PUBLIC_GRANTS.includes(grant.value)).map((grant) => (
              <Check
                key={grant.value}
                name="grant_types"
                label={grant.label}
                hint={grant.note}
                checked={form.grant_types.includes(grant.value)}
                onChange={(checked) => {
                  const next = checked ? [...form.grant_types, grant.value] : form.grant_types.filter((other) => other !== grant.value);
                  setForm((current) => ({ ...current, grant_types: next, refresh_tokens: next.some((g) => g !== 'client_credentials') && current.refresh_tokens }));
                }}
              />
            ))}
            {errors.grant_types && <p className="field-error">{errors.grant_types}</p>}
          </fieldset>

          {(codeFlow || errors.redirect_uris || errors.post_logout_redirect_uris) && (
            <fieldset>
              <legend>Browser sign-in</legend>
              <div className="grid-2">
                <Field
                  label="Redirect URIs"
                  error={errors.redirect_uris}
                  hint="One per line, matched exactly: https, http only to 127.0.0.1, [::1] or localhost (any port on a loopback IP), or a private-use scheme such as com.example.app:/callback."
                >
                  {({ id, describedBy, invalid }) => (
                    <textarea
                      id={id}
                      name="redirect_uris"
                      rows={3}
                      spellCheck={false}
                      value={form.redirect_uris}
                      aria-describedby={describedBy}
                      aria-invalid={invalid || undefined}
                      onChange={(event) => set('redirect_uris', event.target.value)}
                    />
                  )}
                </Field>
                <Field
                  label="Post-logout redirect URIs"
                  error={errors.post_logout_redirect_uris}
                  hint="One per line. Where sign-out (/oauth/logout) may send the browser afterwards; the same rules as redirect URIs."
                >
                  {({ id, describedBy, invalid }) => (
                    <textarea
                      id={id}
                      name="post_logout_redirect_uris"
                      rows={3}
                      spellCheck={false}
                      value={form.post_logout_redirect_uris}
                      aria-describedby={describedBy}
                      aria-invalid={invalid || undefined}
                      onChange={(event) => set('post_logout_redirect_uris', event.target.value)}
                    />
                  )}
                </Field>
              </div>
              <div className="grid-2">
                <Check
                  name="skip_consent"
                  label="Skip consent (first-party)"
                  checked={form.skip_consent}
                  error={errors.skip_consent}
                  onChange={(checked) => set('skip_consent', checked)}
                  hint="For your own applications only: people who sign in are not asked to allow its scopes. Leave it off for third parties."
                />
                <Check
                  name="require_pushed_authorization_requests"
                  label="Require pushed authorization requests"
                  checked={form.require_pushed_authorization_requests}
                  error={errors.require_pushed_authorization_requests}
                  onChange={(checked) => set('require_pushed_authorization_requests', checked)}
                  hint="The client must first send its authorization request to /oauth/par (RFC 9126) and open /oauth/authorize with the request_uri it gets."
                />
              </div>
            </fieldset>
          )}

          <ScopeChips value={form.scopes} onChange={(scopes) => set('scopes', scopes)} suggestions={suggestions} error={errors.scope} />

          <DefaultScopeField
            name="default_scope"
            value={form.default_scope}
            onChange={(choice) => set('default_scope', choice)}
            unsetHint="The security profile's default scope when it sets one, else every scope this client is allowed."
            suggestions={form.scopes.map((scope) => ({ scope, note: 'an allowed scope of this client' }))}
            error={errors.default_scope}
          />

          <div className="grid-2">
            <Field
              label="Access-token lifetime (seconds)"
              error={errors.access_token_lifetime}
              hint={`0 to ${(maxTokenLifetime ?? MAX_ACCESS_TOKEN_LIFETIME).toLocaleString('en-US')}${maxTokenLifetime === null ? '' : " (the server's maximum token lifetime)"}; default ${DEFAULT_ACCESS_TOKEN_LIFETIME} (${DEFAULT_ACCESS_TOKEN_LIFETIME / 3600} hours), or the maximum when it is lower. 0 means this client sets no limit of its own: its tokens get the server's maximum. Security checks and the profile may make a token shorter.`}
            >
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  name="access_token_lifetime"
                  type="number"
                  inputMode="numeric"
                  min={0}
                  max={MAX_ACCESS_TOKEN_LIFETIME}
                  step={1}
                  value={form.access_token_lifetime}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onChange={(event) => set('access_token_lifetime', event.target.value)}
                />
              )}
            </Field>
            {!isPublic && (
              <Field label="Token endpoint authentication method" error={errors.token_endpoint_auth_method} hint="How the client proves who it is when it asks for a token.">
                {({ id, describedBy, invalid }) => (
                  <select
                    id={id}
                    name="token_endpoint_auth_method"
                    value={form.token_endpoint_auth_method}
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    onChange={(event) => set('token_endpoint_auth_method', event.target.value)}
                  >
                    {AUTH_METHOD_CHOICES.map((method) => (
                      <option key={method.value} value={method.value}>
                        {method.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            )}
          </div>

          <div className="grid-2">
            <Check
              name="refresh_tokens"
              label="Refresh tokens"
              checked={refreshAllowed && form.refresh_tokens}
              disabled={!refreshAllowed}
              error={errors.refresh_tokens}
              onChange={(checked) => set('refresh_tokens', checked)}
              hint={
                refreshAllowed
                  ? "Issues a refresh token with tokens of the authorization code and password grants, so the client can renew access without the person signing in again (a public client's rotate at every use). Turning it on adds the offline_access scope to the client."
                  : 'Not available with client credentials alone: such a client can always ask for a new token. Add the authorization code or password grant to turn it on (it adds the offline_access scope).'
              }
            />
            {refreshAllowed && form.refresh_tokens && (
              <Field
                label="Refresh-token lifetime (seconds)"
                error={errors.refresh_token_lifetime}
                hint={`60 to 31,536,000; default ${DEFAULT_REFRESH_TOKEN_LIFETIME.toLocaleString('en-US')} (${DEFAULT_REFRESH_TOKEN_LIFETIME / 86_400} days).`}
              >
                {({ id, describedBy, invalid }) => (
                  <input
                    id={id}
                    name="refresh_token_lifetime"
                    type="number"
                    min={60}
                    step={1}
                    value={form.refresh_token_lifetime}
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    onChange={(event) => set('refresh_token_lifetime', event.target.value)}
                  />
                )}
              </Field>
            )}
          </div>

          <div className="grid-2">
            <Check
              name="enabled"
              label="Enabled"
              checked={form.enabled}
              error={errors.enabled}
              onChange={(checked) => set('enabled', checked)}
              hint="A disabled client gets no tokens, and its tokens stop passing introspection."
            />
            {!isPublic && (
              <Check
                name="may_act_for_users"
                label="May act for users"
                checked={form.may_act_for_users}
                error={errors.may_act_for_users}
                onChange={(checked) => set('may_act_for_users', checked)}
                hint="Lets this client obtain tokens for users with a signed assertion (JWT-bearer grant, application tokens)."
              />
            )}
          </div>

          <div className="grid-2">
            <Check
              name="roles_claim"
              label="Roles in user tokens"
              checked={form.roles_claim}
              error={errors.roles_claim}
              onChange={(checked) => set('roles_claim', checked)}
              hint={`Tokens issued for people carry their roles (the roles claim, also in ID tokens and UserInfo) even when the request does not ask for the ${ROLES_SCOPE} scope. Off: only with that scope.`}
            />
          </div>

          <div className="grid-2">
            <Field label="Security profile" error={errors.profile} hint="Which checks the client's scope elements need, its mandatory scope and longest token (see Security profiles).">
              {({ id, describedBy, invalid }) => (
                <select id={id} name="profile" value={form.profile} aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(event) => set('profile', event.target.value)}>
                  <option value="">None</option>
                  {[...new Set([...profiles, ...(form.profile ? [form.profile] : [])])].map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>

          <div className="grid-2">
            <Field label="Expiry date" error={errors.expires_at} hint="Optional. From this day on the client gets no tokens.">
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  name="expires_at"
                  type="date"
                  value={form.expires_at}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onChange={(event) => set('expires_at', event.target.value)}
                />
              )}
            </Field>
            <Field label="Allowed origins" error={errors.allowed_origins} hint="One per line, e.g. https://app.example.com. Browsers on these origins may call the APIs with credentials (CORS).">
              {({ id, describedBy, invalid }) => (
                <textarea
                  id={id}
                  name="allowed_origins"
                  rows={3}
                  value={form.allowed_origins}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onChange={(event) => set('allowed_origins', event.target.value)}
                />
              )}
            </Field>
          </div>

          {errors.jwks && <Alert kind="error">{errors.jwks}</Alert>}
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Saving…' : creating ? 'Create client' : 'Save changes'}
            </button>
            <button type="button" className="button-secondary" onClick={() => navigate('/admin/clients')}>
              Back to the list
            </button>
          </div>
        </form>
      )}

      {!creating && clientId !== null && client !== null && (
        <>
          {storedPublic ? (
            <section className="card" aria-labelledby="secret-title">
              <h2 id="secret-title">Client secret</h2>
              <p className="hint">Public client: no secret and no keys. It proves nothing at the token endpoint; PKCE and its registered redirect URIs protect its codes.</p>
            </section>
          ) : (
            <>
              <section className="card" aria-labelledby="secret-title">
                <h2 id="secret-title">Client secret</h2>
                <p className="hint">Gatehouse keeps only a digest of the secret. Rotating makes a new one and shows it once; the old one keeps working for the grace period.</p>
                <div className="inline-form">
                  <Field label="Grace period (seconds)" error={errors.grace_period} hint="Empty: the server's default. 0 stops the old secret at once.">
                    {({ id, describedBy, invalid }) => (
                      <input
                        id={id}
                        name="grace_period"
                        type="number"
                        min={0}
                        value={grace}
                        aria-describedby={describedBy}
                        aria-invalid={invalid || undefined}
                        onChange={(event) => setGrace(event.target.value)}
                      />
                    )}
                  </Field>
                  <button type="button" onClick={() => void rotate()}>
                    Rotate secret
                  </button>
                </div>
              </section>
              <ClientKeys clientId={clientId} />
            </>
          )}
          <ClientPin clientId={clientId} />
          <section className="card danger" aria-labelledby="revoke-title">
            <h2 id="revoke-title">Revoke tokens</h2>
            <p className="hint">
              Revokes every token this client holds now: its refresh tokens, and its access tokens (also those it holds for users) on every instance. New tokens can be requested at once.
            </p>
            <RevokeTokensButton
              target={{ client_id: clientId }}
              label="Revoke all tokens"
              question={`Revoke every token of the client ${clientId}? Its access and refresh tokens stop working at once; it can request new ones.`}
              onDone={(outcome) => setMessage(outcome)}
            />
          </section>
          <section className="card danger" aria-labelledby="delete-title">
            <h2 id="delete-title">Delete</h2>
            <p className="hint">Removes the client; its secrets and keys stop working at once.</p>
            <button type="button" className="button-danger" onClick={() => void remove()}>
              Delete client
            </button>
          </section>
        </>
      )}
    </section>
  );
}

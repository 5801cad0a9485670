import { useEffect, useState, type FormEvent } from 'react';
import { useConfirm } from '../confirm-dialog';
import { takeKeptEdit, useKeptEdit } from '../kept-edits';
import { checkTokenDeliveryForm, notSavedText } from '../settings-checks';
import { useUnsavedChanges } from '../unsaved-changes';
import type { ServerSettingsJson, TokenDelivery } from '../../../src/admin-api/wire';
import { api } from '../api';
import { Alert, Check, Field, errorText, fieldErrorsOf } from '../ui';

const SERVER_LABELS: Record<string, string> = {
  issuer: 'Issuer',
  store: 'Store',
  signing_alg: 'Signing algorithm',
  max_token_lifetime: 'Maximum access-token lifetime (s)',
  default_client_token_lifetime: 'Default client token lifetime (s)',
  secret_rotation_grace: 'Secret rotation grace period (s)',
  key_activation_delay: 'Signing-key activation delay (s)',
  lockout_threshold: 'Wrong passwords before a user is locked',
  lockout_window: 'Lockout counting window (s)',
  lockout_duration: 'Lockout duration (s)',
  password_rate_limit_per_client: 'Password grants per minute per client',
  password_rate_limit_per_address: 'Password grants per minute per address',
  token_rate_limit_per_client: 'Token requests per window per client (0: off)',
  token_rate_limit_per_address: 'Token requests per window per address (0: off)',
  token_rate_limit_window: 'Token rate-limit window (s)',
  registration_rate_limit_per_address: 'Registrations per minute per address',
  admin_session_idle: 'Console session idle timeout (s)',
  admin_session_max: 'Console session maximum (s)',
  admin_sign_in_limit_per_username: 'Failed console sign-ins per username (15 min)',
  admin_sign_in_limit_per_address: 'Failed console sign-ins per address (15 min)',
  users_scope: 'User-API scope name',
  users_scope_aliases: 'User-API scope aliases',
  commands_scope: 'All-commands scope name',
  commands_scope_aliases: 'All-commands scope aliases',
};

/** sessionStorage key of the token delivery form kept across an expired session. */
const KEPT_DELIVERY = 'settings:token-delivery';

export function Settings() {
  const [delivery, setDelivery] = useState<TokenDelivery | null>(null);
  /** The token delivery settings as the server has them: leaving with other values asks first. */
  const [savedDelivery, setSavedDelivery] = useState<TokenDelivery | null>(null);
  const [confirm, confirmDialog] = useConfirm();
  const dirty = JSON.stringify(delivery) !== JSON.stringify(savedDelivery);
  useUnsavedChanges(dirty, confirm);
  // The token delivery settings hold no secret: an expired session keeps them and they come back after signing in.
  useKeptEdit(KEPT_DELIVERY, dirty ? delivery : null);
  const [restored, setRestored] = useState(false);
  const [server, setServer] = useState<ServerSettingsJson | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);

  useEffect(() => {
    const kept = takeKeptEdit<TokenDelivery>(KEPT_DELIVERY);
    api<TokenDelivery>('GET', '/settings/token-delivery').then(
      (found) => {
        setSavedDelivery(found);
        setDelivery(kept ? { ...found, ...kept } : found);
        setRestored(kept !== null);
      },
      (failure: unknown) => setMessage({ kind: 'error', text: errorText(failure) }),
    );
    api<ServerSettingsJson>('GET', '/settings/server').then(setServer, () => setServer(null));
  }, []);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!delivery) return;
    setErrors({});
    setMessage(null);
    setRestored(false);
    // Every field the browser can check is marked before sending; the server checks them again, and the rest.
    const invalid = checkTokenDeliveryForm(delivery);
    if (Object.keys(invalid).length > 0) {
      setErrors(invalid);
      setMessage({ kind: 'error', text: notSavedText(invalid) });
      return;
    }
    try {
      const saved = await api<TokenDelivery>('PATCH', '/settings/token-delivery', delivery);
      setDelivery(saved);
      setSavedDelivery(saved);
      setMessage({ kind: 'success', text: 'Token delivery settings saved; every instance applies them.' });
    } catch (failure) {
      // Every field the server refused is marked beside it.
      const fieldErrors = fieldErrorsOf(failure);
      setErrors(fieldErrors);
      setMessage({ kind: 'error', text: Object.keys(fieldErrors).length > 1 ? notSavedText(fieldErrors) : `Not saved: ${errorText(failure)}` });
    }
  }

  const set = <K extends keyof TokenDelivery>(name: K, value: TokenDelivery[K]) => delivery && setDelivery({ ...delivery, [name]: value });

  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      {confirmDialog}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {restored && dirty && <Alert kind="info">Your unsaved token delivery changes from before the session expired are back: check them and save.</Alert>}
      {delivery && (
        <form className="card form" onSubmit={(event) => void save(event)} noValidate aria-labelledby="delivery-title">
          <h2 id="delivery-title">Token delivery</h2>
          <p className="hint">Besides the Authorization header, Gatehouse&apos;s own APIs accept an access token in this header and this cookie.</p>
          <div className="grid-2">
            <Field label="Cookie name" error={errors.cookie_name}>
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  name="cookie_name"
                  value={delivery.cookie_name}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onChange={(event) => set('cookie_name', event.target.value)}
                />
              )}
            </Field>
            <Field label="Cookie domain" error={errors.cookie_domain} hint="Empty: host only. Set a parent domain so that sibling hosts share the cookie.">
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  name="cookie_domain"
                  value={delivery.cookie_domain ?? ''}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onChange={(event) => set('cookie_domain', event.target.value === '' ? null : event.target.value)}
                />
              )}
            </Field>
            <Field label="Cookie path" error={errors.cookie_path}>
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  name="cookie_path"
                  value={delivery.cookie_path}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onChange={(event) => set('cookie_path', event.target.value)}
                />
              )}
            </Field>
            <Field label="Cookie SameSite" error={errors.cookie_same_site}>
              {({ id, describedBy }) => (
                <select
                  id={id}
                  name="cookie_same_site"
                  value={delivery.cookie_same_site}
                  aria-describedby={describedBy}
                  onChange={(event) => set('cookie_same_site', event.target.value as TokenDelivery['cookie_same_site'])}
                >
                  <option value="strict">Strict</option>
                  <option value="lax">Lax</option>
                  <option value="none">None</option>
                </select>
              )}
            </Field>
            <Field label="Cookie Secure" error={errors.cookie_secure}>
              {({ id, describedBy }) => (
                <select
                  id={id}
                  name="cookie_secure"
                  value={delivery.cookie_secure === null ? 'auto' : String(delivery.cookie_secure)}
                  aria-describedby={describedBy}
                  onChange={(event) => set('cookie_secure', event.target.value === 'auto' ? null : event.target.value === 'true')}
                >
                  <option value="auto">When the issuer is https</option>
                  <option value="true">Always</option>
                  <option value="false">Never</option>
                </select>
              )}
            </Field>
            <Field label="Token header name" error={errors.header_name}>
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  name="header_name"
                  value={delivery.header_name}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onChange={(event) => set('header_name', event.target.value)}
                />
              )}
            </Field>
            <Check
              label="Cookie HttpOnly (page scripts cannot read the token)"
              checked={delivery.cookie_http_only}
              error={errors.cookie_http_only}
              onChange={(checked) => set('cookie_http_only', checked)}
            />
          </div>
          <div className="actions">
            <button type="submit">Save token delivery</button>
          </div>
        </form>
      )}
      {server && (
        <section className="card" aria-labelledby="server-title">
          <h2 id="server-title">Server configuration</h2>
          <p className="hint">Lifetimes and rate limits come from environment variables or the configuration file (see the README); they are shown here read-only.</p>
          <dl className="settings-list">
            {Object.entries(server).map(([name, value]) => (
              <div key={name}>
                <dt>{SERVER_LABELS[name] ?? name}</dt>
                <dd>{String(value)}</dd>
              </div>
            ))}
          </dl>
        </section>
      )}
    </section>
  );
}

import { useEffect, useState } from 'react';
import type { SigningKeyJson } from '../../../src/admin-api/wire';
import { api } from '../api';
import { useConfirm } from '../confirm-dialog';
import { Alert, Badge, Field, errorText, fieldErrorsOf, formatTime } from '../ui';

const STATE_KIND: Record<string, 'on' | 'off' | 'warn' | 'neutral'> = { active: 'on', next: 'warn', retired: 'neutral', expired: 'off' };

export function SigningKeys() {
  const [keys, setKeys] = useState<SigningKeyJson[] | null>(null);
  const [delay, setDelay] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [confirm, confirmDialog] = useConfirm();

  const load = () =>
    api<{ keys: SigningKeyJson[] }>('GET', '/keys').then(
      (found) => setKeys(found.keys),
      (failure: unknown) => setMessage({ kind: 'error', text: errorText(failure) }),
    );
  useEffect(() => {
    void load();
  }, []);

  async function rotate() {
    const immediate = delay.trim() === '0';
    const confirmed = await confirm({
      title: 'Rotate the signing key?',
      body: (
        <p>
          A new key is published in the JWKS{' '}
          {immediate
            ? 'and signs at once: resource servers that cached the JWKS refuse the new tokens until they fetch it again.'
            : delay.trim() === ''
              ? "and signs after the server's default activation delay."
              : `and signs after ${delay.trim()} seconds.`}{' '}
          Tokens already issued stay valid.
        </p>
      ),
      action: immediate ? 'Rotate signing key now' : 'Rotate signing key',
      destructive: immediate,
    });
    if (!confirmed) return;
    setErrors({});
    setMessage(null);
    try {
      const body = delay.trim() === '' ? {} : { activation_delay: /^\d+$/.test(delay.trim()) ? Number(delay) : delay };
      const key = await api<SigningKeyJson>('POST', '/keys/rotate', body);
      setMessage({ kind: 'success', text: `New key ${key.kid} published; it signs from ${formatTime(key.activates_at)}.` });
      await load();
    } catch (failure) {
      setErrors(fieldErrorsOf(failure));
      setMessage({ kind: 'error', text: errorText(failure) });
    }
  }

  return (
    <section aria-labelledby="keys-page-title">
      <h1 id="keys-page-title">Signing keys</h1>
      <p className="lead">
        The keys that sign access tokens, as published in the JWKS (<code>/oauth/jwks</code>). A new key is published at once and signs after the activation delay; old keys stay published until their
        tokens have expired.
      </p>
      {confirmDialog}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {keys && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Key ID</th>
                <th scope="col">Algorithm</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">Signs from</th>
                <th scope="col">Published until</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.kid}>
                  <td>
                    <code>{key.kid}</code>
                  </td>
                  <td>{key.alg}</td>
                  <td>
                    <Badge kind={STATE_KIND[key.state] ?? 'neutral'}>{key.state}</Badge>
                  </td>
                  <td>{formatTime(key.created_at)}</td>
                  <td>{formatTime(key.activates_at)}</td>
                  <td>{key.published_until ? formatTime(key.published_until) : 'while in use'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section className="card" aria-labelledby="rotate-title">
        <h2 id="rotate-title">Rotate</h2>
        <div className="inline-form">
          <Field
            label="Activation delay (seconds)"
            error={errors.activation_delay}
            hint="Empty: the server's default. Resource servers that cache the JWKS need it to see the new key before it signs."
          >
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                name="activation_delay"
                type="number"
                min={0}
                value={delay}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                onChange={(event) => setDelay(event.target.value)}
              />
            )}
          </Field>
          <button type="button" onClick={() => void rotate()}>
            Rotate signing key
          </button>
        </div>
      </section>
    </section>
  );
}

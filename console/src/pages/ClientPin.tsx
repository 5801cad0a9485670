import { useEffect, useState } from 'react';
import type { ClientMetadata } from '../../../src/admin-api/wire';
import { api } from '../api';
import { useConfirm } from '../confirm-dialog';
import { Alert, Badge, Field, errorText, fieldErrorsOf } from '../ui';
import { useUnsavedChanges } from '../unsaved-changes';

/** The PIN of the built-in PinCode check: set or not (the PIN itself is write-only), set or change it, clear it. */
export function ClientPin(props: { clientId: string }) {
  const clientPath = `/clients/${encodeURIComponent(props.clientId)}`;
  const [pinSet, setPinSet] = useState<boolean | null>(null);
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirm, confirmDialog] = useConfirm();
  // A typed PIN not set yet: leaving asks (a PIN is a secret: never kept across sessions).
  useUnsavedChanges(pin !== '', confirm);

  const load = () =>
    api<ClientMetadata>('GET', clientPath).then(
      (client) => setPinSet(client.pin_set),
      (failure: unknown) => setMessage({ kind: 'error', text: errorText(failure) }),
    );
  useEffect(() => {
    void load();
    // Reload only when the client changes.
  }, [clientPath]);

  async function save() {
    setError(undefined);
    setMessage(null);
    setBusy(true);
    try {
      await api('PUT', `${clientPath}/pin`, { pin });
      setPin('');
      setMessage({ kind: 'success', text: pinSet ? 'PIN changed; the PinCode check starts again.' : 'PIN set.' });
      await load();
    } catch (failure) {
      const fields = fieldErrorsOf(failure);
      if (fields.pin !== undefined) setError(fields.pin);
      else setMessage({ kind: 'error', text: errorText(failure) });
    } finally {
      setBusy(false);
    }
  }

  async function clear() {
    const confirmed = await confirm({
      title: `Clear the PIN of ${props.clientId}?`,
      body: <p>Its PinCode check can no longer pass until a new PIN is set.</p>,
      action: `Clear PIN of ${props.clientId}`,
    });
    if (!confirmed) return;
    setError(undefined);
    setMessage(null);
    try {
      await api('DELETE', `${clientPath}/pin`);
      setMessage({ kind: 'success', text: 'PIN cleared.' });
      await load();
    } catch (failure) {
      setMessage({ kind: 'error', text: errorText(failure) });
    }
  }

  return (
    <section className="card" aria-labelledby="pin-title">
      <h2 id="pin-title">PIN for the PinCode check</h2>
      <p className="hint">The client answers this PIN when a scope element needs the PinCode check. Gatehouse keeps only a keyed digest, so the PIN cannot be shown.</p>
      <p data-testid="pin-state">PIN: {pinSet === null ? '…' : <Badge kind={pinSet ? 'on' : 'off'}>{pinSet ? 'set' : 'not set'}</Badge>}</p>
      {confirmDialog}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Field label={pinSet ? 'New PIN' : 'PIN'} error={error} hint="4 to 64 visible ASCII characters (digits, typically).">
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              name="pin"
              type="password"
              autoComplete="new-password"
              value={pin}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              onChange={(event) => setPin(event.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" disabled={busy || pin === ''}>
            {pinSet ? 'Change PIN' : 'Set PIN'}
          </button>
          {pinSet && (
            <button type="button" className="button-danger" onClick={() => void clear()}>
              Clear PIN
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

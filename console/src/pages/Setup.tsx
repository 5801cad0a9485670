import { useState, type FormEvent } from 'react';
import type { SessionJson, SetupRequestJson } from '../../../src/admin-api/wire';
import { api } from '../api';
import { Alert, Field, errorText, fieldErrorsOf } from '../ui';

let takenToken: string | undefined;

/** The setup link's secret: the address's fragment, read once; the address bar then drops it (history and screenshots keep no copy). */
function takeSetupToken(): string {
  if (takenToken === undefined || window.location.hash.length > 1) {
    takenToken = decodeURIComponent(window.location.hash.slice(1));
    if (takenToken !== '') window.history.replaceState(null, '', window.location.pathname);
  }
  return takenToken;
}

/** `/admin/setup#<secret>`: the first administrator chooses a username and password, and is signed in. */
export function Setup(props: { onSignedIn: (session: SessionJson) => void }) {
  const [token] = useState(takeSetupToken);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setFieldErrors({});
    if (password !== repeated) {
      setFieldErrors({ repeated: 'the two passwords differ' });
      return;
    }
    setBusy(true);
    try {
      const request: SetupRequestJson = { setup_token: token, username, password };
      props.onSignedIn(await api<SessionJson>('POST', '/setup', request));
    } catch (failure) {
      const fields = fieldErrorsOf(failure);
      if (fields.username || fields.password) setFieldErrors(fields);
      else setError(errorText(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in" id="main">
      <form className="card sign-in-card" onSubmit={(event) => void submit(event)} aria-labelledby="setup-title" noValidate>
        <h1 id="setup-title">Create the first administrator</h1>
        {token === '' ? (
          <Alert kind="error">
            This page needs the setup link that <code>gatehouse serve</code> printed at its first start (the part after <code>#</code>). Run <code>npm run -s gatehouse -- admins setup-link</code> for
            a new one, or <code>npm run -s gatehouse -- admins create &lt;username&gt;</code>.
          </Alert>
        ) : (
          <p className="hint">Gatehouse has no administrator yet. Choose a username and a password; you are signed in right after. This link works once.</p>
        )}
        {error && <Alert kind="error">{error}</Alert>}
        <Field label="Username" error={fieldErrors.username} hint="Letters, digits, '.', '_', '@' or '-'.">
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              name="username"
              autoComplete="username"
              required
              aria-describedby={describedBy}
              aria-invalid={invalid}
              value={username}
              onChange={(event) => setUsername(event.target.value)}
              autoFocus
            />
          )}
        </Field>
        <Field label="Password" error={fieldErrors.password} hint="At least 12 characters.">
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              name="password"
              type="password"
              autoComplete="new-password"
              required
              aria-describedby={describedBy}
              aria-invalid={invalid}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
          )}
        </Field>
        <Field label="Password again" error={fieldErrors.repeated}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              name="repeated"
              type="password"
              autoComplete="new-password"
              required
              aria-describedby={describedBy}
              aria-invalid={invalid}
              value={repeated}
              onChange={(event) => setRepeated(event.target.value)}
            />
          )}
        </Field>
        <button type="submit" disabled={busy || token === ''}>
          {busy ? 'Creating…' : 'Create and sign in'}
        </button>
      </form>
    </main>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import type { SessionJson, SetupStatusJson } from '../../../src/admin-api/wire';
import { api } from '../api';
import { Alert, Field, errorText } from '../ui';

export function SignIn(props: { onSignedIn: (session: SessionJson) => void; notice?: string | undefined }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [noAdministrator, setNoAdministrator] = useState(false);

  useEffect(() => {
    api<SetupStatusJson>('GET', '/setup').then(
      (status) => setNoAdministrator(status.needed),
      () => undefined,
    );
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onSignedIn(await api<SessionJson>('POST', '/session', { username, password }));
    } catch (failure) {
      setError(errorText(failure));
      setPassword('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in" id="main">
      <form className="card sign-in-card" onSubmit={(event) => void submit(event)} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Gatehouse console</h1>
        <p className="hint">Sign in with an administrator account.</p>
        {props.notice && <Alert kind="info">{props.notice}</Alert>}
        {noAdministrator && (
          <Alert kind="info">
            There is no administrator yet. Open the one-time setup link that <code>gatehouse serve</code> printed at its first start, or create an account on the server with{' '}
            <code>npm run -s gatehouse -- admins create &lt;username&gt;</code> (<code>admins setup-link</code> prints a new link).
          </Alert>
        )}
        {error && <Alert kind="error">{error}</Alert>}
        <Field label="Username">
          {({ id }) => <input id={id} name="username" autoComplete="username" required value={username} onChange={(event) => setUsername(event.target.value)} autoFocus />}
        </Field>
        <Field label="Password">
          {({ id }) => <input id={id} name="password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} />}
        </Field>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

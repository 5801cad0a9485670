import { useEffect, useState, type FormEvent } from 'react';
import type { PageJson, UserJson } from '../../../src/admin-api/wire';
import { api, query } from '../api';
import { Alert, Badge, Check, Field, Link, Pager, errorText, fieldErrorsOf, formatTime } from '../ui';
import { RevokeTokensButton } from './RevokeTokens';

const LIMIT = 20;

type Panel = { kind: 'add' } | { kind: 'edit'; user: UserJson } | { kind: 'password'; user: UserJson } | null;

export function Users() {
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<(PageJson & { users: UserJson[] }) | null>(null);
  const [panel, setPanel] = useState<Panel>(null);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let current = true;
    api<PageJson & { users: UserJson[] }>('GET', `/users${query({ search, limit: LIMIT, offset })}`).then(
      (found) => current && setPage(found),
      (failure: unknown) => current && setMessage({ kind: 'error', text: errorText(failure) }),
    );
    return () => {
      current = false;
    };
  }, [search, offset, version]);

  const reload = (text?: string) => {
    setVersion((value) => value + 1);
    if (text) setMessage({ kind: 'success', text });
  };

  async function act(user: UserJson, action: 'enable' | 'disable' | 'unlock') {
    setMessage(null);
    try {
      if (action === 'unlock') await api('POST', `/users/${user.id}/unlock`);
      else await api('PATCH', `/users/${user.id}`, { enabled: action === 'enable' });
      reload(`User ${user.username} ${action === 'unlock' ? 'unlocked' : `${action}d`}.`);
    } catch (failure) {
      setMessage({ kind: 'error', text: errorText(failure) });
    }
  }

  return (
    <section aria-labelledby="users-title">
      <div className="page-head">
        <h1 id="users-title">Users</h1>
        <button type="button" onClick={() => setPanel({ kind: 'add' })}>
          Add user
        </button>
      </div>
      <p className="lead">People in the user registry: they sign in through the hosted sign-in pages (authorization code flow), or through clients with the password grant.</p>
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {panel?.kind === 'add' && <UserEditor onDone={(text) => (setPanel(null), reload(text))} onCancel={() => setPanel(null)} />}
      {panel?.kind === 'edit' && <UserEditor user={panel.user} onDone={(text) => (setPanel(null), reload(text))} onCancel={() => setPanel(null)} />}
      {panel?.kind === 'password' && <PasswordReset user={panel.user} onDone={(text) => (setPanel(null), reload(text))} onCancel={() => setPanel(null)} />}
      <div className="toolbar" role="search">
        <Field label="Search by username or display name">
          {({ id }) => (
            <input
              id={id}
              type="search"
              value={search}
              onChange={(event) => {
                setSearch(event.target.value);
                setOffset(0);
              }}
            />
          )}
        </Field>
      </div>
      {page && (
        <>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">Display name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Roles</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.users.length === 0 && (
                  <tr>
                    <td colSpan={6} className="empty">
                      No users.
                    </td>
                  </tr>
                )}
                {page.users.map((user) => {
                  const locked = user.locked_until !== null && Date.parse(user.locked_until) > Date.now();
                  return (
                    <tr key={user.id}>
                      <td>{user.username}</td>
                      <td>{user.display_name ?? '—'}</td>
                      <td>{user.email ?? '—'}</td>
                      <td>{user.roles.join(', ') || '—'}</td>
                      <td>
                        {user.enabled ? <Badge kind="on">Enabled</Badge> : <Badge kind="off">Disabled</Badge>} {locked && <Badge kind="warn">Locked until {formatTime(user.locked_until)}</Badge>}
                      </td>
                      <td className="row-actions">
                        <button type="button" className="button-secondary" onClick={() => setPanel({ kind: 'edit', user })} aria-label={`Edit ${user.username}`}>
                          Edit
                        </button>
                        <button
                          type="button"
                          className="button-secondary"
                          onClick={() => void act(user, user.enabled ? 'disable' : 'enable')}
                          aria-label={`${user.enabled ? 'Disable' : 'Enable'} ${user.username}`}
                        >
                          {user.enabled ? 'Disable' : 'Enable'}
                        </button>
                        <button type="button" className="button-secondary" onClick={() => setPanel({ kind: 'password', user })} aria-label={`Reset the password of ${user.username}`}>
                          Reset password
                        </button>
                        {locked && (
                          <button type="button" className="button-secondary" onClick={() => void act(user, 'unlock')} aria-label={`Unlock ${user.username}`}>
                            Unlock
                          </button>
                        )}
                        <RevokeTokensButton
                          target={{ user_id: user.id }}
                          label="Revoke tokens"
                          ariaLabel={`Revoke every token of ${user.username}`}
                          question={`Revoke every token of ${user.username}, at every client? Their access and refresh tokens stop working at once; they can sign in again.`}
                          onDone={(outcome) => setMessage(outcome)}
                        />
                        <Link to={`/sessions?user=${encodeURIComponent(user.username)}`} className="button button-secondary">
                          Sessions<span className="visually-hidden"> of {user.username}</span>
                        </Link>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager total={page.total} limit={page.limit} offset={page.offset} onOffset={setOffset} />
        </>
      )}
    </section>
  );
}

function UserEditor(props: { user?: UserJson; onDone: (message: string) => void; onCancel: () => void }) {
  const editing = props.user !== undefined;
  const [username, setUsername] = useState(props.user?.username ?? '');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState(props.user?.display_name ?? '');
  const [email, setEmail] = useState(props.user?.email ?? '');
  const [roles, setRoles] = useState(props.user?.roles.join(', ') ?? '');
  const [enabled, setEnabled] = useState(props.user?.enabled ?? true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    setError(null);
    const body = {
      display_name: displayName.trim() === '' ? null : displayName,
      email: email.trim() === '' ? null : email,
      roles: roles
        .split(',')
        .map((role) => role.trim())
        .filter((role) => role !== ''),
      enabled,
    };
    try {
      if (props.user) await api('PATCH', `/users/${props.user.id}`, body);
      else await api('POST', '/users', { ...body, username, password });
      props.onDone(editing ? `User ${username} saved.` : `User ${username} added.`);
    } catch (failure) {
      setErrors(fieldErrorsOf(failure));
      setError(errorText(failure));
    }
  }

  return (
    <form className="card form" onSubmit={(event) => void save(event)} noValidate aria-labelledby="user-editor-title">
      <h2 id="user-editor-title">{editing ? `Edit ${props.user?.username}` : 'Add a user'}</h2>
      {error && <Alert kind="error">{error}</Alert>}
      <div className="grid-2">
        <Field label="Username" error={errors.username} hint={editing ? 'Usernames cannot be changed.' : 'Unique, regardless of case.'}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              name="username"
              value={username}
              readOnly={editing}
              autoComplete="off"
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              onChange={(event) => setUsername(event.target.value)}
            />
          )}
        </Field>
        {!editing && (
          <Field label="Password" error={errors.password} hint="At least 8 characters. Stored only as an argon2id hash.">
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                name="password"
                type="password"
                autoComplete="new-password"
                value={password}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                onChange={(event) => setPassword(event.target.value)}
              />
            )}
          </Field>
        )}
        <Field label="Display name" error={errors.display_name}>
          {({ id, describedBy, invalid }) => (
            <input id={id} name="display_name" value={displayName} aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(event) => setDisplayName(event.target.value)} />
          )}
        </Field>
        <Field label="Email" error={errors.email}>
          {({ id, describedBy, invalid }) => (
            <input id={id} name="email" type="email" value={email} aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(event) => setEmail(event.target.value)} />
          )}
        </Field>
        <Field label="Roles" error={errors.roles} hint="Comma-separated.">
          {({ id, describedBy, invalid }) => (
            <input id={id} name="roles" value={roles} aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(event) => setRoles(event.target.value)} />
          )}
        </Field>
        <Check label="Enabled" checked={enabled} onChange={setEnabled} error={errors.enabled} />
      </div>
      <div className="actions">
        <button type="submit">{editing ? 'Save user' : 'Add user'}</button>
        <button type="button" className="button-secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function PasswordReset(props: { user: UserJson; onDone: (message: string) => void; onCancel: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    try {
      await api('POST', `/users/${props.user.id}/password`, { password });
      props.onDone(`Password of ${props.user.username} reset; their lockout is cleared and their refresh tokens revoked.`);
    } catch (failure) {
      setError(errorText(failure));
    }
  }

  return (
    <form className="card form" onSubmit={(event) => void save(event)} noValidate aria-labelledby="password-title">
      <h2 id="password-title">Reset the password of {props.user.username}</h2>
      <Field label="New password" error={error ?? undefined} hint="At least 8 characters. Also clears a lockout and revokes the user's refresh tokens.">
        {({ id, describedBy, invalid }) => (
          <input
            id={id}
            name="new_password"
            type="password"
            autoComplete="new-password"
            value={password}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            onChange={(event) => setPassword(event.target.value)}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit">Set password</button>
        <button type="button" className="button-secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

import { useState, type FormEvent } from 'react';
import { isUserLocked, type PageJson, type UserJson } from '../../../src/admin-api/wire';
import { api } from '../api';
import { useConfirm } from '../confirm-dialog';
import { asTyped, checkUserForm } from '../form-checks';
import { takeKeptEdit, useKeptEdit } from '../kept-edits';
import { useUnsavedChanges } from '../unsaved-changes';
import { usePagedList } from '../use-paged-list';
import { Alert, Badge, Check, Field, Link, Pager, errorText, fieldErrorsOf, fieldsNeedChangeText, formatTime } from '../ui';
import { RevokeTokensButton } from './RevokeTokens';

const LIMIT = 20;

type Panel = { kind: 'add' } | { kind: 'edit'; user: UserJson } | { kind: 'password'; user: UserJson } | null;

/** What the user editor keeps when the session expires (never the password). */
interface KeptUserEdit {
  user?: UserJson;
  values: EditorValues;
}
interface EditorValues {
  username: string;
  displayName: string;
  email: string;
  roles: string;
  enabled: boolean;
}
const KEPT_EDITOR = 'users:editor';

export function Users() {
  const [search, setSearch] = useState('');
  const [offset, setOffset] = useState(0);
  const list = usePagedList<PageJson & { users: UserJson[] }>('/users', { search, limit: LIMIT, offset });
  const page = list.page;
  // An edit kept when the session expired opens its editor again.
  const [kept] = useState(() => takeKeptEdit<KeptUserEdit>(KEPT_EDITOR));
  const [panel, setPanel] = useState<Panel>(() => (kept ? (kept.user ? { kind: 'edit', user: kept.user } : { kind: 'add' }) : null));
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [confirm, confirmDialog] = useConfirm();

  const reload = (text?: string) => {
    list.reload();
    if (text) setMessage({ kind: 'success', text });
  };

  async function act(user: UserJson, action: 'enable' | 'disable' | 'unlock' | 'delete') {
    setMessage(null);
    if (action === 'disable' || action === 'delete') {
      const confirmed = await confirm(
        action === 'delete'
          ? {
              title: `Delete the user ${user.username}?`,
              body: <p>The account, its sessions, consents and refresh tokens are removed; it cannot be restored. Access tokens already issued stay valid until they expire or are revoked.</p>,
              action: `Delete user ${user.username}`,
            }
          : {
              title: `Disable the user ${user.username}?`,
              body: <p>They can no longer sign in or get tokens until they are enabled again. Access tokens already issued stay valid until they expire or are revoked.</p>,
              action: `Disable user ${user.username}`,
            },
      );
      if (!confirmed) return;
    }
    try {
      if (action === 'unlock') await api('POST', `/users/${encodeURIComponent(user.id)}/unlock`);
      else if (action === 'delete') await api('DELETE', `/users/${encodeURIComponent(user.id)}`);
      else await api('PATCH', `/users/${encodeURIComponent(user.id)}`, { enabled: action === 'enable' });
      const done = { unlock: 'unlocked', delete: 'deleted', enable: 'enabled', disable: 'disabled' }[action];
      reload(`User ${user.username} ${done}.`);
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
      {confirmDialog}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {list.error && <Alert kind="error">{list.error}</Alert>}
      {panel?.kind === 'add' && <UserEditor kept={kept?.user ? undefined : kept?.values} onDone={(text) => (setPanel(null), reload(text))} onCancel={() => setPanel(null)} />}
      {panel?.kind === 'edit' && (
        <UserEditor
          key={panel.user.id}
          user={panel.user}
          kept={kept?.user?.id === panel.user.id ? kept.values : undefined}
          onDone={(text) => (setPanel(null), reload(text))}
          onCancel={() => setPanel(null)}
        />
      )}
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
            <table className="stack-table users-table">
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
                  const locked = isUserLocked(user);
                  return (
                    <tr key={user.id}>
                      <td className="user-name">
                        <strong>{user.username}</strong>
                      </td>
                      <td data-label="Display name">{user.display_name ?? '—'}</td>
                      <td data-label="Email">{user.email ?? '—'}</td>
                      <td data-label="Roles">{user.roles.join(', ') || '—'}</td>
                      <td data-label="Status">
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
                        <button type="button" className="button-danger" onClick={() => void act(user, 'delete')} aria-label={`Delete ${user.username}`}>
                          Delete
                        </button>
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

function valuesOf(user: UserJson | undefined): EditorValues {
  return { username: user?.username ?? '', displayName: user?.display_name ?? '', email: user?.email ?? '', roles: user?.roles.join(', ') ?? '', enabled: user?.enabled ?? true };
}

function rolesOf(text: string): string[] {
  return text
    .split(',')
    .map((role) => role.trim())
    .filter((role) => role !== '');
}

function UserEditor(props: { user?: UserJson; kept?: EditorValues | undefined; onDone: (message: string) => void; onCancel: () => void }) {
  const editing = props.user !== undefined;
  const initial = valuesOf(props.user);
  const start = props.kept ?? initial;
  const [username, setUsername] = useState(start.username);
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState(start.displayName);
  const [email, setEmail] = useState(start.email);
  const [roles, setRoles] = useState(start.roles);
  const [enabled, setEnabled] = useState(start.enabled);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [confirm, confirmDialog] = useConfirm();
  const values: EditorValues = { username, displayName, email, roles, enabled };
  const dirty = JSON.stringify(values) !== JSON.stringify(initial) || password !== '';
  useUnsavedChanges(dirty, confirm);
  useKeptEdit(KEPT_EDITOR, dirty ? ({ user: props.user, values } satisfies KeptUserEdit) : null);

  async function save(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    setError(null);
    const invalid = checkUserForm({ username, password: editing ? undefined : password, email, roles: rolesOf(roles) });
    if (Object.keys(invalid).length > 0) {
      setErrors(invalid);
      setError(fieldsNeedChangeText(Object.keys(invalid).length));
      return;
    }
    const body = {
      display_name: displayName.trim() === '' ? null : displayName,
      email: email.trim() === '' ? null : email,
      roles: rolesOf(roles),
      enabled,
    };
    try {
      if (props.user) await api('PATCH', `/users/${encodeURIComponent(props.user.id)}`, body);
      else await api('POST', '/users', { ...body, username, password });
      props.onDone(editing ? `User ${username} saved.` : `User ${username} added.`);
    } catch (failure) {
      const typed = [username, displayName, email, ...rolesOf(roles)];
      const fieldErrors = Object.fromEntries(Object.entries(fieldErrorsOf(failure)).map(([field, text]) => [field, asTyped(text, typed)]));
      setErrors(fieldErrors);
      // Several fields: each is marked with its message (as typed); the summary counts them, as the local checks do.
      const count = Object.keys(fieldErrors).length;
      setError(count > 1 ? fieldsNeedChangeText(count) : asTyped(errorText(failure), typed));
    }
  }

  return (
    <form className="card form" onSubmit={(event) => void save(event)} noValidate aria-labelledby="user-editor-title">
      <h2 id="user-editor-title">{editing ? `Edit ${props.user?.username}` : 'Add a user'}</h2>
      {confirmDialog}
      {props.kept && dirty && <Alert kind="info">Your unsaved changes from before the session expired are back (enter the password again): check them and save.</Alert>}
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

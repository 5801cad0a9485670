import { useEffect, useState, type FormEvent } from 'react';
import { ADMIN_ROLES, MIN_ADMIN_PASSWORD_LENGTH, type AdminJson, type AdminRole, type AdminsJson, type SessionJson } from '../../../src/admin-api/wire';
import { api } from '../api';
import { ConfirmButton } from '../confirm-button';
import { Alert, Badge, Field, errorText, fieldErrorsOf, formatTime } from '../ui';

type Message = { kind: 'error' | 'success'; text: string } | null;

const ROLE_LABELS: Record<AdminRole, string> = { admin: 'Administrator', auditor: 'Auditor (read-only)' };

/** The console's accounts: list, add (with a role), change the role, reset a password, delete; and your own password. */
export function Administrators(props: { session: SessionJson }) {
  const [admins, setAdmins] = useState<AdminJson[] | null>(null);
  const [message, setMessage] = useState<Message>(null);
  const [panel, setPanel] = useState<{ kind: 'add' } | { kind: 'password'; admin: AdminJson } | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let current = true;
    api<AdminsJson>('GET', '/admins').then(
      (found) => current && setAdmins(found.admins),
      (failure: unknown) => current && setMessage({ kind: 'error', text: errorText(failure) }),
    );
    return () => {
      current = false;
    };
  }, [version]);

  const reload = (text: string) => {
    setPanel(null);
    setVersion((value) => value + 1);
    setMessage({ kind: 'success', text });
  };

  async function setRole(admin: AdminJson, role: AdminRole) {
    setMessage(null);
    try {
      await api('PATCH', `/admins/${admin.id}`, { role });
      // Your own new role changes what the console offers: start it again with the new session answer.
      if (admin.username === props.session.username) return window.location.reload();
      reload(`${admin.username} is now ${role === 'admin' ? 'an administrator' : 'an auditor'}.`);
    } catch (failure) {
      setMessage({ kind: 'error', text: errorText(failure) });
    }
  }

  return (
    <section aria-labelledby="admins-title">
      <div className="page-head">
        <h1 id="admins-title">Administrators</h1>
        <button type="button" onClick={() => setPanel({ kind: 'add' })}>
          Add account
        </button>
      </div>
      <p className="lead">Who may sign in to this console. Administrators may change everything; auditors may only read.</p>
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {panel?.kind === 'add' && <AdminEditor onDone={reload} onCancel={() => setPanel(null)} />}
      {panel?.kind === 'password' && <PasswordReset admin={panel.admin} onDone={reload} onCancel={() => setPanel(null)} />}
      {admins && (
        <div className="table-wrap">
          <table className="stack-table admins-table">
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {admins.map((admin) => {
                const self = admin.username === props.session.username;
                const other: AdminRole = admin.role === 'admin' ? 'auditor' : 'admin';
                return (
                  <tr key={admin.id}>
                    <td>
                      {admin.username} {self && <Badge kind="neutral">you</Badge>}
                    </td>
                    <td data-label="Role">{admin.role === 'admin' ? <Badge kind="on">administrator</Badge> : <Badge kind="warn">auditor</Badge>}</td>
                    <td data-label="Created" className="nowrap">
                      {formatTime(admin.created_at)}
                    </td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="button-secondary"
                        onClick={() => void setRole(admin, other)}
                        aria-label={`Make ${admin.username} ${other === 'admin' ? 'an administrator' : 'an auditor'}`}
                      >
                        {other === 'admin' ? 'Make administrator' : 'Make auditor'}
                      </button>
                      <button type="button" className="button-secondary" onClick={() => setPanel({ kind: 'password', admin })} aria-label={`Reset the password of ${admin.username}`}>
                        Reset password
                      </button>
                      {!self && (
                        <ConfirmButton
                          label="Delete"
                          ariaLabel={`Delete ${admin.username}`}
                          question={`Delete the account ${admin.username}? Their console sessions end at once.`}
                          confirmLabel="Delete"
                          onConfirm={async () => {
                            try {
                              await api('DELETE', `/admins/${admin.id}`);
                              reload(`Account ${admin.username} deleted.`);
                            } catch (failure) {
                              setMessage({ kind: 'error', text: errorText(failure) });
                            }
                          }}
                        />
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <OwnPassword />
    </section>
  );
}

function PasswordInput(props: { name: string; value: string; onChange: (value: string) => void; autoComplete: string; id: string; describedBy: string | undefined; invalid: boolean }) {
  return (
    <input
      id={props.id}
      name={props.name}
      type="password"
      autoComplete={props.autoComplete}
      value={props.value}
      aria-describedby={props.describedBy}
      aria-invalid={props.invalid || undefined}
      onChange={(event) => props.onChange(event.target.value)}
    />
  );
}

function AdminEditor(props: { onDone: (text: string) => void; onCancel: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<AdminRole>('admin');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    setError(null);
    try {
      await api('POST', '/admins', { username, password, role });
      props.onDone(`Account ${username} added.`);
    } catch (failure) {
      setErrors(fieldErrorsOf(failure));
      setError(errorText(failure));
    }
  }

  return (
    <form className="card form" onSubmit={(event) => void save(event)} noValidate aria-labelledby="admin-editor-title">
      <h2 id="admin-editor-title">Add an account</h2>
      {error && <Alert kind="error">{error}</Alert>}
      <div className="grid-2">
        <Field label="Username" error={errors.username}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              name="username"
              autoComplete="off"
              value={username}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
              onChange={(event) => setUsername(event.target.value)}
            />
          )}
        </Field>
        <Field label="Password" error={errors.password} hint={`At least ${MIN_ADMIN_PASSWORD_LENGTH} characters. Stored only as an argon2id hash.`}>
          {({ id, describedBy, invalid }) => <PasswordInput id={id} name="password" autoComplete="new-password" value={password} onChange={setPassword} describedBy={describedBy} invalid={invalid} />}
        </Field>
        <Field label="Role" error={errors.role}>
          {({ id, describedBy }) => (
            <select id={id} name="role" value={role} aria-describedby={describedBy} onChange={(event) => setRole(event.target.value as AdminRole)}>
              {ADMIN_ROLES.map((value) => (
                <option key={value} value={value}>
                  {ROLE_LABELS[value]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="actions">
        <button type="submit">Add account</button>
        <button type="button" className="button-secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function PasswordReset(props: { admin: AdminJson; onDone: (text: string) => void; onCancel: () => void }) {
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function save(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    try {
      await api('POST', `/admins/${props.admin.id}/password`, { password });
      props.onDone(`Password of ${props.admin.username} reset; their console sessions ended.`);
    } catch (failure) {
      setErrors({ password: errorText(failure), ...fieldErrorsOf(failure) });
    }
  }

  return (
    <form className="card form" onSubmit={(event) => void save(event)} noValidate aria-labelledby="admin-password-title">
      <h2 id="admin-password-title">Reset the password of {props.admin.username}</h2>
      <Field label="New password" error={errors.password} hint="Their console sessions end.">
        {({ id, describedBy, invalid }) => <PasswordInput id={id} name="password" autoComplete="new-password" value={password} onChange={setPassword} describedBy={describedBy} invalid={invalid} />}
      </Field>
      <div className="actions">
        <button type="submit">Reset password</button>
        <button type="button" className="button-secondary" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Changing your own password (auditors too): the current one is asked; your other sessions end. */
function OwnPassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<Message>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    setMessage(null);
    try {
      await api('POST', '/session/password', { current_password: current, new_password: next });
      setCurrent('');
      setNext('');
      setMessage({ kind: 'success', text: 'Password changed. Your other console sessions ended.' });
    } catch (failure) {
      const fields = fieldErrorsOf(failure);
      // The server names the new one `password` (the rule of every account password).
      setErrors({ ...(fields.password ? { new_password: fields.password } : {}), ...(fields.current_password ? { current_password: fields.current_password } : {}) });
      if (!fields.password && !fields.current_password) setMessage({ kind: 'error', text: errorText(failure) });
    }
  }

  return (
    <form className="card form" onSubmit={(event) => void save(event)} noValidate aria-labelledby="own-password-title">
      <h2 id="own-password-title">Change your password</h2>
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      <div className="grid-2">
        <Field label="Current password" error={errors.current_password}>
          {({ id, describedBy, invalid }) => (
            <PasswordInput id={id} name="current_password" autoComplete="current-password" value={current} onChange={setCurrent} describedBy={describedBy} invalid={invalid} />
          )}
        </Field>
        <Field label="New password" error={errors.new_password} hint={`At least ${MIN_ADMIN_PASSWORD_LENGTH} characters.`}>
          {({ id, describedBy, invalid }) => <PasswordInput id={id} name="new_password" autoComplete="new-password" value={next} onChange={setNext} describedBy={describedBy} invalid={invalid} />}
        </Field>
      </div>
      <div className="actions">
        <button type="submit" data-read="">
          Change password
        </button>
      </div>
    </form>
  );
}

import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { refusal } from '../form-checks';
import { ADMIN_ROLES, MIN_ADMIN_PASSWORD_LENGTH, parseAdminPassword, parseAdminUsername, type AdminJson, type AdminRole, type AdminsJson, type SessionJson } from '../../../src/admin-api/wire';
import { api } from '../api';
import { ConfirmButton } from '../confirm-button';
import { useConfirm } from '../confirm-dialog';
import { takeKeptEdit, useKeptEdit } from '../kept-edits';
import { useUnsavedChanges } from '../unsaved-changes';
import { Alert, Badge, Field, errorText, fieldErrorsOf, fieldsNeedChangeText, formatTime } from '../ui';

type Message = { kind: 'error' | 'success'; text: string } | null;
type Errors = Record<string, string>;

/** What the add form keeps when the session expires: never the password. */
interface KeptAdminEdit {
  username: string;
  role: AdminRole;
}
const KEPT_ADD = 'administrators:add';

/** Only the fields that have a problem. */
function problems(checks: Record<string, string | null>): Errors {
  return Object.fromEntries(Object.entries(checks).filter((entry): entry is [string, string] => entry[1] !== null));
}

/** The summary above a form whose fields are marked. */
function notSaved(errors: Errors, verb: string): string {
  return fieldsNeedChangeText(Object.keys(errors).length, verb);
}

const ROLE_LABELS: Record<AdminRole, string> = { admin: 'Administrator', auditor: 'Auditor (read-only)' };

/** The console's accounts: list, add (with a role), change the role, reset a password, delete; and your own password. */
export function Administrators(props: { session: SessionJson }) {
  const [admins, setAdmins] = useState<AdminJson[] | null>(null);
  const [message, setMessage] = useState<Message>(null);
  // An add form kept when the session expired opens again (without its password).
  const [kept, setKept] = useState(() => takeKeptEdit<KeptAdminEdit>(KEPT_ADD));
  const [panel, setPanel] = useState<{ kind: 'add' } | { kind: 'password'; admin: AdminJson } | null>(() => (kept ? { kind: 'add' } : null));
  const [version, setVersion] = useState(0);
  // One leave guard for the page: the forms on it report whether they hold unsaved changes.
  const [confirm, confirmDialog] = useConfirm();
  const [dirtyForms, setDirtyForms] = useState<ReadonlySet<string>>(new Set());
  const onDirty = useCallback((form: string, dirty: boolean) => {
    setDirtyForms((current) => {
      if (current.has(form) === dirty) return current;
      const next = new Set(current);
      if (dirty) next.add(form);
      else next.delete(form);
      return next;
    });
  }, []);
  useUnsavedChanges(dirtyForms.size > 0, confirm);

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
    setKept(null);
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
      {confirmDialog}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {panel?.kind === 'add' && (
        <AdminEditor
          kept={kept ?? undefined}
          onDirty={onDirty}
          onDone={reload}
          onCancel={() => {
            // A kept edit comes back once: the next add form starts empty.
            setKept(null);
            setPanel(null);
          }}
        />
      )}
      {panel?.kind === 'password' && <PasswordReset key={panel.admin.id} admin={panel.admin} onDirty={onDirty} onDone={reload} onCancel={() => setPanel(null)} />}
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
      <OwnPassword onDirty={onDirty} />
    </section>
  );
}

/** Tells the page whether a form has unsaved changes while it is mounted (its leave guard asks then). */
function useReportDirty(form: string, dirty: boolean, onDirty: (form: string, dirty: boolean) => void): void {
  useEffect(() => {
    onDirty(form, dirty);
  }, [form, dirty, onDirty]);
  useEffect(() => () => onDirty(form, false), [form, onDirty]);
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

function AdminEditor(props: { kept?: KeptAdminEdit | undefined; onDirty: (form: string, dirty: boolean) => void; onDone: (text: string) => void; onCancel: () => void }) {
  const [username, setUsername] = useState(props.kept?.username ?? '');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<AdminRole>(props.kept?.role ?? 'admin');
  const [errors, setErrors] = useState<Errors>({});
  const [error, setError] = useState<string | null>(null);
  const dirty = username !== '' || password !== '' || role !== 'admin';
  useReportDirty('add', dirty, props.onDirty);
  useKeptEdit(KEPT_ADD, dirty ? ({ username, role } satisfies KeptAdminEdit) : null);

  async function save(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    setError(null);
    // The server's own rules first, every field at once; the server checks again (and whether the name is taken).
    const invalid = problems({ username: refusal(parseAdminUsername, username), password: refusal(parseAdminPassword, password) });
    if (Object.keys(invalid).length > 0) {
      setErrors(invalid);
      setError(notSaved(invalid, 'Not added'));
      return;
    }
    try {
      await api('POST', '/admins', { username, password, role });
      props.onDirty('add', false);
      props.onDone(`Account ${username} added.`);
    } catch (failure) {
      const fields = fieldErrorsOf(failure);
      setErrors(fields);
      setError(Object.keys(fields).length > 1 ? notSaved(fields, 'Not added') : errorText(failure));
    }
  }

  return (
    <form className="card form" onSubmit={(event) => void save(event)} noValidate aria-labelledby="admin-editor-title">
      <h2 id="admin-editor-title">Add an account</h2>
      {props.kept && dirty && <Alert kind="info">Your unsaved changes from before the session expired are back. Passwords are never kept: type the password again, then add the account.</Alert>}
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

function PasswordReset(props: { admin: AdminJson; onDirty: (form: string, dirty: boolean) => void; onDone: (text: string) => void; onCancel: () => void }) {
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  useReportDirty('reset', password !== '', props.onDirty);

  async function save(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    const invalid = problems({ password: refusal(parseAdminPassword, password) });
    if (Object.keys(invalid).length > 0) return setErrors(invalid);
    try {
      await api('POST', `/admins/${props.admin.id}/password`, { password });
      props.onDirty('reset', false);
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
function OwnPassword(props: { onDirty: (form: string, dirty: boolean) => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState<Message>(null);
  useReportDirty('own', current !== '' || next !== '', props.onDirty);

  async function save(event: FormEvent) {
    event.preventDefault();
    setErrors({});
    setMessage(null);
    // Only the server knows the current password; the rule of the new one is checked here too, with the server's function.
    const invalid = problems({ current_password: current === '' ? 'is required' : null, new_password: refusal(parseAdminPassword, next) });
    if (Object.keys(invalid).length > 0) {
      setErrors(invalid);
      setMessage({ kind: 'error', text: notSaved(invalid, 'Not changed') });
      return;
    }
    try {
      await api('POST', '/session/password', { current_password: current, new_password: next });
      setCurrent('');
      setNext('');
      setMessage({ kind: 'success', text: 'Password changed. Your other console sessions ended.' });
    } catch (failure) {
      const fields = fieldErrorsOf(failure);
      setErrors(fields);
      setMessage({ kind: 'error', text: Object.keys(fields).length > 0 ? notSaved(fields, 'Not changed') : errorText(failure) });
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

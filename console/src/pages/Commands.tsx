import { useEffect, useState } from 'react';
import type { DeclarativeCommandJson, DeclarativeCommandsJson } from '../../../src/admin-api/wire';
import { api } from '../api';
import { useConfirm } from '../confirm-dialog';
import { navigate } from '../router';
import { Alert, Badge, Field, Link, errorText, formatTime } from '../ui';
import type { EditableSpec } from './command-form';

/** The console path of one command. */
export function commandPath(app: string, name: string): string {
  return `/commands/${encodeURIComponent(app)}/${encodeURIComponent(name)}`;
}

/** A message for the next page shown (after a create or a delete, which change the address). */
let flash: string | null = null;
/** A spec to open the new-command form with (a folder command copied into the console). */
let draft: EditableSpec | null = null;

/** Keeps a message for the next page shown. */
export function flashNext(message: string): void {
  flash = message;
}

export function showCommands(message: string): void {
  flashNext(message);
  navigate('/admin/commands');
}

export function openDraft(spec: EditableSpec): void {
  draft = spec;
  navigate('/admin/commands/new');
}

/**
 * What the previous page handed over: read while the next page first renders (React may render twice in
 * development, so reading does not clear), cleared by that page's first effect (endHandOver).
 */
export function handedOver(): { draft: EditableSpec | null; flash: string | null } {
  return { draft, flash };
}

export function endHandOver(): void {
  draft = null;
  flash = null;
}

function matches(command: DeclarativeCommandJson, filter: string): boolean {
  const text = `${command.app}/${command.name} ${command.spec?.url ?? ''} ${command.spec?.description ?? ''}`.toLowerCase();
  return filter
    .toLowerCase()
    .split(/\s+/)
    .every((word) => text.includes(word));
}

export function Commands() {
  const [confirm, confirmDialog] = useConfirm();
  const [commands, setCommands] = useState<DeclarativeCommandJson[] | null>(null);
  const [filter, setFilter] = useState('');
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(() => {
    const text = handedOver().flash;
    return text ? { kind: 'success', text } : null;
  });
  const [version, setVersion] = useState(0);
  useEffect(endHandOver, []);

  useEffect(() => {
    let current = true;
    api<DeclarativeCommandsJson>('GET', '/commands').then(
      (found) => current && setCommands([...found.commands].sort((a, b) => `${a.app}/${a.name}`.localeCompare(`${b.app}/${b.name}`))),
      (failure: unknown) => current && setMessage({ kind: 'error', text: errorText(failure) }),
    );
    return () => {
      current = false;
    };
  }, [version]);

  async function remove(command: DeclarativeCommandJson) {
    const label = `${command.app}/${command.name}`;
    if (!(await confirm({ title: `Delete the command ${label}?`, body: 'Callers get 404 from every instance within a second.', action: `Delete command ${label}` }))) return;
    setMessage(null);
    try {
      await api('DELETE', commandPath(command.app, command.name));
      setMessage({ kind: 'success', text: `Command ${label} deleted.` });
      setVersion((value) => value + 1);
    } catch (failure) {
      setMessage({ kind: 'error', text: errorText(failure) });
    }
  }

  const shown = commands?.filter((command) => matches(command, filter.trim())) ?? [];
  return (
    <section aria-labelledby="commands-title">
      {confirmDialog}
      <div className="page-head">
        <h1 id="commands-title">Commands</h1>
        <Link to="/commands/new" className="button">
          New command
        </Link>
      </div>
      <p className="lead">
        Server commands that call another system&apos;s HTTP API, without code. Callers reach them at <code>POST /api/apps/&lt;app&gt;/commands/&lt;name&gt;</code> with a token. Commands made here are
        stored in the database and reach every instance within a second; those of the commands folder (<code>GATEHOUSE_COMMANDS_DIR</code>) are read-only here.
      </p>
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      <div className="toolbar" role="search">
        <Field label="Filter by application, name, URL or description">
          {({ id }) => <input id={id} type="search" name="filter" value={filter} onChange={(event) => setFilter(event.target.value)} />}
        </Field>
      </div>
      {commands && (
        <div className="table-wrap">
          <table className="commands-list">
            <thead>
              <tr>
                <th scope="col">Command</th>
                <th scope="col">Request</th>
                <th scope="col">Protection</th>
                <th scope="col">Source</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.length === 0 && (
                <tr>
                  <td colSpan={5} className="empty">
                    {commands.length === 0 ? (
                      <>
                        No commands yet. <Link to="/commands/new">Create the first one</Link>.
                      </>
                    ) : (
                      'No command matches the filter.'
                    )}
                  </td>
                </tr>
              )}
              {shown.map((command) => (
                <CommandRow key={`${command.source}:${command.app}/${command.name}`} command={command} onDelete={() => void remove(command)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CommandRow({ command, onDelete }: { command: DeclarativeCommandJson; onDelete: () => void }) {
  const label = `${command.app}/${command.name}`;
  const editable = command.source === 'console';
  return (
    <tr>
      <td>
        <Link to={commandPath(command.app, command.name)}>{label}</Link>
        {command.spec?.description && <div className="hint">{command.spec.description}</div>}
      </td>
      <td className="request-cell">
        {command.spec ? (
          <>
            <span className="method">{(command.spec.method ?? 'GET').toUpperCase()}</span> <code>{command.spec.url}</code>
          </>
        ) : (
          <span className="hint">JavaScript/TypeScript module</span>
        )}
      </td>
      <td>
        {command.protected ? <Badge kind="on">Protected</Badge> : <Badge kind="warn">Public</Badge>}
        {command.protected && command.scope.length > 0 && (
          <div className="hint">
            scope{' '}
            {command.scope.map((scope) => (
              <code key={scope}>{scope} </code>
            ))}
          </div>
        )}
        {command.roles.length > 0 && (
          <div className="hint">
            roles{' '}
            {command.roles.map((role) => (
              <code key={role}>{role} </code>
            ))}
          </div>
        )}
      </td>
      <td>
        {editable ? <Badge kind="neutral">Console</Badge> : <Badge kind="neutral">Folder · read-only</Badge>}
        {command.updated_at && (
          <div className="hint">
            {formatTime(command.updated_at)}
            {command.updated_by ? ` by ${command.updated_by}` : ''}
          </div>
        )}
      </td>
      <td className="row-actions">
        <Link to={commandPath(command.app, command.name)} className="button button-secondary">
          {editable ? 'Edit' : 'View'}
          <span className="visually-hidden"> {label}</span>
        </Link>
        {editable && (
          <button type="button" className="button-secondary" onClick={onDelete} aria-label={`Delete ${label}`}>
            Delete
          </button>
        )}
      </td>
    </tr>
  );
}

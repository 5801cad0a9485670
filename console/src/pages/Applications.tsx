import { useEffect, useState } from 'react';
import type { ApplicationsJson } from '../../../src/admin-api/wire';
import { api } from '../api';
import { Alert, Badge, errorText } from '../ui';

export function Applications() {
  const [data, setData] = useState<ApplicationsJson | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<ApplicationsJson>('GET', '/applications').then(setData, (failure: unknown) => setError(errorText(failure)));
  }, []);

  return (
    <section aria-labelledby="apps-title">
      <h1 id="apps-title">Applications and server commands</h1>
      <p className="lead">
        What this server loaded from its commands folder (<code>GATEHOUSE_COMMANDS_DIR</code>). An application&apos;s name is the scope of its commands; the reserved scope <code>commands</code>{' '}
        reaches every command. Read-only: change the command modules and restart to change them.
      </p>
      {error && <Alert kind="error">{error}</Alert>}
      {data && data.applications.length === 0 && <Alert kind="info">No server commands are loaded.</Alert>}
      {data?.applications.map((application) => (
        <section key={application.name} className="card" aria-labelledby={`app-${application.name}`}>
          <h2 id={`app-${application.name}`}>
            {application.name}{' '}
            <span className="hint">
              scope <code>{application.scope}</code>
            </span>
          </h2>
          <div className="table-wrap">
            <table className="commands-table">
              <colgroup>
                <col className="col-command" />
                <col className="col-endpoint" />
                <col className="col-protection" />
                <col className="col-scope" />
                <col className="col-description" />
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">Command</th>
                  <th scope="col">Endpoint</th>
                  <th scope="col">Protection</th>
                  <th scope="col">Required scope</th>
                  <th scope="col">Description</th>
                </tr>
              </thead>
              <tbody>
                {application.commands.map((command) => (
                  <tr key={command.name}>
                    <td>{command.name}</td>
                    <td>
                      <code>POST {command.path}</code>
                    </td>
                    <td>{command.protected ? <Badge kind="on">Protected</Badge> : <Badge kind="warn">Public</Badge>}</td>
                    <td>
                      {command.protected ? command.scope.map((scope) => <code key={scope}>{scope} </code>) : '—'}
                      {command.roles.length > 0 ? (
                        <>
                          {' '}
                          roles:{' '}
                          {command.roles.map((role) => (
                            <code key={role}>{role} </code>
                          ))}
                        </>
                      ) : null}
                    </td>
                    <td>{command.description ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
      {data && (
        <p className="hint">
          Reserved scopes:{' '}
          {data.reserved_scopes.map((scope) => (
            <code key={scope}>{scope} </code>
          ))}
        </p>
      )}
    </section>
  );
}

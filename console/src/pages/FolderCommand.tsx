import type { DeclarativeCommandJson } from '../../../src/admin-api/wire';
import { Alert, Badge, CopyButton, Link } from '../ui';
import { formOf, sampleInputOf, type EditableSpec } from './command-form';
import { openDraft } from './Commands';
import { CommandTry } from './CommandTry';

/**
 * A folder command as the start of a console one: another name, and without `internalNetworks`, which only a
 * command file may set (a stored command reaches the networks of GATEHOUSE_COMMAND_INTERNAL_NETWORKS).
 */
function draftOf(spec: EditableSpec): EditableSpec {
  const draft = { ...spec, name: `${spec.name}-copy` };
  delete draft.internalNetworks;
  return draft;
}

/** A command of the commands folder: what it does, its JSON to copy, a Try panel; changed only in its file. */
export function FolderCommand({ command }: { command: DeclarativeCommandJson }) {
  const label = `${command.app}/${command.name}`;
  const spec = command.spec;
  const json = spec ? JSON.stringify(spec, null, 2) : '';
  return (
    <section aria-labelledby="command-title">
      <p className="breadcrumb">
        <Link to="/commands">Commands</Link> /
      </p>
      <div className="page-head">
        <h1 id="command-title">Command {label}</h1>
        <Badge kind="neutral">Folder · read-only</Badge>
      </div>
      <Alert kind="info">
        This command comes from the commands folder (<code>GATEHOUSE_COMMANDS_DIR</code>): change its file and restart to change it
        {spec ? ', or copy it into a console command' : ''}.
      </Alert>
      <div className="command-layout">
        <div className="card">
          <dl className="settings-list command-summary">
            <div>
              <dt>Endpoint</dt>
              <dd>
                <code>
                  POST /api/apps/{command.app}/commands/{command.name}
                </code>
              </dd>
            </div>
            {spec && (
              <div>
                <dt>Request</dt>
                <dd>
                  <code>
                    {(spec.method ?? 'GET').toUpperCase()} {spec.url}
                  </code>
                </dd>
              </div>
            )}
            <div>
              <dt>Protection</dt>
              <dd>{command.protected ? `Protected: ${command.scope.join(' ') || '—'}` : 'Public'}</dd>
            </div>
            <div>
              <dt>Roles</dt>
              <dd>{command.roles.join(', ') || '—'}</dd>
            </div>
            {spec?.description && (
              <div>
                <dt>Description</dt>
                <dd>{spec.description}</dd>
              </div>
            )}
          </dl>
          {spec ? (
            <>
              <h2>Definition</h2>
              <pre className="http-message" data-testid="folder-spec">
                {json}
              </pre>
              <div className="actions">
                <CopyButton text={json} label="Copy JSON" />
                <button type="button" className="button-secondary" onClick={() => openDraft(draftOf(spec))}>
                  Copy into a console command
                </button>
              </div>
            </>
          ) : (
            <p className="hint">A JavaScript or TypeScript module: its code is the definition.</p>
          )}
        </div>
        {spec && <CommandTry specOf={() => spec} sample={() => sampleInputOf(formOf(spec))} onSpecErrors={() => undefined} />}
      </div>
    </section>
  );
}

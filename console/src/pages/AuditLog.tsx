import { useEffect, useId, useState, type FormEvent } from 'react';
import { AUDIT_ACTION_PREFIXES, AUDIT_ACTIONS, AUDIT_EXPORT_FORMATS, type AuditJson, type PageJson } from '../../../src/admin-api/wire';
import { query } from '../api';
import { setSearch, useSearch } from '../router';
import { Alert, Badge, Field, Pager, formatTime } from '../ui';
import { usePagedList } from '../use-paged-list';
import { RevokeTokensButton } from './RevokeTokens';

const LIMIT = 25;

interface Filters {
  from: string;
  to: string;
  actor: string;
  client_id: string;
  action: string;
  outcome: string;
  grant_type: string;
  subject: string;
}

const NONE: Filters = { from: '', to: '', actor: '', client_id: '', action: '', outcome: '', grant_type: '', subject: '' };

/** The filters and the page as the address holds them (`/admin/audit?action=token.&offset=25`). */
function filtersOf(search: URLSearchParams): Filters {
  const filters = { ...NONE };
  for (const name of Object.keys(NONE) as (keyof Filters)[]) filters[name] = search.get(name) ?? '';
  return filters;
}

function offsetOf(search: URLSearchParams): number {
  const offset = Number(search.get('offset') ?? 0);
  return Number.isSafeInteger(offset) && offset > 0 ? offset : 0;
}

/** Grant types of issued tokens; the application token endpoint records `application_token`. */
const GRANT_TYPES: [value: string, label: string][] = [
  ['client_credentials', 'client_credentials'],
  ['authorization_code', 'authorization_code'],
  ['password', 'password'],
  ['refresh_token', 'refresh_token'],
  ['urn:ietf:params:oauth:grant-type:jwt-bearer', 'JWT bearer'],
  ['application_token', 'application token'],
];

/** What an issued-token event says about its token (never the token itself). */
function TokenDetails({ event }: { event: AuditJson }) {
  if (event.grant_type === null && event.jti === null) return null;
  const rows: [string, string | null][] = [
    ['grant', event.grant_type],
    ['subject', event.subject],
    ['scope', event.scope],
    ['jti', event.jti],
    ['expires', event.expires_at === null ? null : formatTime(event.expires_at)],
  ];
  return (
    <dl className="token-details">
      {rows
        .filter(([, value]) => value !== null && value !== '')
        .map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  );
}

/** A datetime-local value (local time) as ISO 8601 in UTC. */
function isoOf(local: string): string | undefined {
  if (local === '') return undefined;
  const time = new Date(local);
  return Number.isNaN(time.getTime()) ? local : time.toISOString();
}

export function AuditLog() {
  const search = useSearch();
  const key = search.toString();
  const filters = filtersOf(search);
  const offset = offsetOf(search);
  const [draft, setDraft] = useState<Filters>(filters);
  const actionsId = useId();
  const { page, error: loadError } = usePagedList<PageJson & { events: AuditJson[] }>('/audit', { ...filters, from: isoOf(filters.from), to: isoOf(filters.to), limit: LIMIT, offset });
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? loadError;
  const [notice, setNotice] = useState<string | null>(null);

  // Back and forward show the filters of that address in the form too.
  useEffect(() => setDraft(filtersOf(new URLSearchParams(key))), [key]);

  function apply(event: FormEvent) {
    event.preventDefault();
    setSearch({ ...draft });
  }

  /** The export of what the filters select: every matching event, not only this page. */
  const exportHref = (format: string) => `/admin/api/audit/export${query({ format, ...filters, from: isoOf(filters.from), to: isoOf(filters.to) })}`;

  const text = (name: keyof Filters, label: string, type = 'text') => (
    <Field label={label}>{({ id }) => <input id={id} name={name} type={type} value={draft[name]} onChange={(event) => setDraft({ ...draft, [name]: event.target.value })} />}</Field>
  );

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p className="lead">Every administrative change (console, admin token, CLI), every issued access token and every refused token request. It never holds secrets or tokens.</p>
      <form className="card filters" onSubmit={apply} aria-label="Filters">
        {text('from', 'From', 'datetime-local')}
        {text('to', 'To', 'datetime-local')}
        {text('actor', 'Actor')}
        {text('client_id', 'Client ID')}
        <Field label="Action" hint="One action, or a prefix ending with a dot (token.) for all of its actions.">
          {({ id, describedBy }) => (
            <>
              <input id={id} name="action" list={actionsId} aria-describedby={describedBy} value={draft.action} onChange={(event) => setDraft({ ...draft, action: event.target.value })} />
              <datalist id={actionsId}>
                {AUDIT_ACTION_PREFIXES.map((prefix) => (
                  <option key={prefix} value={prefix}>
                    {`every ${prefix.slice(0, -1)} action`}
                  </option>
                ))}
                {AUDIT_ACTIONS.map((action) => (
                  <option key={action} value={action} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label="Outcome">
          {({ id }) => (
            <select id={id} name="outcome" value={draft.outcome} onChange={(event) => setDraft({ ...draft, outcome: event.target.value })}>
              <option value="">Any</option>
              <option value="success">Success</option>
              <option value="failure">Failure</option>
            </select>
          )}
        </Field>
        <Field label="Grant type">
          {({ id }) => (
            <select id={id} name="grant_type" value={draft.grant_type} onChange={(event) => setDraft({ ...draft, grant_type: event.target.value })}>
              <option value="">Any</option>
              {GRANT_TYPES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Subject" hint="A username, a user ID or a client ID.">
          {({ id, describedBy }) => <input id={id} name="subject" aria-describedby={describedBy} value={draft.subject} onChange={(event) => setDraft({ ...draft, subject: event.target.value })} />}
        </Field>
        <div className="actions">
          <button type="submit" data-read="">
            Apply filters
          </button>
          <button
            type="button"
            data-read=""
            className="button-secondary"
            onClick={() => {
              setDraft(NONE);
              setSearch({});
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <div className="export-actions">
        {AUDIT_EXPORT_FORMATS.map((format) => (
          <a key={format} className="button button-secondary" href={exportHref(format)} download>
            Export {format === 'csv' ? 'CSV' : 'NDJSON'}
          </a>
        ))}
        <span className="hint">Every event the filters select, not only this page.</span>
      </div>
      {error && <Alert kind="error">{error}</Alert>}
      {notice && <Alert kind="success">{notice}</Alert>}
      {page && (
        <>
          <div className="table-wrap">
            <table className="audit-table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Token</th>
                  <th scope="col">Source</th>
                </tr>
              </thead>
              <tbody>
                {page.events.length === 0 && (
                  <tr>
                    <td colSpan={8} className="empty">
                      No events match.
                    </td>
                  </tr>
                )}
                {page.events.map((event) => (
                  <tr key={event.id}>
                    <td className="nowrap">{formatTime(event.at)}</td>
                    <td className="ident-cell">{event.actor}</td>
                    <td>
                      <code>{event.action}</code>
                    </td>
                    <td className="ident-cell">{event.target ?? '—'}</td>
                    <td>
                      {event.outcome === 'success' ? <Badge kind="on">success</Badge> : <Badge kind="off">failure</Badge>}
                      {event.status !== null && <span className="hint"> {event.status}</span>}
                    </td>
                    <td className="reason">{event.reason ?? ''}</td>
                    <td>
                      <TokenDetails event={event} />
                      {event.jti !== null && event.outcome === 'success' && (event.expires_at === null || Date.parse(event.expires_at) > Date.now()) && (
                        <RevokeTokensButton
                          target={{ jti: event.jti }}
                          label="Revoke"
                          ariaLabel={`Revoke the token ${event.jti}`}
                          question={`Revoke the access token ${event.jti}${event.client_id ? ` of ${event.client_id}` : ''}? It stops working at once, on every instance.`}
                          onDone={(outcome) => (outcome.kind === 'error' ? setError(outcome.text) : setNotice(outcome.text))}
                        />
                      )}
                    </td>
                    <td className="ident-cell">{event.source_address ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={page.total} limit={page.limit} offset={page.offset} onOffset={(next) => setSearch({ ...filters, offset: next })} />
        </>
      )}
    </section>
  );
}

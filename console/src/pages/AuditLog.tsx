import { useState, type FormEvent } from 'react';
import type { AuditJson, PageJson } from '../../../src/admin-api/wire';
import { usePagedList } from '../use-paged-list';
import { Alert, Badge, Field, Pager } from '../ui';

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
    ['expires', event.expires_at === null ? null : new Date(event.expires_at).toLocaleString()],
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
  const [draft, setDraft] = useState<Filters>(NONE);
  const [filters, setFilters] = useState<Filters>(NONE);
  const [offset, setOffset] = useState(0);
  const { page, error } = usePagedList<PageJson & { events: AuditJson[] }>('/audit', { ...filters, from: isoOf(filters.from), to: isoOf(filters.to), limit: LIMIT, offset });

  function apply(event: FormEvent) {
    event.preventDefault();
    setOffset(0);
    setFilters(draft);
  }

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
        {text('action', 'Action')}
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
        {text('subject', 'Subject')}
        <div className="actions">
          <button type="submit">Apply filters</button>
          <button
            type="button"
            className="button-secondary"
            onClick={() => {
              setDraft(NONE);
              setFilters(NONE);
              setOffset(0);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      {error && <Alert kind="error">{error}</Alert>}
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
                    <td className="nowrap">{new Date(event.at).toLocaleString()}</td>
                    <td>{event.actor}</td>
                    <td>
                      <code>{event.action}</code>
                    </td>
                    <td>{event.target ?? '—'}</td>
                    <td>
                      {event.outcome === 'success' ? <Badge kind="on">success</Badge> : <Badge kind="off">failure</Badge>}
                      {event.status !== null && <span className="hint"> {event.status}</span>}
                    </td>
                    <td className="reason">{event.reason ?? ''}</td>
                    <td>
                      <TokenDetails event={event} />
                    </td>
                    <td>{event.source_address ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={page.total} limit={page.limit} offset={page.offset} onOffset={setOffset} />
        </>
      )}
    </section>
  );
}

import { clientStatus, type ClientMetadata, type PageJson } from '../../../src/admin-api/wire';
import { usePagedList } from '../use-paged-list';
import { navigate, setSearch as setAddress, useSearch } from '../router';
import { Alert, Badge, Field, Link, Pager, formatTime } from '../ui';

const LIMIT = 20;

export function ClientsList() {
  // The search and the page live in the address (`/admin/clients?search=acme&offset=20`): reload and back keep them.
  const address = useSearch();
  const search = address.get('search') ?? '';
  const offsetParam = Number(address.get('offset') ?? 0);
  const offset = Number.isSafeInteger(offsetParam) && offsetParam > 0 ? offsetParam : 0;
  const { page, error } = usePagedList<PageJson & { clients: ClientMetadata[] }>('/clients', { search, limit: LIMIT, offset });

  return (
    <section aria-labelledby="clients-title">
      <div className="page-head">
        <h1 id="clients-title">Clients</h1>
        <button type="button" onClick={() => navigate('/admin/clients/new')}>
          Add client
        </button>
      </div>
      <p className="lead">Systems that ask Gatehouse for access tokens: partners' back ends, your own services, app instances.</p>
      <div className="toolbar" role="search">
        <Field label="Search by name or client ID">
          {({ id }) => <input id={id} type="search" value={search} name="search" onChange={(event) => setAddress({ search: event.target.value }, { replace: true })} />}
        </Field>
      </div>
      {error && <Alert kind="error">{error}</Alert>}
      {page && (
        <>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Client ID</th>
                  <th scope="col">Status</th>
                  <th scope="col">Type</th>
                  <th scope="col">Grant types</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Last change</th>
                </tr>
              </thead>
              <tbody>
                {page.clients.length === 0 && (
                  <tr>
                    <td colSpan={7} className="empty">
                      {search ? 'No client matches.' : 'No clients yet. Add the first one.'}
                    </td>
                  </tr>
                )}
                {page.clients.map((client) => (
                  <tr key={client.client_id}>
                    <td>
                      <Link to={`/clients/${encodeURIComponent(client.client_id)}`}>{client.client_name || client.client_id}</Link>
                    </td>
                    <td>
                      <code>{client.client_id}</code>
                    </td>
                    <td>{statusBadge(client)}</td>
                    <td>{client.token_endpoint_auth_method === 'none' ? 'Public' : 'Confidential'}</td>
                    <td>{client.grant_types.join(', ')}</td>
                    <td className="chips-cell">
                      {client.scope
                        ? client.scope.split(' ').map((scope) => (
                            <span key={scope} className="chip chip-static">
                              {scope}
                            </span>
                          ))
                        : '—'}
                    </td>
                    <td>{formatTime(client.updated_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={page.total} limit={page.limit} offset={page.offset} onOffset={(next) => setAddress({ search, offset: next })} />
        </>
      )}
    </section>
  );
}

const STATUS_BADGES = {
  enabled: <Badge kind="on">Enabled</Badge>,
  disabled: <Badge kind="off">Disabled</Badge>,
  expired: <Badge kind="warn">Expired</Badge>,
} as const;

function statusBadge(client: ClientMetadata) {
  return STATUS_BADGES[clientStatus(client)];
}

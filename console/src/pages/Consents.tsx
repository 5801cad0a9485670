import { useState, type FormEvent } from 'react';
import type { ConsentJson, PageJson } from '../../../src/admin-api/wire';
import { api } from '../api';
import { useConfirm } from '../confirm-dialog';
import { usePagedList } from '../use-paged-list';
import { Alert, Field, Link, Pager, errorText, formatTime } from '../ui';

const LIMIT = 20;

type ConsentsPage = PageJson & { consents: ConsentJson[] };
interface Filters {
  user: string;
  client: string;
}
const NONE: Filters = { user: '', client: '' };

/** What people allowed applications on the consent page: listed by user or client, and withdrawn. */
export function Consents() {
  const [draft, setDraft] = useState<Filters>(NONE);
  const [filters, setFilters] = useState<Filters>(NONE);
  const [offset, setOffset] = useState(0);
  const { page, error, reload } = usePagedList<ConsentsPage>('/consents', { ...filters, limit: LIMIT, offset });
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [confirm, confirmDialog] = useConfirm();

  function apply(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    setOffset(0);
    setFilters({ user: draft.user.trim(), client: draft.client.trim() });
  }

  async function withdraw(consent: ConsentJson) {
    const who = consent.username ?? consent.user_id;
    const application = consent.client_name ?? consent.client_id;
    const confirmed = await confirm({
      title: `Withdraw the consent of ${who} to ${application}?`,
      body: <p>The application asks again at their next sign-in; tokens already issued stay valid until they expire or are revoked.</p>,
      action: `Withdraw consent of ${who} to ${application}`,
    });
    if (!confirmed) return;
    setMessage(null);
    try {
      await api('DELETE', `/consents/${encodeURIComponent(consent.user_id)}/${encodeURIComponent(consent.client_id)}`);
      setMessage({ kind: 'success', text: `Consent of ${who} to ${application} withdrawn.` });
    } catch (failure) {
      setMessage({ kind: 'error', text: errorText(failure) });
    }
    reload();
  }

  return (
    <section aria-labelledby="consents-title">
      <h1 id="consents-title">Consents</h1>
      <p className="lead">What people allowed applications on the consent page, remembered per user, application and scope. Clients marked first-party (skip consent) ask nobody, so they add none.</p>
      <form className="card filters" onSubmit={apply} aria-label="Filter consents">
        <Field label="User" hint="A username or user ID.">
          {({ id, describedBy }) => <input id={id} name="user" value={draft.user} aria-describedby={describedBy} onChange={(event) => setDraft({ ...draft, user: event.target.value })} />}
        </Field>
        <Field label="Client ID">{({ id }) => <input id={id} name="client" value={draft.client} onChange={(event) => setDraft({ ...draft, client: event.target.value })} />}</Field>
        <div className="actions">
          <button type="submit" data-read="">
            Show consents
          </button>
        </div>
      </form>
      {confirmDialog}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {error && <Alert kind="error">{error}</Alert>}
      {page && (
        <>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Application</th>
                  <th scope="col">Scope</th>
                  <th scope="col">Granted</th>
                  <th scope="col">Last changed</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.consents.length === 0 && (
                  <tr>
                    <td colSpan={6} className="empty">
                      No consents.
                    </td>
                  </tr>
                )}
                {page.consents.map((consent) => (
                  <tr key={`${consent.user_id} ${consent.client_id}`}>
                    <td>{consent.username ?? <code>{consent.user_id}</code>}</td>
                    <td>
                      <Link to={`/clients/${encodeURIComponent(consent.client_id)}`}>{consent.client_name ?? consent.client_id}</Link> <code>{consent.client_id}</code>
                    </td>
                    <td className="chips-cell">
                      {consent.scope
                        ? consent.scope.split(' ').map((scope) => (
                            <span key={scope} className="chip chip-static">
                              {scope}
                            </span>
                          ))
                        : '—'}
                    </td>
                    <td className="nowrap">{formatTime(consent.granted_at)}</td>
                    <td className="nowrap">{formatTime(consent.updated_at)}</td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="button-secondary"
                        onClick={() => void withdraw(consent)}
                        aria-label={`Withdraw the consent of ${consent.username ?? consent.user_id} to ${consent.client_name ?? consent.client_id}`}
                      >
                        Withdraw
                      </button>
                    </td>
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

import { useState, type FormEvent } from 'react';
import type { BrowserSessionJson, EndedSessionsJson, PageJson } from '../../../src/admin-api/wire';
import { api } from '../api';
import { useConfirm } from '../confirm-dialog';
import { usePagedList } from '../use-paged-list';
import { Alert, Field, Pager, errorText, formatTime } from '../ui';

const LIMIT = 20;

type SessionsPage = PageJson & { sessions: BrowserSessionJson[] };

/** When a session ends by itself: its idle or its absolute limit, whichever comes first. */
function expiresAt(session: BrowserSessionJson): string {
  return Date.parse(session.idle_expires_at) <= Date.parse(session.absolute_expires_at) ? session.idle_expires_at : session.absolute_expires_at;
}

/** The browser sessions (single sign-on) of the hosted sign-in pages: listed, by user, and ended. */
export function Sessions() {
  // A link may name the user (/admin/sessions?user=alice, as the users list does).
  const [draft, setDraft] = useState(() => new URLSearchParams(window.location.search).get('user') ?? '');
  const [user, setUser] = useState(draft);
  const [offset, setOffset] = useState(0);
  const { page, error, reload } = usePagedList<SessionsPage>('/sessions', { user, limit: LIMIT, offset });
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [confirm, confirmDialog] = useConfirm();

  function apply(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    setOffset(0);
    setUser(draft.trim());
  }

  async function end(session: BrowserSessionJson) {
    const who = session.username ?? session.user_id;
    const confirmed = await confirm({
      title: `End this session of ${who}?`,
      body: <p>They are signed out at once and sign in again at their next visit. Tokens already issued stay valid until they expire or are revoked.</p>,
      action: `End session of ${who}`,
    });
    if (!confirmed) return;
    setMessage(null);
    try {
      await api('DELETE', `/sessions/${encodeURIComponent(session.id)}`);
      setMessage({ kind: 'success', text: `Session of ${who} ended.` });
    } catch (failure) {
      setMessage({ kind: 'error', text: errorText(failure) });
    }
    reload();
  }

  async function endAll() {
    const confirmed = await confirm({ title: `End every session of ${user}?`, body: <p>They are signed out in every browser at once.</p>, action: `End all sessions of ${user}` });
    if (!confirmed) return;
    setMessage(null);
    try {
      const ended = await api<EndedSessionsJson>('DELETE', `/users/${encodeURIComponent(user)}/sessions`);
      setMessage({ kind: 'success', text: `${ended.ended} ${ended.ended === 1 ? 'session' : 'sessions'} of ${user} ended.` });
    } catch (failure) {
      setMessage({ kind: 'error', text: errorText(failure) });
    }
    reload();
  }

  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title">Sessions</h1>
      <p className="lead">
        People signed in through the hosted sign-in pages: while a session lasts they are not asked again. Ending one signs the person out on every instance; tokens already issued stay valid until
        they expire or are revoked.
      </p>
      <form className="card filters" onSubmit={apply} aria-label="Filter sessions">
        <Field label="User" hint="A username or user ID; empty for everyone.">
          {({ id, describedBy }) => <input id={id} name="user" value={draft} aria-describedby={describedBy} onChange={(event) => setDraft(event.target.value)} />}
        </Field>
        <div className="actions">
          <button type="submit" data-read="">
            Show sessions
          </button>
          {user !== '' && (
            <button type="button" className="button-danger" onClick={() => void endAll()}>
              End all sessions of {user}
            </button>
          )}
        </div>
      </form>
      {confirmDialog}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {error && <Alert kind="error">{error}</Alert>}
      {page && (
        <>
          <div className="table-wrap">
            <table className="sessions-table">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Signed in with</th>
                  <th scope="col">Browser</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {page.sessions.length === 0 && (
                  <tr>
                    <td colSpan={7} className="empty">
                      {user ? `No live session of ${user}.` : 'No live sessions.'}
                    </td>
                  </tr>
                )}
                {page.sessions.map((session) => (
                  <tr key={session.id}>
                    <td>{session.username ?? <code>{session.user_id}</code>}</td>
                    <td className="nowrap">{formatTime(session.created_at)}</td>
                    <td className="nowrap">{formatTime(session.last_seen_at)}</td>
                    <td className="nowrap">{formatTime(expiresAt(session))}</td>
                    <td>{session.amr.join(', ') || '—'}</td>
                    <td className="reason">
                      {session.user_agent ?? '—'}
                      <span className="hint"> {session.source_address}</span>
                    </td>
                    <td className="row-actions">
                      <button
                        type="button"
                        className="button-secondary"
                        onClick={() => void end(session)}
                        aria-label={`End the session of ${session.username ?? session.user_id} created ${formatTime(session.created_at)}`}
                      >
                        End session
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

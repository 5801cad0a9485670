import { useEffect, useState } from 'react';
import type { SessionJson } from '../../src/admin-api/wire';
import { api, setApiSession, whenSignedOut } from './api';
import { mayLeave, navigate, usePath } from './router';
import { Link } from './ui';
import { keepEditsForSignIn } from './kept-edits';
import { SignIn } from './pages/SignIn';
import { ClientsList } from './pages/ClientsList';
import { ClientForm } from './pages/ClientForm';
import { Users } from './pages/Users';
import { Applications } from './pages/Applications';
import { SigningKeys } from './pages/SigningKeys';
import { AuditLog } from './pages/AuditLog';
import { Settings } from './pages/Settings';
import { Profiles } from './pages/Profiles';
import { Sessions } from './pages/Sessions';
import { Consents } from './pages/Consents';
import { Branding } from './pages/Branding';

const SECTIONS = [
  { to: '/clients', label: 'Clients' },
  { to: '/users', label: 'Users' },
  { to: '/sessions', label: 'Sessions' },
  { to: '/consents', label: 'Consents' },
  { to: '/applications', label: 'Applications' },
  { to: '/profiles', label: 'Security profiles' },
  { to: '/keys', label: 'Signing keys' },
  { to: '/audit', label: 'Audit log' },
  { to: '/branding', label: 'Branding' },
  { to: '/settings', label: 'Settings' },
];

export function App() {
  const [session, setSession] = useState<SessionJson | null | undefined>(undefined);
  const path = usePath();
  /** Why the sign-in page shows again: the session expired during work (and whether an edit was kept). */
  const [expired, setExpired] = useState<{ kept: number } | null>(null);

  useEffect(() => {
    whenSignedOut(() => {
      setExpired({ kept: keepEditsForSignIn() });
      setApiSession(null);
      setSession(null);
    });
    api<SessionJson>('GET', '/session').then(
      (found) => {
        setApiSession(found);
        setSession(found);
      },
      () => setSession(null),
    );
  }, []);

  useEffect(() => {
    const section = SECTIONS.find((candidate) => path.startsWith(candidate.to));
    document.title = section ? `${section.label} · Gatehouse console` : 'Gatehouse console';
  }, [path]);

  if (session === undefined) return <p className="loading">Loading…</p>;
  if (session === null) {
    return (
      <SignIn
        notice={expired ? expiredNotice(expired.kept) : undefined}
        onSignedIn={(started) => {
          setExpired(null);
          setApiSession(started);
          setSession(started);
          if (path === '/' || path === '/sign-in') navigate('/admin/clients');
        }}
      />
    );
  }

  async function signOut() {
    // Unsaved changes are lost by signing out too: the same question as leaving the page.
    if (!(await mayLeave())) return;
    try {
      await api('DELETE', '/session');
    } finally {
      setApiSession(null);
      setSession(null);
    }
  }

  return (
    <div className="layout">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Gatehouse</span>
        <nav aria-label="Sections" className="sections">
          {SECTIONS.map((section) => (
            <Link key={section.to} to={section.to} current={path.startsWith(section.to)}>
              {section.label}
            </Link>
          ))}
        </nav>
        <div className="who">
          <span>
            Signed in as <strong>{session.username}</strong>
          </span>
          <button type="button" className="button-secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={path} />
      </main>
    </div>
  );
}

function expiredNotice(kept: number): string {
  return kept > 0 ? 'Your session has expired. Sign in again to continue: your unsaved changes are kept and come back on the same page.' : 'Your session has expired. Sign in again to continue.';
}

function Page({ path }: { path: string }) {
  const client = /^\/clients\/(.+)$/.exec(path);
  if (path === '/clients/new') return <ClientForm key="new" clientId={null} />;
  if (client?.[1]) return <ClientForm key={client[1]} clientId={decodeURIComponent(client[1])} />;
  if (path.startsWith('/clients') || path === '/' || path === '/sign-in') return <ClientsList />;
  if (path.startsWith('/users')) return <Users />;
  if (path.startsWith('/sessions')) return <Sessions />;
  if (path.startsWith('/consents')) return <Consents />;
  if (path.startsWith('/branding')) return <Branding />;
  if (path.startsWith('/applications')) return <Applications />;
  if (path.startsWith('/profiles')) return <Profiles />;
  if (path.startsWith('/keys')) return <SigningKeys />;
  if (path.startsWith('/audit')) return <AuditLog />;
  if (path.startsWith('/settings')) return <Settings />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is no page at this address. <Link to="/clients">Go to the clients</Link>.
      </p>
    </section>
  );
}

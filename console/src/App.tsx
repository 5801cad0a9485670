import { lazy, Suspense, useEffect, useState } from 'react';
import type { SessionJson } from '../../src/admin-api/wire';
import { api, setApiSession, whenSignedOut } from './api';
import { mayLeave, navigate, usePath } from './router';
import { Link } from './ui';
import { keepEditsForSignIn } from './kept-edits';
import { SignIn } from './pages/SignIn';
import { Setup } from './pages/Setup';
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
import { Commands } from './pages/Commands';
import { CommandEditor } from './pages/CommandEditor';
import { Administrators } from './pages/Administrators';

// The overview's chart library (uPlot) is loaded with the overview only: the other pages do not pay for it.
const Overview = lazy(() => import('./pages/Overview').then((module) => ({ default: module.Overview })));

const SECTIONS = [
  { to: '/overview', label: 'Overview' },
  { to: '/clients', label: 'Clients' },
  { to: '/users', label: 'Users' },
  { to: '/sessions', label: 'Sessions' },
  { to: '/consents', label: 'Consents' },
  { to: '/applications', label: 'Applications' },
  { to: '/commands', label: 'Commands' },
  { to: '/profiles', label: 'Security profiles' },
  { to: '/keys', label: 'Signing keys' },
  { to: '/audit', label: 'Audit log' },
  { to: '/branding', label: 'Branding' },
  { to: '/administrators', label: 'Administrators' },
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
    const section = SECTIONS.find((candidate) => path.startsWith(candidate.to)) ?? (path === '/' ? SECTIONS[0] : undefined);
    document.title = section ? `${section.label} · Gatehouse console` : 'Gatehouse console';
  }, [path]);

  if (session === undefined) return <p className="loading">Loading…</p>;
  if (session === null) {
    const onSignedIn = (started: SessionJson) => {
      setExpired(null);
      setApiSession(started);
      setSession(started);
      if (path === '/' || path === '/sign-in' || path === '/setup') navigate('/admin/overview');
    };
    return path === '/setup' ? <Setup onSignedIn={onSignedIn} /> : <SignIn notice={expired ? expiredNotice(expired.kept) : undefined} onSignedIn={onSignedIn} />;
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
    <div className={session.role === 'auditor' ? 'layout read-only' : 'layout'}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Gatehouse</span>
        <nav aria-label="Sections" className="sections">
          {SECTIONS.map((section) => (
            <Link key={section.to} to={section.to} current={path.startsWith(section.to) || (path === '/' && section.to === '/overview')}>
              {section.label}
            </Link>
          ))}
        </nav>
        <div className="who">
          <span>
            Signed in as <strong>{session.username}</strong>
            {session.role === 'auditor' ? ' (auditor)' : ''}
          </span>
          <button type="button" className="button-secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {session.role === 'auditor' && (
          <p className="read-only-note" role="note">
            You are signed in as an auditor: you can read everything, and change only your own password.
          </p>
        )}
        <Page path={path} session={session} />
      </main>
    </div>
  );
}

function expiredNotice(kept: number): string {
  return kept > 0 ? 'Your session has expired. Sign in again to continue: your unsaved changes are kept and come back on the same page.' : 'Your session has expired. Sign in again to continue.';
}

function Page({ path, session }: { path: string; session: SessionJson }) {
  const client = /^\/clients\/(.+)$/.exec(path);
  if (path === '/clients/new') return <ClientForm key="new" clientId={null} />;
  if (client?.[1]) return <ClientForm key={client[1]} clientId={decodeURIComponent(client[1])} />;
  if (path === '/' || path === '/sign-in' || path === '/setup' || path.startsWith('/overview'))
    return (
      <Suspense fallback={<p className="loading">Loading…</p>}>
        <Overview />
      </Suspense>
    );
  if (path.startsWith('/clients')) return <ClientsList />;
  if (path.startsWith('/users')) return <Users />;
  if (path.startsWith('/sessions')) return <Sessions />;
  if (path.startsWith('/consents')) return <Consents />;
  if (path.startsWith('/branding')) return <Branding />;
  if (path.startsWith('/applications')) return <Applications />;
  const command = /^\/commands\/([^/]+)\/([^/]+)$/.exec(path);
  if (path === '/commands/new') return <CommandEditor key="new" app={null} name={null} />;
  if (command?.[1] && command[2]) {
    const [app, name] = [decodeURIComponent(command[1]), decodeURIComponent(command[2])];
    return <CommandEditor key={`${app}/${name}`} app={app} name={name} />;
  }
  if (path.startsWith('/commands')) return <Commands />;
  if (path.startsWith('/profiles')) return <Profiles />;
  if (path.startsWith('/keys')) return <SigningKeys />;
  if (path.startsWith('/audit')) return <AuditLog />;
  if (path.startsWith('/settings')) return <Settings />;
  if (path.startsWith('/administrators')) return <Administrators session={session} />;
  return (
    <section>
      <h1>Not found</h1>
      <p>
        There is no page at this address. <Link to="/clients">Go to the clients</Link>.
      </p>
    </section>
  );
}

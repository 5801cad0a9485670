import { useEffect, useState } from 'react';

/** The console's own paths live under /admin/; the server answers index.html for each of them. */
export const BASE = '/admin';

export function navigate(to: string): void {
  if (`${window.location.pathname}${window.location.search}` === to) return;
  window.history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The current path below /admin (e.g. "/clients/abc"). */
export function usePath(): string {
  const [path, setPath] = useState(() => window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  const below = path.startsWith(BASE) ? path.slice(BASE.length) : path;
  return below === '' ? '/' : below;
}

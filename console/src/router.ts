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

/** The query string of the current address, as it changes (filters and pages that live in the URL). */
export function useSearch(): URLSearchParams {
  const [search, setSearch] = useState(() => window.location.search);
  useEffect(() => {
    const update = () => setSearch(window.location.search);
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  return new URLSearchParams(search);
}

/**
 * Puts `params` (empty values left out) into the address of the current page: a new history entry, so that
 * the back button returns to the previous filters, or with `replace` the same one (while typing).
 */
export function setSearch(params: Record<string, string | number | undefined>, options: { replace?: boolean } = {}): void {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== '' && value !== 0) search.set(name, String(value));
  const text = search.toString();
  const to = `${window.location.pathname}${text ? `?${text}` : ''}`;
  if (`${window.location.pathname}${window.location.search}` === to) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

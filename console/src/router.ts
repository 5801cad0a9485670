import { useEffect, useState } from 'react';

/** The console's own paths live under /admin/; the server answers index.html for each of them. */
export const BASE = '/admin';

/** Asked before an in-app navigation leaves the page (a form with unsaved changes); answers whether to leave. */
type LeaveGuard = () => Promise<boolean>;
/** One per form with unsaved changes: a page may hold several (a client's form, its key upload, its PIN). */
const leaveGuards = new Set<LeaveGuard>();

/** Registers a question asked before navigating away; answers the function that removes it. See useUnsavedChanges. */
export function addLeaveGuard(guard: LeaveGuard): () => void {
  leaveGuards.add(guard);
  return () => void leaveGuards.delete(guard);
}

/** Forgets every question: what the page held was just saved, and it navigates on. */
export function clearLeaveGuards(): void {
  leaveGuards.clear();
}

function hasLeaveGuard(): boolean {
  return leaveGuards.size > 0;
}

/** Whether the page may be left now: true without unsaved changes, else the administrator's answer (asked once, however many forms hold changes). */
export async function mayLeave(): Promise<boolean> {
  const [guard] = leaveGuards;
  if (guard === undefined) return true;
  const leave = await guard();
  if (leave) leaveGuards.clear();
  return leave;
}

/** Changes the address without a new history entry or a page change (a created client's own URL). */
export function replaceUrl(to: string): void {
  window.history.replaceState(null, '', to);
  shownUrl = to;
}

function go(to: string): void {
  window.history.pushState(null, '', to);
  shownUrl = to;
  ownEvent = true;
  try {
    window.dispatchEvent(new PopStateEvent('popstate'));
  } finally {
    ownEvent = false;
  }
}

export function navigate(to: string): void {
  if (`${window.location.pathname}${window.location.search}` === to) return;
  if (!hasLeaveGuard()) return go(to);
  void mayLeave().then((leave) => leave && go(to));
}

/** The URL the console shows: where the browser's back and forward buttons are brought back to when told to stay. */
let shownUrl = `${window.location.pathname}${window.location.search}`;
let ownEvent = false;

/**
 * The browser's back and forward buttons: with unsaved changes the URL is put back at once (before any page
 * sees the change), the question is asked, and only a "leave" goes back again. Registered before any page's
 * listener, so stopping the event keeps the form on screen.
 */
window.addEventListener('popstate', (event) => {
  if (ownEvent || !hasLeaveGuard()) {
    shownUrl = `${window.location.pathname}${window.location.search}`;
    return;
  }
  event.stopImmediatePropagation();
  const target = `${window.location.pathname}${window.location.search}`;
  window.history.pushState(null, '', shownUrl);
  void mayLeave().then((leave) => {
    if (!leave) return;
    window.history.pushState(null, '', target);
    shownUrl = target;
    window.dispatchEvent(new PopStateEvent('popstate'));
  });
});

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

import { useEffect, useState } from 'react';

/** The console's own paths live under /admin/; the server answers index.html for each of them. */
export const BASE = '/admin';

/** Asked before an in-app navigation leaves the page (a form with unsaved changes); answers whether to leave. */
type LeaveGuard = () => Promise<boolean>;
let leaveGuard: LeaveGuard | null = null;

/** Sets (or, with null, clears) the question asked before navigating away; see useUnsavedChanges. */
export function setLeaveGuard(guard: LeaveGuard | null): void {
  leaveGuard = guard;
}

/** Whether the page may be left now: true without unsaved changes, else the administrator's answer. */
export async function mayLeave(): Promise<boolean> {
  if (!leaveGuard) return true;
  const leave = await leaveGuard();
  if (leave) leaveGuard = null;
  return leave;
}

function go(to: string): void {
  window.history.pushState(null, '', to);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function navigate(to: string): void {
  if (`${window.location.pathname}${window.location.search}` === to) return;
  if (!leaveGuard) return go(to);
  void mayLeave().then((leave) => leave && go(to));
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

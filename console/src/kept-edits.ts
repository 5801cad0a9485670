import { useEffect, useRef } from 'react';

/**
 * Edits kept across an expired session: when the admin API answers 401 during an edit, the console shows the
 * sign-in page instead of the form; the form's state waits in sessionStorage (this tab only) under the form's
 * key and comes back when the form mounts again after signing in. Never give a password or a secret here.
 */
const PREFIX = 'gatehouse.console.kept-edit:';
const keepers = new Map<string, () => unknown>();

/** Writes every mounted form's unsaved state (forms without changes give null); answers how many were kept. */
export function keepEditsForSignIn(): number {
  let kept = 0;
  for (const [key, current] of keepers) {
    const value = current();
    if (value === null || value === undefined) continue;
    try {
      window.sessionStorage.setItem(PREFIX + key, JSON.stringify(value));
      kept += 1;
    } catch {
      // Storage full or disabled: the edit cannot be kept; the sign-in page says nothing was kept.
    }
  }
  return kept;
}

/** The state kept for `key` by an expired session, removed from storage as it is read; null if none. */
export function takeKeptEdit<T>(key: string): T | null {
  try {
    const text = window.sessionStorage.getItem(PREFIX + key);
    if (text === null) return null;
    window.sessionStorage.removeItem(PREFIX + key);
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** While mounted, `value` (null when there is nothing to keep) is what keepEditsForSignIn() stores for `key`. */
export function useKeptEdit(key: string, value: unknown): void {
  const latest = useRef(value);
  latest.current = value;
  useEffect(() => {
    const current = () => latest.current;
    keepers.set(key, current);
    return () => {
      if (keepers.get(key) === current) keepers.delete(key);
    };
  }, [key]);
}

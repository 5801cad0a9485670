import { useCallback, useEffect, useState } from 'react';
import type { PageJson } from '../../src/admin-api/wire';
import { api, query } from './api';
import { errorText } from './ui';

export interface PagedList<P extends PageJson> {
  /** The last page the server answered; null before the first answer and after a refused request. */
  page: P | null;
  /** Why the last request failed, in words; null when it did not. */
  error: string | null;
  /** Asks for the same page again (after a change). */
  reload: () => void;
}

/**
 * One page of an admin API list (`GET path?params`), fetched again whenever the parameters change or
 * `reload()` is called. An answer that arrives after the parameters changed is dropped, so a slow request
 * never overwrites a newer one. Empty parameters are left out of the query.
 */
export function usePagedList<P extends PageJson>(path: string, params: Record<string, string | number | undefined>): PagedList<P> {
  const url = `${path}${query(params)}`;
  const [state, setState] = useState<{ page: P | null; error: string | null }>({ page: null, error: null });
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let current = true;
    api<P>('GET', url).then(
      (page) => current && setState({ page, error: null }),
      (failure: unknown) => current && setState({ page: null, error: errorText(failure) }),
    );
    return () => {
      current = false;
    };
  }, [url, version]);

  const reload = useCallback(() => setVersion((value) => value + 1), []);
  return { ...state, reload };
}

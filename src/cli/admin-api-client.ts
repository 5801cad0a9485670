import { CliError } from './context.js';

/** Where a command reaches a running server's admin API, and with which token. */
export interface AdminApiTarget {
  /** The server's base URL (as it serves `/admin/api`). */
  server: string;
  token: string;
}

/** The target of `--server URL` with `--admin-token` or GATEHOUSE_ADMIN_TOKEN. */
export function adminApiTarget(server: string, flagToken: string | undefined): AdminApiTarget {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new CliError(`--server: '${server}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--server: '${server}' is not an http(s) URL`);
  const token = flagToken ?? process.env.GATEHOUSE_ADMIN_TOKEN;
  if (token === undefined || token === '') throw new CliError('--server needs an admin token: set GATEHOUSE_ADMIN_TOKEN or pass --admin-token');
  return { server: server.replace(/\/+$/, ''), token };
}

/** The answer of an admin API call that succeeded: its status and JSON body (undefined when empty). */
export interface AdminApiAnswer {
  status: number;
  body: unknown;
}

/**
 * Calls `/admin/api<path>`. An unreachable server is a one-line CliError naming the URL; an error answer is the
 * admin API's own message (`error_description`). Statuses in `accept` (besides 2xx) are returned, not thrown.
 */
export async function callAdminApi(target: AdminApiTarget, method: string, path: string, body?: unknown, accept: number[] = []): Promise<AdminApiAnswer> {
  const url = `${target.server}/admin/api${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${target.token}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(`cannot reach ${target.server}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    json = undefined;
  }
  if (response.ok || accept.includes(response.status)) return { status: response.status, body: json };
  const description = (json as { error_description?: unknown } | undefined)?.error_description;
  throw new CliError(typeof description === 'string' ? description : `${method} ${url} answered ${response.status}`);
}

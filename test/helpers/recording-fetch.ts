/** One request a `RecordingFetch` saw. */
export interface RecordedRequest {
  url: string;
  method: string;
  authorization: string | null;
  /** The form parameters of an `application/x-www-form-urlencoded` string body. */
  form: URLSearchParams | undefined;
}

/** A fetch that records what it sends (to count token requests a client makes) and then really sends it. */
export interface RecordingFetch {
  fetch: typeof fetch;
  calls: RecordedRequest[];
  /** The calls to a path, e.g. `/oauth/token`. */
  to(path: string): RecordedRequest[];
}

export function recordingFetch(): RecordingFetch {
  const calls: RecordedRequest[] = [];
  const recording: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : input.toString();
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const body = init?.body;
    const isForm = typeof body === 'string' && (headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded');
    calls.push({
      url,
      method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(),
      authorization: headers.get('authorization'),
      form: isForm ? new URLSearchParams(body) : undefined,
    });
    return fetch(input, init);
  };
  return { fetch: recording, calls, to: (path) => calls.filter((call) => new URL(call.url).pathname === path) };
}

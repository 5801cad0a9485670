import { useState, type KeyboardEvent } from 'react';
import type { CommandTryRequestJson, CommandTryResultJson } from '../../../src/admin-api/wire';
import { ApiError, api } from '../api';
import { Alert, Badge, errorText } from '../ui';
import { jsonError, type EditableSpec } from './command-form';
import { JsonField } from './JsonField';

/**
 * The Try panel: runs the command as the form describes it (saved or not) once with a sample input, and shows
 * the request as sent, the upstream's answer, what a caller would get and how long it took.
 */
export function CommandTry(props: {
  /** The spec of the form, or null when the form has errors of its own (it shows them). */
  specOf: () => EditableSpec | null;
  /** The first sample input, from the input schema. */
  sample: () => string;
  /** The refusal of a spec the server found wrong: its fields are shown beside the form's. */
  onSpecErrors: (failure: ApiError) => void;
}) {
  const [input, setInput] = useState<string | null>(null);
  const [inputError, setInputError] = useState<string | undefined>(undefined);
  const [result, setResult] = useState<CommandTryResultJson | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const text = input ?? props.sample();

  async function run() {
    setFailure(null);
    setInputError(undefined);
    const parseError = jsonError(text);
    if (parseError) {
      setInputError(`Not JSON: ${parseError}`);
      return;
    }
    const spec = props.specOf();
    if (!spec) {
      setFailure('Fix the fields marked in the form first.');
      return;
    }
    const body: CommandTryRequestJson = { spec, input: text.trim() === '' ? {} : (JSON.parse(text) as unknown) };
    setBusy(true);
    try {
      setResult(await api<CommandTryResultJson>('POST', '/commands/try', body));
    } catch (error) {
      setResult(null);
      if (error instanceof ApiError && error.field === 'input') setInputError(error.message.replace(/^input: /, ''));
      else if (error instanceof ApiError && error.field) {
        props.onSpecErrors(error);
        setFailure(`Not tried: ${errorText(error)}`);
      } else setFailure(`Not tried: ${errorText(error)}`);
    } finally {
      setBusy(false);
    }
  }

  const runOnControlEnter = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void run();
    }
  };

  return (
    <section className="card try-panel" aria-labelledby="try-title">
      <h2 id="try-title">Try it</h2>
      <p className="hint">Runs the command as the form describes it, saved or not, once with this input, as a caller would call it. The call is real: the upstream system receives it.</p>
      <JsonField
        label="Sample input"
        name="sample_input"
        value={text}
        onChange={setInput}
        error={inputError}
        rows={5}
        hint={
          <>
            JSON, as a caller would send it. <kbd>Ctrl</kbd>+<kbd>Enter</kbd> tries.
          </>
        }
        onKeyDown={runOnControlEnter}
      />
      <div className="actions">
        <button type="button" onClick={() => void run()} disabled={busy}>
          {busy ? 'Trying…' : 'Try'}
        </button>
        {input !== null && (
          <button type="button" className="button-secondary" onClick={() => setInput(null)}>
            Reset sample
          </button>
        )}
      </div>
      {failure && <Alert kind="error">{failure}</Alert>}
      <div aria-live="polite">{result && <TryResult result={result} />}</div>
    </section>
  );
}

function statusKind(status: number): 'on' | 'warn' | 'off' {
  if (status >= 200 && status < 300) return 'on';
  return status >= 500 ? 'off' : 'warn';
}

/** JSON text re-indented for reading; anything else as it came. */
function readable(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/** What a caller gets: JSON re-indented; a relayed answer's text (JSON or not) as readable as it goes. */
function callerBody(body: unknown): string {
  if (body === null || body === undefined) return '(no body)';
  return typeof body === 'string' ? readable(body) : JSON.stringify(body, null, 2);
}

function headerLines(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}

function TryResult({ result }: { result: CommandTryResultJson }) {
  const { request, response } = result;
  return (
    <div className="try-result" data-testid="try-result">
      <p className="try-summary">
        A caller gets <Badge kind={statusKind(result.result.status)}>{result.result.status}</Badge> in <strong>{result.duration_ms} ms</strong>.
      </p>
      <h3>Request sent</h3>
      <pre className="http-message" data-testid="try-request">
        <strong>
          {request.method} {request.url}
        </strong>
        {Object.keys(request.headers).length > 0 && `\n${headerLines(request.headers)}`}
        {request.body !== null && request.body !== '' && `\n\n${readable(request.body)}`}
      </pre>
      <h3>Upstream answered</h3>
      {response ? (
        <pre className="http-message" data-testid="try-response">
          <strong>HTTP {response.status}</strong>
          {Object.keys(response.headers).length > 0 && `\n${headerLines(response.headers)}`}
          {response.body !== '' && `\n\n${readable(response.body)}`}
        </pre>
      ) : (
        <p className="hint" data-testid="try-response">
          {result.result.status < 500
            ? 'Not called: the command refused the input before calling (see what a caller gets).'
            : 'No answer: the destination was refused, could not be reached, or did not answer in time (see what a caller gets).'}
        </p>
      )}
      <h3>
        A caller gets <Badge kind={statusKind(result.result.status)}>{result.result.status}</Badge>
      </h3>
      <pre className="http-message" data-testid="try-caller">
        {callerBody(result.result.body)}
      </pre>
    </div>
  );
}

import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { DeclarativeCommandJson, DeclarativeCommandsJson } from '../../../src/admin-api/wire';
import { ApiError, api } from '../api';
import { useConfirm } from '../confirm-dialog';
import { navigate, clearLeaveGuards } from '../router';
import { takeKeptEdit, useKeptEdit } from '../kept-edits';
import { useUnsavedChanges } from '../unsaved-changes';
import { Alert, Badge, Check, Field, Link, Radio, errorText, fieldErrorsOf, fieldsNeedChangeText, formatTime } from '../ui';
import {
  BODY_FORMATS,
  EMPTY_COMMAND,
  METHODS,
  envPlaceholders,
  formFieldOf,
  formOf,
  inputPlaceholders,
  keptKeyOf,
  keptOf,
  localErrors,
  restoreKept,
  sampleInputOf,
  specOf,
  type CommandFormState,
  type EditableSpec,
  type KeptCommandEdit,
} from './command-form';
import { commandPath, endHandOver, flashNext, handedOver, showCommands } from './Commands';
import { FolderCommand } from './FolderCommand';
import { CommandTry } from './CommandTry';
import { JsonField } from './JsonField';

/** `/commands/new` (key = null) or `/commands/:app/:name`: a console command's editor, a folder command's view. */
export function CommandEditor(props: { app: string; name: string } | { app: null; name: null }) {
  const creating = props.app === null;
  const [command, setCommand] = useState<DeclarativeCommandJson | null | undefined>(creating ? null : undefined);
  const [draft] = useState(() => (creating ? handedOver().draft : null));
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    if (props.app === null) return;
    let current = true;
    api<DeclarativeCommandsJson>('GET', '/commands').then(
      (found) => {
        if (!current) return;
        // A console command wins over a folder one of the same name (it is the one that can be changed).
        const named = found.commands.filter((candidate) => candidate.app === props.app && candidate.name === props.name);
        setCommand(named.find((candidate) => candidate.source === 'console') ?? named[0] ?? null);
      },
      (failure: unknown) => current && setLoadError(errorText(failure)),
    );
    return () => {
      current = false;
    };
  }, [props.app, props.name]);

  if (loadError) return <Alert kind="error">{loadError}</Alert>;
  if (command === undefined) return <p className="loading">Loading…</p>;
  if (!creating && command === null) {
    return (
      <section>
        <h1>No such command</h1>
        <p>
          There is no command {props.app}/{props.name}. <Link to="/commands">Back to the commands</Link>.
        </p>
      </section>
    );
  }
  if (command && command.source === 'folder') return <FolderCommand command={command} />;
  return <CommandForm command={command} draft={draft} />;
}

type Errors = Record<string, string>;

function CommandForm({ command, draft }: { command: DeclarativeCommandJson | null; draft: EditableSpec | null }) {
  const [confirm, confirmDialog] = useConfirm();
  const [saved, setSaved] = useState<DeclarativeCommandJson | null>(command);
  const original = saved?.spec ?? draft ?? undefined;
  const [initial, setInitial] = useState<CommandFormState>(() => (original ? formOf(original) : EMPTY_COMMAND));
  // An edit kept when the session expired comes back (header values are never kept: the loaded command's fill in).
  const [restored] = useState(() => {
    const kept = takeKeptEdit<KeptCommandEdit>(keptKeyOf(command));
    return kept ? restoreKept(kept, original) : null;
  });
  const [form, setForm] = useState<CommandFormState>(restored?.form ?? initial);
  const [errors, setErrors] = useState<Errors>({});
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(() => {
    const text = handedOver().flash;
    return text ? { kind: 'success', text } : null;
  });
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    // Just created: the page changed under the keyboard's focus; it goes to the heading, the message after it.
    if (handedOver().flash) headingRef.current?.focus();
    endHandOver();
  }, []);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  /** The keyboard's focus to the first field marked invalid, once the marks are on the page. */
  const focusFirstError = () => setTimeout(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  const creating = saved === null;
  const dirty = JSON.stringify(form) !== JSON.stringify(initial);

  // Leaving with unsaved changes asks first: in-app links and back through the console's dialog, a reload or a closed tab through the browser's.
  useUnsavedChanges(dirty, confirm);
  // A session that expires during the edit keeps it (without header values) for after signing in again.
  useKeptEdit(keptKeyOf(saved), dirty ? keptOf(form) : null);

  const set = <K extends keyof CommandFormState>(name: K, value: CommandFormState[K]) => {
    setForm((current) => ({ ...current, [name]: value }));
    // A refusal's message goes with the change that answers it (the field's own mark too, below).
    setMessage((current) => (current?.kind === 'error' ? null : current));
    setErrors((current) => {
      if (!(name in current)) return current;
      const rest = { ...current };
      delete rest[name];
      return rest;
    });
  };
  const setHeader = (index: number, change: Partial<{ name: string; value: string }>) => {
    set(
      'headers',
      form.headers.map((row, at) => (at === index ? { ...row, ...change } : row)),
    );
    setErrors((current) => {
      const rest = { ...current };
      delete rest[`headers.${index}`];
      return rest;
    });
  };

  /** The spec to save or try, or null after marking every field that is wrong in the form. */
  function checkedSpec(): EditableSpec | null {
    const found = localErrors(form);
    if (Object.keys(found).length > 0) {
      setErrors(found);
      focusFirstError();
      return null;
    }
    return specOf(form, original);
  }

  /** Every field a refusal names, beside its field in the form (a field the form does not show: above it). */
  function showServerErrors(failure: unknown) {
    const marked: Errors = {};
    for (const [field, text] of Object.entries(fieldErrorsOf(failure))) {
      const key = formFieldOf(field);
      marked[key] = marked[key] === undefined ? text : `${marked[key]}; ${text}`;
    }
    setErrors(marked);
    focusFirstError();
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setMessage(null);
    const spec = checkedSpec();
    if (!spec) {
      const count = Object.keys(localErrors(form)).length;
      setMessage({ kind: 'error', text: fieldsNeedChangeText(count) });
      return;
    }
    setBusy(true);
    try {
      const label = `${spec.app}/${spec.name}`;
      if (saved) {
        const updated = await api<DeclarativeCommandJson | undefined>('PUT', commandPath(saved.app, saved.name), spec);
        setSaved(updated && typeof updated === 'object' && 'spec' in updated ? updated : { ...saved, spec });
        setInitial(form);
        setErrors({});
        setMessage({ kind: 'success', text: `Command ${label} saved. Every instance uses it within a second.` });
      } else {
        await api('POST', '/commands', spec);
        setInitial(form);
        flashNext(`Command ${label} created. Every instance serves it within a second.`);
        // Saved: the page the new command gets has nothing unsaved (the guard would ask before this render clears it).
        clearLeaveGuards();
        navigate(`/admin${commandPath(spec.app, spec.name)}`);
      }
    } catch (failure) {
      if (failure instanceof ApiError && failure.field) showServerErrors(failure);
      else setErrors({});
      const count = failure instanceof ApiError ? failure.fields.length : 0;
      setMessage({ kind: 'error', text: count > 1 ? fieldsNeedChangeText(count) : `Not saved: ${errorText(failure)}` });
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!saved) return;
    const label = `${saved.app}/${saved.name}`;
    if (!(await confirm({ title: `Delete the command ${label}?`, body: 'Callers get 404 from every instance within a second.', action: `Delete command ${label}` }))) return;
    try {
      await api('DELETE', commandPath(saved.app, saved.name));
      clearLeaveGuards();
      showCommands(`Command ${label} deleted.`);
    } catch (failure) {
      setMessage({ kind: 'error', text: `Not deleted: ${errorText(failure)}` });
    }
  }

  const title = creating ? 'New command' : `Command ${saved.app}/${saved.name}`;
  const usesInput = inputPlaceholders(form);
  const usesEnv = envPlaceholders(form);
  const endpoint = `POST /api/apps/${form.app.trim() || '<app>'}/commands/${form.name.trim() || '<name>'}`;
  const sendsBody = form.method !== 'GET';

  return (
    <section aria-labelledby="command-title">
      {confirmDialog}
      <p className="breadcrumb">
        <Link to="/commands">Commands</Link> /
      </p>
      <div className="page-head">
        <h1 id="command-title" ref={headingRef} tabIndex={-1}>
          {title}
        </h1>
        {dirty && <Badge kind="warn">Unsaved changes</Badge>}
      </div>
      {saved?.updated_at && (
        <p className="hint">
          Last saved {formatTime(saved.updated_at)}
          {saved.updated_by ? ` by ${saved.updated_by}` : ''}.
        </p>
      )}
      {restored && dirty && (
        <Alert kind="info">
          Your unsaved changes from before the session expired are back: check them and save.
          {restored.missingValues && ' Header values are never kept in the browser: type the new ones again.'}
        </Alert>
      )}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      <div className="command-layout">
        <form ref={formRef} className="card form command-form" onSubmit={(event) => void save(event)} noValidate aria-labelledby="command-title">
          <fieldset>
            <legend>Command</legend>
            <div className="grid-2">
              <Field label="Application" error={errors.app} hint={creating ? 'Its name is the scope of its commands.' : 'To rename, copy the command under the new name and delete this one.'}>
                {({ id, describedBy, invalid }) => (
                  <input
                    id={id}
                    name="app"
                    value={form.app}
                    readOnly={!creating}
                    autoComplete="off"
                    spellCheck={false}
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    onChange={(event) => set('app', event.target.value)}
                  />
                )}
              </Field>
              <Field label="Name" error={errors.name}>
                {({ id, describedBy, invalid }) => (
                  <input
                    id={id}
                    name="name"
                    value={form.name}
                    readOnly={!creating}
                    autoComplete="off"
                    spellCheck={false}
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    onChange={(event) => set('name', event.target.value)}
                  />
                )}
              </Field>
            </div>
            <p className="hint endpoint">
              Callers: <code>{endpoint}</code>
            </p>
            <Field label="Description" error={errors.description} hint="Shown to callers in GET /api/apps.">
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  name="description"
                  value={form.description}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onChange={(event) => set('description', event.target.value)}
                />
              )}
            </Field>
          </fieldset>

          <fieldset>
            <legend>Upstream request</legend>
            <div className="request-line">
              <Field label="Method" error={errors.method}>
                {({ id, describedBy, invalid }) => (
                  <select id={id} name="method" value={form.method} aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(event) => set('method', event.target.value)}>
                    {METHODS.map((method) => (
                      <option key={method}>{method}</option>
                    ))}
                    {!(METHODS as readonly string[]).includes(form.method) && <option>{form.method}</option>}
                  </select>
                )}
              </Field>
              <Field
                label="URL template"
                error={errors.url}
                hint={
                  <>
                    <code>{'{{input.id}}'}</code> puts the caller&apos;s <code>id</code> in, URL-encoded (only after the host: the path or the query); <code>{'{{env.NAME}}'}</code> the server&apos;s
                    environment variable <code>NAME</code>, such as a base URL, if <code>GATEHOUSE_COMMAND_ENV</code> lists it. Non-public addresses are called only if{' '}
                    <code>GATEHOUSE_COMMAND_INTERNAL_NETWORKS</code> allows them.
                  </>
                }
              >
                {({ id, describedBy, invalid }) => (
                  <input
                    id={id}
                    name="url"
                    className="code-input"
                    value={form.url}
                    placeholder="https://api.example.com/customers/{{input.id}}"
                    spellCheck={false}
                    autoComplete="off"
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    onChange={(event) => set('url', event.target.value)}
                  />
                )}
              </Field>
            </div>

            <fieldset className={errors.headers ? 'field-invalid' : undefined}>
              <legend>Headers</legend>
              <p className="hint">
                Values may use <code>{'{{env.NAME}}'}</code> (an API key, say): the Try panel shows such values as <code>[redacted]</code>.
              </p>
              {form.headers.map((row, index) => (
                <div className="mapping-row header-row" key={index}>
                  <Field label={`Header name ${index + 1}`} error={errors[`headers.${index}`]}>
                    {({ id, describedBy, invalid }) => (
                      <input
                        id={id}
                        name={`header-name-${index}`}
                        className="code-input"
                        value={row.name}
                        spellCheck={false}
                        autoComplete="off"
                        aria-describedby={describedBy}
                        aria-invalid={invalid || undefined}
                        onChange={(event) => setHeader(index, { name: event.target.value })}
                      />
                    )}
                  </Field>
                  <Field label={`Header value ${index + 1}`}>
                    {({ id }) => (
                      <input
                        id={id}
                        name={`header-value-${index}`}
                        className="code-input"
                        value={row.value}
                        spellCheck={false}
                        autoComplete="off"
                        onChange={(event) => setHeader(index, { value: event.target.value })}
                      />
                    )}
                  </Field>
                  <button
                    type="button"
                    className="button-secondary"
                    aria-label={`Remove header ${row.name || index + 1}`}
                    onClick={() =>
                      set(
                        'headers',
                        form.headers.filter((_, at) => at !== index),
                      )
                    }
                  >
                    Remove
                  </button>
                </div>
              ))}
              {errors.headers && <p className="field-error">{errors.headers}</p>}
              <button
                type="button"
                className="button-secondary"
                onClick={() => {
                  set('headers', [...form.headers, { name: '', value: '' }]);
                  // The new row's name field takes the focus.
                  setTimeout(() => formRef.current?.querySelector<HTMLInputElement>(`[name="header-name-${form.headers.length}"]`)?.focus());
                }}
              >
                Add header
              </button>
            </fieldset>

            <fieldset>
              <legend>Body format</legend>
              <div className="radio-row">
                {BODY_FORMATS.map((format) => (
                  <Radio key={format.value} label={format.label} name="bodyFormat" value={format.value} checked={form.bodyFormat === format.value} onSelect={() => set('bodyFormat', format.value)} />
                ))}
              </div>
              <p className="hint">{BODY_FORMATS.find((format) => format.value === form.bodyFormat)?.note}</p>
              {errors.bodyFormat && <p className="field-error">{errors.bodyFormat}</p>}
            </fieldset>
            <JsonField
              label="Body template"
              name="body"
              value={form.body}
              onChange={(value) => set('body', value)}
              error={errors.body}
              plain={form.bodyFormat === 'text'}
              rows={7}
              placeholder={form.bodyFormat === 'text' ? 'Hello {{input.name}}' : '{\n  "customer": "{{input.id}}"\n}'}
              hint={
                <>
                  {form.bodyFormat === 'text' ? (
                    <>
                      <code>{'{{input.x}}'}</code> is replaced by the input&apos;s text.
                    </>
                  ) : (
                    <>
                      A string that is exactly <code>{'"{{input.x}}"'}</code> becomes the input value with its JSON type (a number stays a number); inside longer strings it is text.
                    </>
                  )}{' '}
                  {!sendsBody && form.body.trim() !== '' && <strong>GET requests send no body.</strong>}
                </>
              }
            />
            {(usesInput.length > 0 || usesEnv.length > 0) && (
              <p className="hint placeholders" data-testid="placeholders">
                {usesInput.length > 0 && (
                  <>
                    Input used:{' '}
                    {usesInput.map((path) => (
                      <code key={path}>{path} </code>
                    ))}
                  </>
                )}
                {usesEnv.length > 0 && (
                  <>
                    {' '}
                    Environment used:{' '}
                    {usesEnv.map((name) => (
                      <code key={name}>{name} </code>
                    ))}
                  </>
                )}
              </p>
            )}
          </fieldset>

          <fieldset>
            <legend>Input</legend>
            <JsonField
              label="Input JSON Schema"
              name="input"
              value={form.input}
              onChange={(value) => set('input', value)}
              error={errors.input}
              rows={8}
              placeholder={'{\n  "type": "object",\n  "properties": { "id": { "type": "string" } },\n  "required": ["id"]\n}'}
              hint="Callers' input is checked against it before the upstream is called; input it refuses answers 400. Empty: any input."
            />
          </fieldset>

          <fieldset>
            <legend>Access</legend>
            <Check
              label="Protected"
              name="protected"
              checked={form.protected}
              onChange={(checked) => set('protected', checked)}
              error={errors.protected}
              hint="Callers need an access token with the command's scope (or commands). Unchecked: anyone may call it."
            />
            <div className="grid-2">
              <Field label="Scope" error={errors.scope} hint={`Empty: the application's name (${form.app.trim() || 'app'}).`}>
                {({ id, describedBy, invalid }) => (
                  <input
                    id={id}
                    name="scope"
                    value={form.scope}
                    disabled={!form.protected}
                    spellCheck={false}
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    onChange={(event) => set('scope', event.target.value)}
                  />
                )}
              </Field>
              <Field label="Roles" error={errors.roles} hint="Comma-separated: the caller must hold each (the token's roles claim).">
                {({ id, describedBy, invalid }) => (
                  <input
                    id={id}
                    name="roles"
                    value={form.roles}
                    spellCheck={false}
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    onChange={(event) => set('roles', event.target.value)}
                  />
                )}
              </Field>
            </div>
          </fieldset>

          <fieldset>
            <legend>Answer and limits</legend>
            <Check
              label="Relay the upstream's answer"
              name="relay"
              checked={form.relay}
              onChange={(checked) => set('relay', checked)}
              error={errors.relay}
              hint="Callers get the upstream's status and body as they are: 4xx and 5xx too, any content type (a redirect still answers 502). Unchecked: the upstream's JSON, and 502 upstream_error for a status outside 2xx."
            />
            {form.relay && (
              <Field
                label="Relayed headers"
                error={errors.relayHeaders}
                hint="Comma-separated names of upstream response headers passed on besides content-type (which always is), such as etag. Cookies, CORS, caching and hop-by-hop headers never are."
              >
                {({ id, describedBy, invalid }) => (
                  <input
                    id={id}
                    name="relayHeaders"
                    className="code-input"
                    value={form.relayHeaders}
                    spellCheck={false}
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    onChange={(event) => set('relayHeaders', event.target.value)}
                  />
                )}
              </Field>
            )}
            <div className="grid-2">
              <Field label="Timeout (milliseconds)" error={errors.timeoutMs} hint="Empty: the server's default. Beyond, callers get 504.">
                {({ id, describedBy, invalid }) => (
                  <input
                    id={id}
                    name="timeoutMs"
                    type="number"
                    min={1}
                    inputMode="numeric"
                    value={form.timeoutMs}
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    onChange={(event) => set('timeoutMs', event.target.value)}
                  />
                )}
              </Field>
              <Field label="Most response bytes" error={errors.maxResponseBytes} hint="Empty: GATEHOUSE_COMMAND_MAX_RESPONSE_BYTES (1 MiB). Beyond, 502 upstream_too_large.">
                {({ id, describedBy, invalid }) => (
                  <input
                    id={id}
                    name="maxResponseBytes"
                    type="number"
                    min={1}
                    inputMode="numeric"
                    value={form.maxResponseBytes}
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    onChange={(event) => set('maxResponseBytes', event.target.value)}
                  />
                )}
              </Field>
              <Field label="Caller identity header" error={errors.forwardIdentityHeader} hint='Sends the caller to the upstream as client_id="…", sub="…" in this header.'>
                {({ id, describedBy, invalid }) => (
                  <input
                    id={id}
                    name="forwardIdentityHeader"
                    className="code-input"
                    value={form.forwardIdentityHeader}
                    placeholder="X-Gatehouse-Caller"
                    spellCheck={false}
                    aria-describedby={describedBy}
                    aria-invalid={invalid || undefined}
                    onChange={(event) => set('forwardIdentityHeader', event.target.value)}
                  />
                )}
              </Field>
            </div>
          </fieldset>

          {errors.kind && <Alert kind="error">{errors.kind}</Alert>}
          <div className="actions">
            <button type="submit" disabled={busy}>
              {creating ? 'Create command' : 'Save command'}
            </button>
            {dirty && !creating && (
              <button
                type="button"
                className="button-secondary"
                onClick={() => {
                  setForm(initial);
                  setErrors({});
                }}
              >
                Discard changes
              </button>
            )}
            {creating ? (
              <Link to="/commands" className="button button-secondary">
                Cancel
              </Link>
            ) : (
              <button type="button" className="button-danger" onClick={() => void remove()}>
                Delete command
              </button>
            )}
          </div>
        </form>
        <CommandTry specOf={checkedSpec} sample={() => sampleInputOf(form)} onSpecErrors={showServerErrors} />
      </div>
    </section>
  );
}

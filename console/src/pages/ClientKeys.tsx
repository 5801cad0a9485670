import { useEffect, useState } from 'react';
import { CLIENT_KEY_ALGS, type ClientKeyJson } from '../../../src/admin-api/wire';
import { api } from '../api';
import { useConfirm } from '../confirm-dialog';
import { privateKeyProblem } from '../key-text';
import { Alert, CopyButton, Field, errorText, fieldErrorsOf } from '../ui';
import { useUnsavedChanges } from '../unsaved-changes';

/** A client's public keys: list, paste a PEM/JWK/OpenSSH key, or generate a pair (private key shown once). */
export function ClientKeys(props: { clientId: string }) {
  const path = `/clients/${encodeURIComponent(props.clientId)}/keys`;
  const [keys, setKeys] = useState<ClientKeyJson[] | null>(null);
  const [pasted, setPasted] = useState('');
  const [kid, setKid] = useState('');
  const [alg, setAlg] = useState('');
  const [generateAlg, setGenerateAlg] = useState('ES256');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const [privateKey, setPrivateKey] = useState<{ kid: string; pem: string; url: string } | null>(null);
  const [confirm, confirmDialog] = useConfirm();
  // A pasted key not added yet: leaving asks (never kept across sessions: it might be a private key pasted by mistake).
  useUnsavedChanges(pasted.trim() !== '', confirm);

  const load = () =>
    api<{ keys: ClientKeyJson[] }>('GET', path).then(
      (found) => setKeys(found.keys),
      (failure: unknown) => setMessage({ kind: 'error', text: errorText(failure) }),
    );
  useEffect(() => {
    void load();
    // Reload only when the client changes.
  }, [path]);
  useEffect(() => () => (privateKey ? URL.revokeObjectURL(privateKey.url) : undefined), [privateKey]);

  async function addKey() {
    setErrors({});
    setMessage(null);
    let key: unknown = pasted.trim();
    // A private key never leaves the browser: refused here, without quoting it.
    const problem = privateKeyProblem(pasted);
    if (problem !== null) {
      setErrors({ key: problem });
      return;
    }
    if (typeof key === 'string' && key.startsWith('{')) {
      try {
        key = JSON.parse(key);
      } catch {
        setErrors({ key: 'This looks like JSON but does not parse.' });
        return;
      }
    }
    try {
      const added = await api<{ key: ClientKeyJson }>('POST', path, { key, ...(kid ? { kid } : {}), ...(alg ? { alg } : {}) });
      setPasted('');
      setKid('');
      setMessage({ kind: 'success', text: `Key ${added.key.kid ?? ''} registered.` });
      await load();
    } catch (failure) {
      setErrors(fieldErrorsOf(failure));
      if (Object.keys(fieldErrorsOf(failure)).length === 0) setMessage({ kind: 'error', text: errorText(failure) });
    }
  }

  async function generate() {
    setErrors({});
    setMessage(null);
    try {
      const generated = await api<{ key: ClientKeyJson; private_key_pem: string }>('POST', path, { alg: generateAlg });
      const url = URL.createObjectURL(new Blob([generated.private_key_pem], { type: 'application/x-pem-file' }));
      setPrivateKey({ kid: generated.key.kid ?? 'key', pem: generated.private_key_pem, url });
      await load();
    } catch (failure) {
      setMessage({ kind: 'error', text: errorText(failure) });
    }
  }

  async function removeKey(keyId: string) {
    const confirmed = await confirm({
      title: `Remove the key ${keyId}?`,
      body: <p>Assertions and application-token requests signed with it are refused at once.</p>,
      action: `Remove key ${keyId}`,
    });
    if (!confirmed) return;
    try {
      await api('DELETE', `${path}/${encodeURIComponent(keyId)}`);
      await load();
    } catch (failure) {
      setMessage({ kind: 'error', text: errorText(failure) });
    }
  }

  return (
    <section className="card" aria-labelledby="keys-title">
      <h2 id="keys-title">Public keys</h2>
      <p className="hint">Keys with which this client signs its assertions (private_key_jwt) and application-token requests.</p>
      {confirmDialog}
      {message && <Alert kind={message.kind}>{message.text}</Alert>}
      {privateKey && (
        <section className="secret-once" aria-labelledby="private-key-title">
          <h3 id="private-key-title">Private key of {privateKey.kid}</h3>
          <p>Download or copy it now: Gatehouse does not keep it and cannot show it again.</p>
          <label htmlFor="private-key-pem" className="visually-hidden">
            Private key (PEM)
          </label>
          <textarea id="private-key-pem" className="secret-value" readOnly rows={5} value={privateKey.pem} />
          <div className="actions">
            <a className="button" href={privateKey.url} download={`${props.clientId}-${privateKey.kid}.pem`}>
              Download private key
            </a>
            <CopyButton text={privateKey.pem} />
            <button type="button" className="button-secondary" onClick={() => setPrivateKey(null)}>
              I have stored it
            </button>
          </div>
        </section>
      )}
      {keys && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Key ID</th>
                <th scope="col">Type</th>
                <th scope="col">Algorithm</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.length === 0 && (
                <tr>
                  <td colSpan={4} className="empty">
                    No keys registered.
                  </td>
                </tr>
              )}
              {keys.map((key) => (
                <tr key={key.kid}>
                  <td>
                    <code>{key.kid}</code>
                  </td>
                  <td>
                    {key.kty}
                    {key.crv ? ` ${key.crv}` : ''}
                  </td>
                  <td>{key.alg ?? '—'}</td>
                  <td className="row-actions">
                    {key.kid && (
                      <button type="button" className="button-secondary" onClick={() => void removeKey(key.kid!)} aria-label={`Remove key ${key.kid}`}>
                        Remove
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="grid-2">
        <div>
          <h3>Add a public key</h3>
          <Field label="Public key (PEM, JWK or OpenSSH)" error={errors.key} hint="Paste the key; Gatehouse refuses private keys, RSA below 2048 bits and EC curves other than P-256.">
            {({ id, describedBy, invalid }) => (
              <textarea id={id} name="key" rows={4} value={pasted} aria-describedby={describedBy} aria-invalid={invalid || undefined} onChange={(event) => setPasted(event.target.value)} />
            )}
          </Field>
          <div className="grid-2">
            <Field label="Key ID (optional)" error={errors.kid}>
              {({ id, describedBy }) => <input id={id} name="kid" value={kid} aria-describedby={describedBy} onChange={(event) => setKid(event.target.value)} />}
            </Field>
            <Field label="Algorithm" error={errors.alg} hint="Automatic from the key, except RSA (RS256 or PS256).">
              {({ id, describedBy }) => (
                <select id={id} name="alg" value={alg} aria-describedby={describedBy} onChange={(event) => setAlg(event.target.value)}>
                  <option value="">Automatic</option>
                  {CLIENT_KEY_ALGS.map((value) => (
                    <option key={value}>{value}</option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <button type="button" onClick={() => void addKey()} disabled={pasted.trim() === ''}>
            Add key
          </button>
        </div>
        <div>
          <h3>Generate a key pair</h3>
          <p className="hint">Gatehouse registers the public key and hands you the private key once, to download.</p>
          <Field label="Algorithm of the new pair">
            {({ id }) => (
              <select id={id} name="generate_alg" value={generateAlg} onChange={(event) => setGenerateAlg(event.target.value)}>
                {CLIENT_KEY_ALGS.map((value) => (
                  <option key={value}>{value}</option>
                ))}
              </select>
            )}
          </Field>
          <button type="button" onClick={() => void generate()}>
            Generate key pair
          </button>
        </div>
      </div>
    </section>
  );
}

/**
 * What the console can tell about a pasted key before it is sent: a private key is refused in the browser
 * (it must never travel to the server or be shown back), with what to do instead.
 */
export function privateKeyProblem(text: string): string | null {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text) || /-----BEGIN OPENSSH PRIVATE KEY-----/.test(text)) {
    return 'A private key was given: upload the public half only (for example `openssl pkey -pubout`, or the .pub file of an SSH key). The private key was not sent.';
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && /"(d|p|q|dp|dq|qi|k)"\s*:/.test(trimmed)) {
    return 'This JWK holds private key material (d, p, q… or k): upload the public JWK only (kty, crv, x, y or n, e). The key was not sent.';
  }
  return null;
}

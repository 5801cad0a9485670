/**
 * The ceiling: bare node:http that reads the body of a POST, parses it with URLSearchParams and answers a
 * small JSON. No routing, no authentication, no signing. `PORT` chooses the port.
 * Run: `node --import tsx bench/peer/bare.ts`.
 */
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 0);
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const body = JSON.stringify({ ok: true, grant_type: params.get('grant_type') ?? null, fields: [...params.keys()].length });
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  });
});
server.listen(port, '127.0.0.1', () => console.log(`bare node:http listening on http://127.0.0.1:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

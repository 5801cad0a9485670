// An external service protected by Gatehouse access tokens through gatehouse/resource-server.
//   GATEHOUSE_ISSUER=http://127.0.0.1:8080 PORT=3000 node examples/orders-service/server.mjs
// GUARD_MODE=introspection (with INTROSPECTION_CLIENT_ID / INTROSPECTION_CLIENT_SECRET) asks Gatehouse
// about every token and so sees revocations at once; the default verifies tokens locally by JWKS.
import Fastify from 'fastify';
import { fastifyGuard } from 'gatehouse/resource-server';

const issuer = process.env.GATEHOUSE_ISSUER ?? 'http://127.0.0.1:8080';
const app = Fastify();

await app.register(async (orders) => {
  await orders.register(fastifyGuard, {
    issuer,
    audience: issuer,
    scope: 'orders:read',
    mode: process.env.GUARD_MODE === 'introspection' ? 'introspection' : 'jwks',
    introspection: { clientId: process.env.INTROSPECTION_CLIENT_ID ?? '', clientSecret: process.env.INTROSPECTION_CLIENT_SECRET ?? '' },
  });
  orders.get('/orders', async (request) => ({ orders: [{ id: 1, total: 42 }], caller: request.gatehouseCaller?.clientId }));
  orders.post('/orders', { config: { gatehouseScope: 'orders:write' } }, async (request) => ({ created: true, by: request.gatehouseCaller?.clientId }));
  orders.get('/health', { config: { gatehouseScope: false } }, async () => ({ ok: true }));
});

await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' });
const address = app.server.address();
console.log(JSON.stringify({ msg: 'orders service listening', port: typeof address === 'object' && address ? address.port : null }));

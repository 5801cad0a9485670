// @ts-check
/**
 * The layers of src/ (docs/architecture.md), checked by `npm run lint`.
 *
 * Top to bottom: an import may point down this list or stay inside its own unit, never up, type-only
 * imports included. One unit per line, so two units can never import each other and there are no folder
 * cycles; `no-circular` forbids file cycles inside a unit. To let a unit use one above it, move what it
 * needs down (or move the unit), never add an exception here.
 */
const LAYERS = [
  // entry points
  'cli',
  'index.ts',
  'server',
  'gatehouse.ts',
  'resource-server',
  // HTTP
  'admin-api',
  'protected-apis',
  'sign-in-pages',
  'oauth/endpoints',
  'http',
  // application
  'oauth/grants',
  'oauth/authorization',
  'oauth/client-auth',
  'oauth',
  'housekeeping',
  'changes',
  // adapters: store/ implements the interfaces the domain declares
  'store',
  // domain
  'security',
  'sign-in',
  'admin-accounts',
  'users',
  'clients',
  'keys',
  'audit',
  // infrastructure
  'limits',
  'config',
  'shared',
];

/** The files of one unit: a folder, a subfolder of oauth/, the files directly in oauth/, or one file. */
function unitPath(unit) {
  if (unit.endsWith('.ts')) return `^src/${unit.replace('.', '\\.')}$`;
  if (unit === 'oauth') return '^src/oauth/[^/]+$';
  return `^src/${unit}/`;
}

/** The SDK is a package of its own that runs in browsers: it may use shared/ only (no Node.js modules there). */
const SDK = '^src/client-sdk/';

/** fastify belongs to the HTTP layer and the assembly. */
const HTTP_UNITS = ['server', 'resource-server', 'admin-api', 'protected-apis', 'sign-in-pages', 'oauth/endpoints', 'http'];

/** SQL drivers belong to the store (and the change feed's LISTEN connection). */
const SQL_UNITS = ['store', 'changes'];

const layerRules = LAYERS.slice(1).map((unit, index) => ({
  name: `layer:${unit}`,
  comment: `${unit} may not import a unit above it (${LAYERS.slice(0, index + 1).join(', ')}): see docs/architecture.md`,
  severity: /** @type {const} */ ('error'),
  from: { path: unitPath(unit) },
  to: { path: LAYERS.slice(0, index + 1).map(unitPath) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no file imports itself through others (type-only imports included)',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'sdk-stands-alone',
      comment: 'gatehouse/client (src/client-sdk) imports only itself and src/shared',
      severity: 'error',
      from: { path: SDK },
      to: { path: '^src/', pathNot: [SDK, '^src/shared/'] },
    },
    {
      name: 'nothing-imports-the-sdk',
      comment: 'the server does not depend on its client package',
      severity: 'error',
      from: { path: '^src/', pathNot: SDK },
      to: { path: SDK },
    },
    {
      name: 'fastify-only-in-http',
      comment: `fastify is used only in ${HTTP_UNITS.join(', ')}`,
      severity: 'error',
      from: { path: '^src/', pathNot: HTTP_UNITS.map(unitPath) },
      to: { path: '^node_modules/(fastify|@fastify/)' },
    },
    {
      name: 'sql-only-in-store',
      comment: `SQL drivers are used only in ${SQL_UNITS.join(', ')}`,
      severity: 'error',
      from: { path: '^src/', pathNot: SQL_UNITS.map(unitPath) },
      to: { path: '^node_modules/(kysely|pg|better-sqlite3)/' },
    },
    {
      name: 'no-unresolvable',
      comment: 'every import resolves',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    exclude: { path: '^src/.*\\.d\\.ts$' },
  },
};

import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread on a module beside `referrer` (pass `import.meta.url`), named without its extension.
 * Built code runs the compiled `.js`; when Gatehouse runs from its TypeScript sources (tests, `npm run dev`),
 * the worker loads the `.ts` module through tsx, as the main thread does.
 */
export function startModuleWorker(referrer: string, name: string, workerData: unknown): Worker {
  const fromSource = new URL(referrer).pathname.endsWith('.ts');
  const entry = new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, referrer);
  if (!fromSource) return new Worker(entry, { workerData });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Rollup } from 'vite';

const CLIENT_DIR = fileURLToPath(new URL('../../src/client-sdk', import.meta.url));

/** gatehouse/client bundled for the browser (jose included), as an application would ship it. */
export async function sdkBrowserBundle(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: CLIENT_DIR,
    build: { write: false, minify: false, lib: { entry: join(CLIENT_DIR, 'index.ts'), formats: ['es'], fileName: 'gatehouse-client' } },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  const chunk = outputs.flatMap((output) => output.output).find((item): item is Rollup.OutputChunk => item.type === 'chunk' && item.isEntry);
  if (!chunk) throw new Error('no bundle');
  return chunk.code;
}

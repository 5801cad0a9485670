import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { ROOT } from './cli.js';

export interface RunningWebApp {
  /** The app's base URL. */
  url: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** What the app wrote (for a failing test's message). */
  output(): string;
  close(): Promise<void>;
}

/** Starts examples/web-app as its own process (tsx, as `npm start` in its folder does) on a free port. */
export async function startWebApp(env: { GATEHOUSE_URL: string; CLIENT_ID: string; CLIENT_SECRET?: string; SCOPE?: string }): Promise<RunningWebApp> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--import', 'tsx', 'examples/web-app/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
  });
  let output = '';
  const started = await new Promise<{ url: string; redirect_uri: string; post_logout_redirect_uri: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the web app did not start: ${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((candidate) => candidate.includes('"web app listening"'));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { url: string; redirect_uri: string; post_logout_redirect_uri: string });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`the web app exited (${code}): ${output}`)));
  });
  return {
    url: started.url,
    redirectUri: started.redirect_uri,
    postLogoutRedirectUri: started.post_logout_redirect_uri,
    output: () => output,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

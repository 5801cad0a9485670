import { createWriteStream } from 'node:fs';
import type { Logger } from 'pino';

export interface AuditStream {
  write(line: string): void;
  close(): Promise<void>;
}

/**
 * Where audit events go besides the store (`GATEHOUSE_AUDIT_STREAM`): `stdout`, or a file the lines are
 * appended to (created with mode 0600). A file that cannot be written is reported once and never stops
 * a request. CLI commands stream only to a file: their standard output is their own.
 */
export function openAuditStream(target: string | undefined, logger: Logger, options: { serving: boolean }): AuditStream | undefined {
  if (target === undefined) return undefined;
  if (target === 'stdout') {
    if (!options.serving) return undefined;
    return { write: (line) => void process.stdout.write(line), close: () => Promise.resolve() };
  }
  const file = createWriteStream(target, { flags: 'a', mode: 0o600 });
  let failed = false;
  file.on('error', (error) => {
    if (!failed) logger.warn({ err: error, file: target }, 'cannot write the audit stream; audit events still go to the store');
    failed = true;
  });
  return {
    write: (line) => {
      if (!failed) file.write(line);
    },
    close: () => new Promise((resolve) => file.end(() => resolve())),
  };
}

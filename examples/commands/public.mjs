// Example server commands (JavaScript). The application "public" switches protection off for its
// commands; a command inside it that declares a scope is still protected.
import { defineApplication, defineCommand } from 'gatehouse';

export const application = defineApplication({ name: 'public', protected: false, description: 'commands anyone may call' });

export const ping = defineCommand({ app: 'public', name: 'ping', handler: () => ({ pong: true }) });

export const noop = defineCommand({ app: 'public', name: 'noop', description: 'does nothing (for benchmarks)', handler: () => ({}) });

export const report = defineCommand({
  app: 'public',
  name: 'report',
  scope: 'reports',
  handler: ({ caller }) => ({ for: caller?.clientId }),
});

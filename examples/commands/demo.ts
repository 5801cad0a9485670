// Example server commands (TypeScript). Gatehouse loads every module in GATEHOUSE_COMMANDS_DIR and exposes
// each command as POST /api/apps/<app>/commands/<name>. With no declaration, a command of application
// "demo" needs an access token with scope "demo" (or the reserved scope "commands").
import { CommandError, defineCommand } from 'gatehouse';

export const echo = defineCommand<{ message: string }, { echo: string; caller: string | undefined }>({
  app: 'demo',
  name: 'echo',
  description: 'answers with the message it was given',
  input: {
    type: 'object',
    properties: { message: { type: 'string', minLength: 1, maxLength: 200 } },
    required: ['message'],
    additionalProperties: false,
  },
  handler: ({ input, caller, logger }) => {
    logger.info({ length: input.message.length }, 'echo');
    return { echo: input.message, caller: caller?.clientId };
  },
});

export const noop = defineCommand({ app: 'demo', name: 'noop', description: 'does nothing (for benchmarks)', handler: () => ({}) });

export const reserve = defineCommand<{ seat: string }>({
  app: 'demo',
  name: 'reserve',
  scope: 'demo:write',
  description: 'a command that declares its own scope and refuses on purpose',
  handler: ({ input }) => {
    throw new CommandError(409, 'seat_taken', `seat ${String(input.seat)} is taken`);
  },
});

export const crash = defineCommand({
  app: 'demo',
  name: 'crash',
  handler: () => {
    throw new Error('database password is hunter2');
  },
});

export const slow = defineCommand({
  app: 'demo',
  name: 'slow',
  timeoutMs: 200,
  handler: ({ signal }) =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve({ done: true }), 5_000);
      signal.addEventListener('abort', () => clearTimeout(timer));
    }),
});

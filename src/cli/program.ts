import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerAdminTokenCommand } from './commands/admin-token.js';
import { registerAdminsCommands } from './commands/admins.js';
import { registerClientsCommands } from './commands/clients.js';
import { registerIssuerCommands } from './commands/issuer.js';
import { registerKeysCommands } from './commands/keys.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerSchemaCommand } from './commands/schema.js';
import { registerServeCommand } from './commands/serve.js';
import { registerUsersCommands } from './commands/users.js';
import { registerProfilesCommands } from './commands/profiles.js';
import { registerSessionsCommands } from './commands/sessions.js';
import { registerConsentsCommands } from './commands/consents.js';
import { registerBrandingCommands } from './commands/branding.js';
import { registerAuditCommands } from './commands/audit.js';
import { withUsageHints } from './usage-hints.js';

/** The version in package.json (two folders up from src/cli/ and dist/cli/ alike). */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

/** The `gatehouse` command and all its subcommands, ready to parse. */
export function buildProgram(): Command {
  const program = new Command()
    .name('gatehouse')
    .description('Gatehouse: OAuth 2.0 authorization server')
    .version(packageVersion(), '-V, --version', 'print the version of Gatehouse')
    .option('--config <file>', 'JSON configuration file (environment variables win over it)');

  registerServeCommand(program);
  registerMigrateCommand(program);
  registerSchemaCommand(program);
  registerClientsCommands(program);
  registerKeysCommands(program);
  registerUsersCommands(program);
  registerProfilesCommands(program);
  registerAdminTokenCommand(program);
  registerAdminsCommands(program);
  registerIssuerCommands(program);
  registerSessionsCommands(program);
  registerConsentsCommands(program);
  registerBrandingCommands(program);
  registerAuditCommands(program);

  withUsageHints(program);
  return program;
}

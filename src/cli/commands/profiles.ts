import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { parseProfileFile, parseProfileName, profileFileOf, toProfileBody, toProfileFile, toProfileJson, type SecurityProfileJson } from '../../security/security-profile.js';
import { adminApiTarget, callAdminApi } from '../admin-api-client.js';
import { CliError, printJson, withGatehouse } from '../context.js';
import { printTable } from '../table.js';
import { registerInitialAccessTokenCommands } from './initial-access-tokens.js';

/** `--server URL` and `--admin-token`: work through a running server's admin API instead of the database. */
interface ServerFlags {
  server?: string;
  adminToken?: string;
}

const SERVER_FLAG = ['--server <url>', "work through this running server's admin API instead of the database"] as const;
const ADMIN_TOKEN_FLAG = ['--admin-token <token>', 'admin API token for --server (default: GATEHOUSE_ADMIN_TOKEN)'] as const;
const profilePath = (name: string): string => `/profiles/${encodeURIComponent(name)}`;

function readProfileFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError(`${file} is not valid JSON`);
  }
}

/** `gatehouse profiles ...`: security profiles, and files of them to keep in version control. */
export function registerProfilesCommands(program: Command): void {
  const profiles = program.command('profiles').description('security profiles (scope-element mapping, mandatory scope, default scope, token lifetime)');

  profiles
    .command('list')
    .description('list security profiles')
    .option('--json', 'machine-readable output')
    .action(async (flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const all = await gatehouse.profiles.list();
        if (flags.json) return printJson({ profiles: all.map(toProfileJson) });
        printTable(
          ['NAME', 'MAX LIFETIME', 'MAPPED ELEMENTS', 'MANDATORY SCOPE', 'DEFAULT SCOPE'],
          all.map((profile) => [
            profile.name,
            `${profile.maxTokenExpiration} s`,
            String(Object.keys(profile.scopeElementMapping).length),
            profile.mandatoryScope.join(' ') || '(none)',
            profile.defaultScope === null ? '(not set)' : profile.defaultScope.join(' ') || '(none)',
          ]),
        );
        process.stdout.write(`${all.length} profile(s)\n`);
      });
    });

  profiles
    .command('pull <name>')
    .description('print a profile as JSON (name, max_token_expiration, scope_element_mapping, mandatory_scope, default_scope)')
    .option(...SERVER_FLAG)
    .option(...ADMIN_TOKEN_FLAG)
    .option('--json', 'accepted for uniformity: the profile is always printed as JSON')
    .action(async (name: string, flags: ServerFlags, command: Command) => {
      if (flags.server !== undefined) {
        const { body } = await callAdminApi(adminApiTarget(flags.server, flags.adminToken), 'GET', profilePath(name));
        return printJson(profileFileOf(body as SecurityProfileJson));
      }
      await withGatehouse(command, async (gatehouse) => {
        printJson(toProfileFile(await gatehouse.profiles.get(name)));
      });
    });

  profiles
    .command('push <file>')
    .description('create or replace a profile from a JSON file, validated, in one transaction')
    .option('--name <name>', 'profile name (default: "name" in the file, else the file name without .json)')
    .option(...SERVER_FLAG)
    .option(...ADMIN_TOKEN_FLAG)
    .option('--json', 'machine-readable output: {"name", "created"}')
    .action(async (file: string, flags: { name?: string; json?: boolean } & ServerFlags, command: Command) => {
      const parsed = parseProfileFile(readProfileFile(file));
      const name = parseProfileName(flags.name ?? parsed.name ?? basename(file, extname(file)), flags.name !== undefined ? '--name' : 'name');
      if (flags.name !== undefined && parsed.name !== undefined && parsed.name !== flags.name) {
        throw new CliError(`--name ${flags.name} differs from "name": '${parsed.name}' in ${file}`);
      }
      if (flags.server !== undefined) {
        const target = adminApiTarget(flags.server, flags.adminToken);
        // A file does not carry registration_enabled: keep the server's, as a push to the database does.
        const current = await callAdminApi(target, 'GET', profilePath(name), undefined, [404]);
        const registration = current.status === 404 ? {} : { registration_enabled: (current.body as SecurityProfileJson).registration_enabled };
        const { status } = await callAdminApi(target, 'PUT', profilePath(name), { ...toProfileBody(parsed.settings), ...registration });
        if (flags.json) return printJson({ name, created: status === 201 });
        process.stdout.write(`profile ${name} ${status === 201 ? 'created' : 'replaced'}\n`);
        return;
      }
      await withGatehouse(command, async (gatehouse) => {
        const { created } = await gatehouse.profiles.replace(
          name,
          parsed.settings,
          parsed.keys.scopeElementMapping ?? 'scope_element_mapping',
          parsed.keys.registrationChecks ?? 'registration_checks',
        );
        if (flags.json) return printJson({ name, created });
        process.stdout.write(`profile ${name} ${created ? 'created' : 'replaced'}\n`);
      });
    });

  profiles
    .command('delete <name>')
    .description('delete a profile that no client uses')
    .option('--json', 'machine-readable output')
    .action(async (name: string, flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        await gatehouse.profiles.delete(name);
        if (flags.json) return printJson({ name, deleted: true });
        process.stdout.write(`profile ${name} deleted\n`);
      });
    });

  registerInitialAccessTokenCommands(profiles);
}

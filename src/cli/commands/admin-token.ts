import type { Command } from 'commander';
import { announceAdminToken, printJson, withGatehouse } from '../context.js';

export function registerAdminTokenCommand(program: Command): void {
  program
    .command('admin-token')
    .description('replace the generated admin API token and print the new one once')
    .option('--json', 'machine-readable output: {"admin_token": token}')
    .action(async (flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const token = await gatehouse.adminToken.reset();
        if (flags.json) printJson({ admin_token: token });
        else announceAdminToken(token, process.stdout);
      });
    });
}

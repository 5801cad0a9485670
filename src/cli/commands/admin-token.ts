import type { Command } from 'commander';
import { announceAdminToken, withGatehouse } from '../context.js';

export function registerAdminTokenCommand(program: Command): void {
  program
    .command('admin-token')
    .description('replace the generated admin API token and print the new one once')
    .action(async (_options, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        announceAdminToken(await gatehouse.adminToken.reset(), process.stdout);
      });
    });
}

import type { Command } from 'commander';
import { readBranding, writeBranding } from '../../admin-api/branding-input.js';
import type { BrandingJson } from '../../admin-api/wire.js';
import { CliError, printJson, withGatehouse } from '../context.js';
import { namingFlags } from '../flag-errors.js';

interface BrandingFlags {
  productName?: string;
  logoUrl?: string;
  primaryColour?: string;
  backgroundColour?: string;
  json?: boolean;
}

const FLAG_OF_FIELD: Record<string, string> = {
  product_name: '--product-name',
  logo_url: '--logo-url',
  primary_colour: '--primary-colour',
  background_colour: '--background-colour',
};

function describe(branding: BrandingJson): string {
  return [
    `product_name:       ${branding.product_name}`,
    `logo_url:           ${branding.logo_url ?? '(none)'}`,
    `primary_colour:     ${branding.primary_colour}`,
    `background_colour:  ${branding.background_colour}`,
  ].join('\n');
}

/** `gatehouse branding show|set`: product name, logo and colours of the hosted sign-in pages. */
export function registerBrandingCommands(program: Command): void {
  const branding = program.command('branding').description('product name, logo and colours of the hosted sign-in pages');

  branding
    .command('show')
    .description('print the branding (the defaults while none is set)')
    .option('--json', 'machine-readable output')
    .action(async (flags: { json?: boolean }, command: Command) => {
      await withGatehouse(command, async (gatehouse) => {
        const current = await readBranding(gatehouse.settings);
        if (flags.json) printJson(current);
        else process.stdout.write(`${describe(current)}\n`);
      });
    });

  branding
    .command('set')
    .description('change the given fields; the others keep their values')
    .option('--product-name <name>', 'shown on every page (1 to 100 characters)')
    .option('--logo-url <url>', 'https URL of the logo ("none" to show the name alone)')
    .option('--primary-colour <#rrggbb>', 'buttons and links')
    .option('--background-colour <#rrggbb>', 'the page')
    .option('--json', 'machine-readable output')
    .action(async (flags: BrandingFlags, command: Command) => {
      const body: Record<string, unknown> = {};
      if (flags.productName !== undefined) body.product_name = flags.productName;
      if (flags.logoUrl !== undefined) body.logo_url = flags.logoUrl === 'none' ? null : flags.logoUrl;
      if (flags.primaryColour !== undefined) body.primary_colour = flags.primaryColour;
      if (flags.backgroundColour !== undefined) body.background_colour = flags.backgroundColour;
      if (Object.keys(body).length === 0) throw new CliError('nothing to set: give --product-name, --logo-url, --primary-colour or --background-colour');
      await withGatehouse(command, async (gatehouse) => {
        const next = await namingFlags(FLAG_OF_FIELD, async () => writeBranding(gatehouse.settings, body, await readBranding(gatehouse.settings)));
        if (flags.json) printJson(next);
        else process.stdout.write(`${describe(next)}\n`);
      });
    });
}

import { SETTINGS, defaultText } from './config-schema.js';

/** The configuration reference as a Markdown table, generated from the settings schema (README embeds it). */
export function configReferenceMarkdown(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = SETTINGS.map((setting) => `| \`${setting.env}\` | \`${setting.key}\` | \`${defaultText(setting)}\` | ${cell(setting.description)} |`);
  return ['| environment variable | config file key | default | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

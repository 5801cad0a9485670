/**
 * Prints a list as aligned columns under a header row (the CLI's one style for lists; `--json` gives the admin
 * API's form instead). Cells are single-line: a line break in a value would break the table.
 */
export function printTable(header: readonly string[], rows: readonly (readonly (string | null | undefined)[])[], out: NodeJS.WritableStream = process.stdout): void {
  const cells = [header, ...rows].map((row) => row.map((cell) => (cell ?? '').replace(/\s+/g, ' ')));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  for (const row of cells) {
    out.write(`${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ')}\n`);
  }
}

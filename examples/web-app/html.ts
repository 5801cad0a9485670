// HTML of the example's pages: every value is escaped.

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** A whole page; `body` is markup already (built with escapeHtml). */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – Web app example</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 48rem; padding: 1rem; }
pre { background: #f4f4f4; padding: 0.75rem; overflow-x: auto; }
form { display: inline-block; margin: 0 0.5rem 0.5rem 0; }
button, .button { font: inherit; padding: 0.5rem 1rem; min-height: 44px; }
.notice { border-left: 4px solid #b00; padding-left: 0.75rem; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}

/** A form that posts to one of the app's routes with the session's CSRF token. */
export function button(action: string, label: string, csrf: string): string {
  return `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}"><button type="submit">${escapeHtml(label)}</button></form>`;
}

export function json(value: unknown): string {
  return `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
}

import { isLogoUrl, type Branding } from './branding.js';
import { markup, trustedHtml, type Html } from './html.js';
import { pageStyles } from './page-styles.js';
import type { PageText } from './page-text.js';

export interface LayoutParts {
  /** The page's title: the `<title>` (with the product name) and its one `<h1>`. */
  title: string;
  body: Html;
  /** Trusted script text (form_post's auto-submit), run inline under the page's CSP nonce. */
  script?: string;
}

/** The document around a page: language, viewport, nonce'd style sheet, the brand, the title as the one h1. */
export function pageLayout(parts: LayoutParts, context: { text: PageText; branding: Branding; cspNonce: string }): string {
  const { text, branding, cspNonce } = context;
  const logo = branding.logoUrl !== null && isLogoUrl(branding.logoUrl) ? branding.logoUrl : null;
  const brand = logo === null ? markup`<span>${branding.productName}</span>` : markup`<img src="${logo}" alt="${branding.productName}">`;
  const script = parts.script === undefined ? '' : markup`<script nonce="${cspNonce}">${trustedHtml(parts.script)}</script>\n`;
  return markup`<!DOCTYPE html>
<html lang="${text.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${text.text('page.title', { title: parts.title, product: branding.productName })}</title>
<style nonce="${cspNonce}">${trustedHtml(pageStyles(branding))}</style>
</head>
<body>
<div class="page">
<header class="brand">${brand}</header>
<main>
<h1>${parts.title}</h1>
${parts.body}</main>
</div>
${script}</body>
</html>
`.text;
}

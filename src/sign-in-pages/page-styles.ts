import { DEFAULT_BRANDING, isColour, type Branding } from './branding.js';
import { contrastRatio, textColourOn } from './colours.js';

/**
 * The pages' style sheet for a branding (it goes inline, in a `<style nonce>`): mobile first, one column
 * that never overflows a 375 px screen, 16 px inputs (no zoom on iOS), 44 px targets, visible focus.
 */
export function pageStyles(branding: Branding): string {
  const background = isColour(branding.backgroundColour) ? branding.backgroundColour : DEFAULT_BRANDING.backgroundColour;
  const primary = isColour(branding.primaryColour) ? branding.primaryColour : DEFAULT_BRANDING.primaryColour;
  const text = textColourOn(background);
  const onPrimary = textColourOn(primary);
  // Links and outlines take the primary colour only where it stays readable on the page.
  const accent = contrastRatio(primary, background) >= 4.5 ? primary : text;
  const error = text === '#111111' ? '#b3261e' : '#ffb4ab';
  return `*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:${background};color:${text};font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Hiragino Sans","Noto Sans JP",sans-serif;overflow-wrap:anywhere}
.page{width:100%;max-width:28rem;margin:0 auto;padding:1.5rem 1rem 3rem}
.brand{display:flex;align-items:center;gap:.5rem;margin:0 0 1.5rem;font-weight:600;font-size:1.125rem}
.brand img{display:block;max-width:100%;max-height:3rem;width:auto;height:auto}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
h2{font-size:1.125rem;margin:1.5rem 0 .5rem}
p{margin:0 0 1rem}
a{color:${accent}}
:focus-visible{outline:3px solid ${accent};outline-offset:2px}
.error-summary{border:3px solid ${error};padding:1rem;margin:0 0 1.5rem}
.error-summary h2{margin-top:0;font-size:1.125rem}
.error-summary ul{margin:0;padding-left:1.25rem}
.error-summary a{color:${error};font-weight:600}
.field{margin:0 0 1.25rem}
.field label{display:block;font-weight:600;margin:0 0 .25rem}
.field input{display:block;width:100%;min-height:2.75rem;padding:.5rem .75rem;font:inherit;font-size:1rem;color:${text};background:${background};border:2px solid ${text};border-radius:.25rem}
.field input[aria-invalid=true]{border-color:${error}}
.checkbox{display:flex;align-items:center;gap:.75rem;margin:0 0 1.25rem}
.checkbox input{width:1.5rem;height:1.5rem;margin:0;flex:none;accent-color:${primary}}
.checkbox label{font-weight:400}
.hint{display:block;font-weight:600;margin:0 0 1rem}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:1.5rem 0 0}
button{min-height:2.75rem;padding:.5rem 1.25rem;font:inherit;font-weight:600;border-radius:.25rem;cursor:pointer;border:2px solid ${primary};background:${primary};color:${onPrimary}}
button.secondary{background:transparent;color:${text};border-color:${text}}
.actions button{flex:1 1 8rem}
.scopes{margin:0 0 1rem;padding-left:1.25rem}
.scopes li{margin:0 0 .5rem}
.scope-name{display:block;font-size:.875rem}
.muted{font-size:.875rem}
.consents{list-style:none;margin:0;padding:0}
.consents li{border-top:1px solid ${text};padding:1rem 0}
.consents p{margin:0 0 .5rem}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
@media (min-width:40rem){.page{padding-top:3rem}}
`;
}

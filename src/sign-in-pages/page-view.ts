/**
 * What a hosted sign-in page shows, as data: the flow (authorize, interaction routes) decides the view,
 * `render-page.ts` turns it into HTML. Texts are message keys of the locale files unless said otherwise;
 * values that come from the client or the person (names, usernames) are plain text, escaped when rendered.
 */

import type { PageFieldSpec } from '../security/check-page-spec.js';

/** One input of a form: the shape a security check declares its page's fields in (security/check-page-spec.ts). */
export type PageField = PageFieldSpec;

/** What every form page carries: where it posts and its CSRF token. */
interface FormPage {
  /** Path the form posts to. */
  action: string;
  csrfToken: string;
  /** The application's name (client_name), as the page says who asks. */
  clientName: string;
}

export type PageView =
  | (FormPage & {
      kind: 'sign-in';
      username?: string | undefined;
      /** Message key (`signIn.error.*`) or text. */
      error?: string | undefined;
      /** When set, a "keep me signed in" checkbox `rememberMe` (value "true"), checked when true. */
      rememberMe?: boolean | undefined;
    })
  | (FormPage & {
      kind: 'check';
      checkName: string;
      fields: PageField[];
      /** The challenge's errorMsg, as the check wrote it. */
      error?: string | undefined;
      remainingAttempts?: number | undefined;
    })
  | (FormPage & { kind: 'consent'; scopes: { name: string; description: string | undefined }[] })
  | (FormPage & { kind: 'sign-out'; /** A post-logout redirect follows when set. */ signedIn: boolean })
  | { kind: 'signed-out' }
  | {
      kind: 'account';
      action: string;
      csrfToken: string;
      username: string;
      consents: { clientId: string; clientName: string; scopes: string[]; grantedAt: number }[];
    }
  | {
      kind: 'error';
      status: number;
      /** Message key of the title. */
      title: string;
      /** Plain text detail (never echoes a redirect URI or other input as markup). */
      detail: string;
      /** When the check is blocked: until when. */
      blockedUntil?: number | undefined;
    }
  /** response_mode=form_post (OAuth 2.0 Form Post Response Mode): an auto-submitting form to the redirect URI. */
  | { kind: 'form-post'; redirectUri: string; params: Record<string, string> };

import { setupLinkOf, type SetupOffer } from '../admin-accounts/admin-setup.js';

/** The console's address under the issuer. */
export function consoleUrlOf(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/admin/`;
}

/** Lines that tell a person where the console is and how to get its first account; none once an administrator exists. */
export function firstRunNotice(offer: SetupOffer, issuer: string): string {
  if (offer.kind === 'not_needed') return '';
  const minutes = offer.kind === 'new' ? Math.round((offer.expiresAt - Date.now()) / 60_000) : 0;
  const how =
    offer.kind === 'new'
      ? [
          `  No administrator yet. Open this link within ${minutes} minutes to create the first one (username and`,
          '  password) in your browser. It works once and is shown only now:',
          '',
          `      ${setupLinkOf(issuer, offer.secret)}`,
        ]
      : [
          `  No administrator yet. The setup link printed at an earlier start works until ${new Date(offer.expiresAt).toISOString()};`,
          '  `npm run -s gatehouse -- admins setup-link` prints a new one (the earlier one then stops working).',
        ];
  return ['', `  Gatehouse is running. The web console: ${consoleUrlOf(issuer)}`, '', ...how, '', '  Or create an administrator here: npm run -s gatehouse -- admins create <username>', '', ''].join(
    '\n',
  );
}

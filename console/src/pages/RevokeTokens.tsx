import type { TokenRevocationJson, TokenRevocationRequestJson } from '../../../src/admin-api/wire';
import { api } from '../api';
import { ConfirmButton } from '../confirm-button';
import { errorText, formatTime } from '../ui';

/** What a revocation did, in words. */
export function revocationText(result: TokenRevocationJson): string {
  if (result.revoked === 'token') return `Token ${result.jti} revoked.`;
  const whose = result.revoked === 'client' ? `client ${result.client_id}` : `user ${result.username}`;
  return `Every token of ${whose} issued until ${formatTime(result.revoked_before)} revoked (${result.refresh_tokens_revoked} refresh token${result.refresh_tokens_revoked === 1 ? '' : 's'}).`;
}

/** A revoke button behind a confirmation: `POST /admin/api/tokens/revoke` with `target`; the outcome goes to `onDone`. */
export function RevokeTokensButton(props: {
  target: TokenRevocationRequestJson;
  label: string;
  ariaLabel?: string;
  question: string;
  onDone: (outcome: { kind: 'success' | 'error'; text: string }) => void;
}) {
  return (
    <ConfirmButton
      label={props.label}
      ariaLabel={props.ariaLabel}
      question={props.question}
      confirmLabel="Revoke"
      onConfirm={async () => {
        try {
          props.onDone({ kind: 'success', text: revocationText(await api<TokenRevocationJson>('POST', '/tokens/revoke', props.target)) });
        } catch (failure) {
          props.onDone({ kind: 'error', text: errorText(failure) });
        }
      }}
    />
  );
}

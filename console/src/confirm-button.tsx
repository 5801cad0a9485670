import { useState } from 'react';
import { useConfirm } from './confirm-dialog';

/**
 * A button whose action runs only after the console's one confirmation dialog (confirm-dialog.tsx) says yes.
 * For destructive or irreversible actions in table rows and cards.
 */
export function ConfirmButton(props: {
  /** The button's text. */
  label: string;
  /** Its accessible name when the text alone is ambiguous (in a table row). */
  ariaLabel?: string | undefined;
  /** The question the dialog asks, naming what happens. */
  question: string;
  /** The confirming button's text (the action's verb). */
  confirmLabel: string;
  onConfirm: () => Promise<void>;
}) {
  const [confirm, dialog] = useConfirm();
  const [busy, setBusy] = useState(false);

  async function run() {
    if (!(await confirm({ title: props.question, body: null, action: props.confirmLabel }))) return;
    setBusy(true);
    try {
      await props.onConfirm();
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button type="button" className="button-danger" disabled={busy} onClick={() => void run()} aria-label={props.ariaLabel}>
        {props.label}
      </button>
      {dialog}
    </>
  );
}

import { useEffect, useRef, useState } from 'react';

/**
 * A button whose action runs only after a confirmation in a modal <dialog> (focus stays inside, Escape
 * cancels). For destructive or irreversible actions.
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
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  async function confirm() {
    setBusy(true);
    try {
      await props.onConfirm();
    } finally {
      setBusy(false);
      setOpen(false);
    }
  }

  return (
    <>
      <button type="button" className="button-danger" onClick={() => setOpen(true)} aria-label={props.ariaLabel}>
        {props.label}
      </button>
      <dialog ref={dialog} className="confirm-dialog" onClose={() => setOpen(false)}>
        <p>{props.question}</p>
        <div className="actions">
          <button type="button" className="button-danger" disabled={busy} onClick={() => void confirm()}>
            {props.confirmLabel}
          </button>
          <button type="button" className="button-secondary" onClick={() => setOpen(false)}>
            Cancel
          </button>
        </div>
      </dialog>
    </>
  );
}

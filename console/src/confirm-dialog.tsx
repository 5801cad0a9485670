import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';

/** What a confirmation asks: the consequence in words, and a button that names the action ("Delete client web-app"). */
export interface Confirmation {
  title: string;
  body: ReactNode;
  /** The destructive button's label: the action and its object. */
  action: string;
  /** The other button's label; "Cancel" unless told. */
  cancel?: string;
  /** A destructive action (red button); false for a warning such as leaving unsaved changes. Default true. */
  destructive?: boolean;
}

/**
 * The console's one confirmation dialog: a native modal <dialog> (showModal traps the focus and makes the rest
 * of the page inert), Escape and the cancel button answer no, the focus goes back to where it was.
 * The cancel button has the focus first, so Enter alone never destroys anything.
 */
export function ConfirmDialog(props: { confirmation: Confirmation | null; onAnswer: (confirmed: boolean) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef<Element | null>(null);
  const id = useId();
  const { confirmation, onAnswer } = props;

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (confirmation && !element.open) {
      returnFocus.current = document.activeElement;
      element.showModal();
      cancelButton.current?.focus();
    } else if (!confirmation && element.open) {
      element.close();
    }
  }, [confirmation]);

  const answer = (confirmed: boolean) => {
    dialog.current?.close();
    const previous = returnFocus.current;
    returnFocus.current = null;
    if (previous instanceof HTMLElement && previous.isConnected) previous.focus();
    onAnswer(confirmed);
  };

  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onKeyDown={(event) => {
        // Tab and Shift+Tab cycle through the dialog's buttons; the focus never goes to the browser's own controls.
        if (event.key !== 'Tab' || !dialog.current) return;
        const buttons = [...dialog.current.querySelectorAll<HTMLButtonElement>('button')];
        const first = buttons[0];
        const last = buttons[buttons.length - 1];
        if (!first || !last) return;
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }}
      onCancel={(event) => {
        // Escape: close through answer() so that the focus returns and the question is answered no.
        event.preventDefault();
        answer(false);
      }}
    >
      {confirmation && (
        <form method="dialog" onSubmit={(event) => event.preventDefault()}>
          <h2 id={`${id}-title`}>{confirmation.title}</h2>
          <div id={`${id}-body`} className="confirm-body">
            {confirmation.body}
          </div>
          <div className="actions">
            <button type="button" className={confirmation.destructive === false ? undefined : 'button-danger'} onClick={() => answer(true)}>
              {confirmation.action}
            </button>
            <button type="button" ref={cancelButton} className="button-secondary" onClick={() => answer(false)}>
              {confirmation.cancel ?? 'Cancel'}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}

/**
 * `const [confirm, dialog] = useConfirm()`: render `dialog` once, then `if (!(await confirm({...}))) return;`
 * before a destructive call.
 */
export function useConfirm(): [(confirmation: Confirmation) => Promise<boolean>, ReactNode] {
  const [pending, setPending] = useState<{ confirmation: Confirmation; resolve: (confirmed: boolean) => void } | null>(null);
  const confirm = useCallback(
    (confirmation: Confirmation) =>
      new Promise<boolean>((resolve) => {
        setPending({ confirmation, resolve });
      }),
    [],
  );
  const element = (
    <ConfirmDialog
      confirmation={pending?.confirmation ?? null}
      onAnswer={(confirmed) => {
        pending?.resolve(confirmed);
        setPending(null);
      }}
    />
  );
  return [confirm, element];
}

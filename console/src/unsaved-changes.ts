import { useEffect } from 'react';
import type { Confirmation } from './confirm-dialog';
import { addLeaveGuard } from './router';

const LEAVE: Confirmation = {
  title: 'Leave without saving?',
  body: 'Your changes on this page are not saved yet. If you leave now they are lost.',
  action: 'Leave without saving',
  cancel: 'Stay on this page',
};

/**
 * While `dirty`, leaving the page asks first: an in-app navigation (links, navigate()) through the console's
 * dialog, and closing or reloading the tab through the browser's own `beforeunload` question.
 */
export function useUnsavedChanges(dirty: boolean, confirm: (confirmation: Confirmation) => Promise<boolean>): void {
  useEffect(() => {
    if (!dirty) return;
    const beforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // Older browsers need a return value to ask.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', beforeUnload);
    const removeLeaveGuard = addLeaveGuard(() => confirm(LEAVE));
    return () => {
      window.removeEventListener('beforeunload', beforeUnload);
      removeLeaveGuard();
    };
  }, [dirty, confirm]);
}

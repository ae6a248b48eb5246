import { useState } from "react";
import { toast } from "sonner";

export interface AsyncActionOptions<T> {
  /** Toasted when the task succeeds. */
  successMessage?: string;
  /** Runs after a success, with the task's result; it is awaited, so `pending` lasts until it ends. */
  onDone?: (result: T) => unknown;
}

/**
 * An API call behind a button: `pending` while `run()` runs it, then the success toast and `onDone`.
 * A failure has already been toasted by the API client: it is swallowed, and `onDone` does not run
 * (a dialog stays open, a form keeps what was typed).
 */
export function useAsyncAction<T>(task: () => T | Promise<T>, { successMessage, onDone }: AsyncActionOptions<T> = {}) {
  const [pending, setPending] = useState(false);

  async function run() {
    setPending(true);
    try {
      const result = await task();
      if (successMessage) toast.success(successMessage);
      await onDone?.(result);
    } catch {
      // toasted by the API client
    } finally {
      setPending(false);
    }
  }

  return { pending, run };
}

/** How the command line reports a failure: one line, the file and field first, no stack trace. */
import { fsReason } from '../core/fs-error.ts';

/** The one-line message for an error thrown by a command. */
export function errorLine(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const sys = err as NodeJS.ErrnoException;
  let message = err.message;
  const reason = fsReason(err);
  // A raw Node error ("ENOSPC: no space left on device, write"): say it with the file first.
  if (reason && sys.syscall) message = `${sys.path ?? 'a file'}: ${reason} (${sys.syscall})`;
  const prefix = err.name === 'SceneError' || err.name === 'Error' ? '' : `${err.name}: `;
  return `clift: ${prefix}${message.trim().replace(/\s*\n\s*/g, '; ')}`;
}

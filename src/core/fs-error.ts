/** Plain-words descriptions of file-system errors, so messages name the file and say what went wrong. */

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder, not a file',
  EEXIST: 'already exists',
  EMFILE: 'too many open files',
};

/** The reason of a Node file-system error in words ("no space left on the device"), or null if it is not one. */
export function fsReason(e: unknown): string | null {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return code && REASONS[code] ? REASONS[code] : null;
}

/** An Error saying `what` failed for `path` and why, keeping the original code. */
export function fsError(path: string, what: string, e: unknown): Error {
  const reason = fsReason(e) ?? (e instanceof Error ? e.message : String(e));
  const err = new Error(`${path}: cannot ${what}: ${reason}`) as NodeJS.ErrnoException;
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code) err.code = code;
  return err;
}

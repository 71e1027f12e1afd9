/**
 * The residency hooks of device backends (keepResident, syncToHost, markHostWrite, fillZero) over lists of views,
 * written once for every caller. On backends whose buffers are host memory the hooks are absent: these do nothing
 * but the plain host operation (zeroView fills), so CPU numbers never depend on them.
 */
import type { Backend, F32, I32 } from './backend.ts';

type View = F32 | I32;

/** Keeps the views' buffers on the device between kernels (device backends; the caller syncs and marks). */
export function keepResident(be: Backend, views: Iterable<View>): void {
  if (be.keepResident) for (const v of views) be.keepResident(v);
}

/** Brings the host copies of the views up to date before the host reads them. */
export function syncToHost(be: Backend, views: Iterable<View>): void {
  if (be.syncToHost) for (const v of views) be.syncToHost(v);
}

/** Tells the backend the host wrote the views (kernels upload them before reading them). */
export function markHostWrite(be: Backend, views: Iterable<View>): void {
  if (be.markHostWrite) for (const v of views) be.markHostWrite(v);
}

/** Zeroes a view, on the device too where it is resident (without a transfer). */
export function zeroView(be: Backend, view: View): void {
  if (be.fillZero) be.fillZero(view);
  else view.fill(0);
}

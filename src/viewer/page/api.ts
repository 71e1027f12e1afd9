/** The page's requests to the viewer server. */
import type { RunInfo, ViewKind } from '../api-types.ts';
import { type PackedPoints, unpackPoints } from '../points-layout.ts';

/** Fetches `url`, throwing with the server's message when it fails. */
async function get(url: string): Promise<Response> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res;
}

/** The run's objects and views. */
export async function fetchRun(): Promise<RunInfo> {
  return (await (await get('/api/run')).json()) as RunInfo;
}

/** The labelled points. */
export async function fetchPoints(): Promise<PackedPoints> {
  return unpackPoints(await (await get('/api/points')).arrayBuffer());
}

/** The URL of a view image, with `highlight` (an id of that image's id map) picked out when given. */
export function viewImageUrl(stem: string, kind: ViewKind, highlight: number | null): string {
  const base = `/api/view/${encodeURIComponent(stem)}/${kind}.png`;
  return highlight === null ? base : `${base}?highlight=${highlight}`;
}

/** The page state exposed on `window.cliftViewer`, for scripted checks such as the end-to-end test. */

import type { CliftViewerHook } from '../api-types.ts';

declare global {
  interface Window {
    cliftViewer: CliftViewerHook;
  }
}

/** Installs the hook with nothing loaded yet and returns it. */
export function installHook(): CliftViewerHook {
  window.cliftViewer = {
    ready: false,
    error: null,
    selected: null,
    highlightedPointCount: 0,
    objectCount: 0,
    select: () => {
      throw new Error('the viewer is still loading');
    },
    screenPositionOfObject: () => null,
  };
  return window.cliftViewer;
}

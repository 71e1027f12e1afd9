/** Headless Debian chromium for the viewer's end-to-end test, and pixel counting on its screenshots. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { type BrowserContext, chromium } from 'playwright-core';

/** The browser the test drives (Debian's chromium; CI installs it). */
export const CHROMIUM = process.env.CLIFT_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A fresh headless chromium with its own profile folder; `close` removes both. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: the viewer end-to-end test needs Debian chromium (apt-get install chromium, as .ci/run does), or set CLIFT_CHROMIUM to a chromium binary`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'clift-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 720 },
    deviceScaleFactor: 1,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A decoded PNG screenshot as RGB(A) bytes. */
export interface Screenshot {
  width: number;
  height: number;
  channels: number;
  data: Uint8Array;
}

/** Decodes screenshot bytes. */
export function decodeScreenshot(png: Uint8Array): Screenshot {
  const img = decode(png);
  return { width: img.width, height: img.height, channels: img.channels, data: Uint8Array.from(img.data) };
}

/** Pixels whose RGB is within `tol` of `rgb` in every channel. */
export function countColor(img: Screenshot, rgb: readonly number[], tol: number): number {
  let n = 0;
  for (let i = 0; i < img.width * img.height; i++) {
    const o = i * img.channels;
    if (
      Math.abs(img.data[o]! - rgb[0]!) <= tol &&
      Math.abs(img.data[o + 1]! - rgb[1]!) <= tol &&
      Math.abs(img.data[o + 2]! - rgb[2]!) <= tol
    ) {
      n++;
    }
  }
  return n;
}

/** Number of distinct RGB colours. */
export function distinctColors(img: Screenshot): number {
  const seen = new Set<number>();
  for (let i = 0; i < img.width * img.height; i++) {
    const o = i * img.channels;
    seen.add((img.data[o]! << 16) | (img.data[o + 1]! << 8) | img.data[o + 2]!);
  }
  return seen.size;
}

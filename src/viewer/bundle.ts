/** Bundles the viewer page (three.js included) in memory with esbuild, once per process. */
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The page's entry module. */
export const PAGE_ENTRY = fileURLToPath(new URL('./page/main.ts', import.meta.url));

let cached: Promise<string> | null = null;

/** The page script as one ES module (bundled on first call, then reused). */
export function pageBundle(): Promise<string> {
  cached ??= build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    legalComments: 'eof',
    logLevel: 'silent',
  }).then(
    (result) => {
      const file = result.outputFiles[0];
      if (!file) throw new Error(`esbuild produced no output for ${PAGE_ENTRY}`);
      return file.text;
    },
    (e: unknown) => {
      cached = null;
      throw new Error(`cannot bundle the viewer page ${PAGE_ENTRY}: ${(e as Error).message}`);
    },
  );
  return cached;
}

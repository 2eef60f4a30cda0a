#!/usr/bin/env node
/**
 * Bundles `skiff run` (dist/src/cmd/engine/run.js and everything it imports) into one file,
 * dist/src/cmd/engine/run.bundle.mjs, after tsc has built dist/. Loading ~30 small ES modules
 * costs Node more than parsing one file (resolution, a realpath and a read per module): about
 * 20 ms of CPU per `skiff run` on the development machine. The dispatcher (src/cmd/skiff.ts)
 * uses the bundle only while it is newer than dist/.tsbuildinfo, i.e. built from the current
 * output; otherwise it loads the modules as before.
 *
 * `import.meta.url` differs once modules share a file, so each module's use of it is
 * rewritten to its own original URL, expressed relative to the bundle (the tree can move).
 */
import { build } from 'esbuild';
import { readFile, rename, rm } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = resolve(repo, 'dist/src/cmd/engine/run.js');
// `--out FILE` puts it elsewhere (the end-to-end test bundles into its own temp dir).
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 && process.argv[outFlag + 1] ? resolve(process.argv[outFlag + 1]) : resolve(repo, 'dist/src/cmd/engine/run.bundle.mjs');
const temp = `${out}.${process.pid}.tmp`;

const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const fromBundle = relative(dirname(out), args.path);
      return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`), loader: 'js' };
    });
  },
};

/**
 * Loaded lazily and only when an image is not ready to run: the full image store (tar, gzip,
 * streams). Kept as a dynamic import of the unbundled module so its Node built-ins (zlib,
 * stream) are not loaded up front by the bundle; it shares no classes with the run path.
 */
const leftOut = new Set([resolve(repo, 'dist/src/engine/image/store.js')]);

const leaveOutLazyStore = {
  name: 'leave-out-lazy-store',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const target = resolve(args.resolveDir, args.path);
      if (!leftOut.has(target)) return undefined;
      return { path: `./${relative(dirname(out), target)}`, external: true };
    });
  },
};

try {
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // npm packages stay imports, resolved from dist/ as before.
    packages: 'external',
    outfile: temp,
    logLevel: 'warning',
    plugins: [leaveOutLazyStore, ownImportMetaUrl],
  });
  // Renamed into place whole, so a concurrent `skiff run` never reads half a bundle.
  await rename(temp, out);
} catch (err) {
  await rm(temp, { force: true });
  throw err;
}

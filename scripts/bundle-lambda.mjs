#!/usr/bin/env node
// Bundles one Lambda handler into OUTDIR/index.mjs: minified ESM for Node 22, the AWS SDK included (it loads
// faster than the runtime's copy). zod's 40 translations of its error messages are left out (Dispatch writes its
// own messages; English stays as the fallback): 264 kB of the bundle, loaded at every cold start.
// Usage: node scripts/bundle-lambda.mjs ENTRY OUTDIR   (the CDK stack and the benchmark both call it)
import { build } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

export async function bundleLambda(entry, outdir) {
  return build({
    entryPoints: [resolve(entry)],
    outfile: join(outdir, 'index.mjs'),
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    plugins: [zodEnglishOnly],
    metafile: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const [entry, outdir] = process.argv.slice(2);
  if (!entry || !outdir) {
    console.error('Usage: node scripts/bundle-lambda.mjs ENTRY OUTDIR');
    process.exit(2);
  }
  const result = await bundleLambda(entry, outdir);
  const bytes = Object.values(result.metafile.outputs)[0].bytes;
  console.error(`${entry}: ${(bytes / 1024).toFixed(0)} kB`);
}

#!/usr/bin/env node
// Bundles one Lambda handler into OUTDIR/index.mjs: minified ESM for Node 22, the AWS SDK included (it loads
// faster than the runtime's copy). zod's 40 translations of its error messages are left out (Dispatch writes its
// own messages; English stays as the fallback): 264 kB of the bundle, loaded at every cold start.
// Usage: node scripts/bundle-lambda.mjs ENTRY OUTDIR   (the CDK stack and the benchmark both call it)
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
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

// The AWS SDK clients and the Slack client import their whole package.json to read `name` and `version` for the
// User-Agent header (runtimeConfig.js, instrument.js): ~2 kB each, 14 kB in the incoming bundle. Only those two
// fields are kept.
export const packageJsonVersionOnly = {
  name: 'package-json-version-only',
  setup(b) {
    b.onLoad(
      { filter: /[\\/]node_modules[\\/]@(aws-sdk|slack)[\\/][^\\/]+[\\/]package\.json$/ },
      async (args) => {
        const { name, version } = JSON.parse(await readFile(args.path, 'utf8'));
        return { contents: JSON.stringify({ name, version }), loader: 'json' };
      },
    );
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
    plugins: [zodEnglishOnly, packageJsonVersionOnly],
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

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

// In Lambda the credentials of the function's role are always in the environment (AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
// and the SDK's default chain takes them from there first. The rest of the chain (SSO, INI files, web identity,
// process, container and instance metadata, with the STS/SSO clients they carry) never runs in a function: 112 kB
// of every bundle. Each client's `defaultProvider` is the environment provider alone.
export const lambdaEnvironmentCredentials = {
  name: 'lambda-environment-credentials',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, (args) => ({
      path: args.path,
      namespace: 'lambda-credentials',
      pluginData: { resolveDir: args.resolveDir },
    }));
    b.onLoad({ filter: /.*/, namespace: 'lambda-credentials' }, (args) => ({
      contents:
        "import { fromEnv } from '@aws-sdk/credential-provider-env';\n" +
        'export const defaultProvider = (init = {}) => fromEnv(init);\n',
      // Resolved where the client resolved the full chain, which depends on this provider.
      resolveDir: args.pluginData.resolveDir,
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
    plugins: [zodEnglishOnly, packageJsonVersionOnly, lambdaEnvironmentCredentials],
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

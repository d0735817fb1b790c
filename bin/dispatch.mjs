#!/usr/bin/env node
// Launcher for `npx dispatch`: runs the TypeScript CLI through tsx without a build step.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('./dispatch.ts');
const { processIo } = await import('./cli/io.ts');
process.exitCode = await main(process.argv.slice(2), processIo());

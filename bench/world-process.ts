/**
 * The benchmark's servers in a process of their own (see world.ts): the fakes and the ledger store answer here,
 * so the CPU time the benchmark's own process spends is Dispatch's. Started by startChildServers; sends its URLs
 * and stops on "close".
 */
import { startDynalite, startServers, type ServerOptions, type WorldUrls } from './world.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as ServerOptions & { storeOnly?: boolean };
let close: () => Promise<void>;
let urls: WorldUrls;
if (options.storeOnly) {
  const store = await startDynalite();
  urls = { slack: '', github: '', pagerduty: '', aws: '', dynamodb: store.url };
  close = store.close;
} else {
  const servers = await startServers(options);
  urls = servers.urls;
  close = servers.close;
}
process.on('message', (m) => {
  if (m === 'close') void close().then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
process.send!(urls);

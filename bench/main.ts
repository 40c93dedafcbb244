/**
 * `npm run bench -- NAME`: runs bench/NAME.ts. Each benchmark starts and stops its own dev
 * server and worker, prints readable figures on stderr/stdout, and ends with one JSON line.
 */
const name = process.argv[2];
const benches = ['overhead', 'backfill', 'backfill-graph', 'catalog', 'cluster', 'large-plans', 'notify', 'schedule', 'sensor'];
if (!name || !benches.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <${benches.join('|')}>\n`);
  process.exit(2);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const bench = require(`./${name}`) as { runBench(): Promise<void> };
bench.runBench().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);

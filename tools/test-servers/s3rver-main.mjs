// Child process entry: runs @20minutes/s3rver on a random loopback port and prints
// `{"port": N}` once listening. A separate process because paging (ListObjectsV2 continuation
// tokens) uses DES, which Node 20 enables only with --openssl-legacy-provider at start-up.
import S3rver from '@20minutes/s3rver';

const [directory, ...buckets] = process.argv.slice(2);
const server = new S3rver({
  port: 0,
  address: '127.0.0.1',
  directory,
  silent: true,
  configureBuckets: buckets.map((name) => ({ name })),
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));

// One fetch of an http(s) git index into a cache, as its own process (timed with peak RSS by the
// caller). Usage: node index-fetch-worker.mjs <url> <cache-dir> <git|isomorphic-git>
import { fetchRemoteIndex } from '../../libs/index-reader/dist/git/index.js';

const [url, cacheDir, backend] = process.argv.slice(2);
const result = await fetchRemoteIndex(url, { cacheDir, backend });
console.log(JSON.stringify(result));

// `npm run bench`: the benchmarks, each printing its figures as ratios to a baseline measured in the same process.
import { spawnSync } from 'node:child_process';

// The dispatch bench places 100 calls through kamailio between two Chromium pages (~3 minutes).
// The map bench drives headless Chromium (llvmpipe WebGL) over cities of 1 and 10 million components: ~10 minutes here.
// The video bench plays 16 live ffmpeg cameras over HLS and WebRTC in headless Chromium, then holds 16 HLS tiles for 10
// minutes to read their memory each minute (~13 minutes in all; needs `npm run build`).
// The TLS bench times /map's first frame, one-click calls and a wall screen across host restarts over HTTPS against
// HTTP, two hosts side by side (~5 minutes; needs `npm run build`).
// The store bench pushes and pulls 5,000 sync records on SQLite and on the local PostgreSQL (~10 seconds).
// The ingestion bench publishes the city (10,000 vehicles, 50,000 sensors) to Mosquitto on 1883 for the backend
// and a bare relay, then watches the backend's memory for a minute (~7 minutes; skipped without a broker).
const benches = ['bench/plans.bench.ts', 'bench/store.bench.ts', 'bench/dispatch.bench.ts', 'bench/map.bench.ts', 'bench/video.bench.ts', 'bench/tls.bench.ts', 'bench/ingest.bench.ts'];
for (const bench of benches) {
  const result = spawnSync('npx', ['tsx', '--expose-gc', bench], { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '--expose-gc' } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

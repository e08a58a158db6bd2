// `npm run bench`: the benchmarks, each printing its figures as ratios to a baseline measured in the same process.
import { spawnSync } from 'node:child_process';

const benches = ['bench/plans.bench.ts'];
for (const bench of benches) {
  const result = spawnSync('npx', ['tsx', '--expose-gc', bench], { stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: '--expose-gc' } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

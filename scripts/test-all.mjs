// `npm test`: every check CI makes, in order, stopping at the first failure. The last line counts the tests the two
// vitest runs executed (unit + contract + migrations, then end-to-end).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reports = join(root, '.tmp', 'test-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const steps = [
  ['lint', ['npm', 'run', '--silent', 'lint']],
  ['typecheck (every runtime)', ['npm', 'run', '--silent', 'typecheck']],
  ['import boundaries', ['npm', 'run', '--silent', 'boundaries']],
  ['Electron security scan', ['npm', 'run', '--silent', 'security']],
  ['build', ['npm', 'run', '--silent', 'build']],
  ['unit, contract and migration tests', ['npx', 'vitest', 'run', '--config', 'vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, 'unit.json')}`]],
  ['end-to-end tests (Chromium)', ['npx', 'vitest', 'run', '--config', 'vitest.e2e.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${join(reports, 'e2e.json')}`]],
];

const totals = { passed: 0, failed: 0, skipped: 0 };
const count = (file) => {
  try {
    const report = JSON.parse(readFileSync(join(reports, file), 'utf8'));
    totals.passed += report.numPassedTests;
    totals.failed += report.numFailedTests;
    totals.skipped += report.numPendingTests + report.numTodoTests;
  } catch {
    // The step failed before vitest wrote its report; its exit code already says so.
  }
};

let failedStep = null;
for (const [name, [command, ...args]] of steps) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  console.log(`=== ${name}: ${result.status === 0 ? 'ok' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(1)} s) ===`);
  if (result.status !== 0) {
    failedStep = name;
    break;
  }
}
count('unit.json');
count('e2e.json');
if (failedStep) console.error(`\nzhili: "${failedStep}" failed.`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedStep ? 1 : 0);

// Runs Doyensec's Electronegativity over the Electron sources (main, preload, renderer) and fails on any finding of
// high or critical severity. Its online check of Electron's release list cannot run offline and is reported as such.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const report = join(root, '.tmp', 'electronegativity.csv');
mkdirSync(join(root, '.tmp'), { recursive: true });
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

execFileSync(
  join(root, 'node_modules', '.bin', 'electronegativity'),
  ['-i', join(root, 'src'), '-r', '-o', report, '-v', 'false', '-e', pkg.optionalDependencies.electron],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);

const rows = readFileSync(report, 'utf8').trim().split('\n').slice(1);
const findings = rows.map((row) => {
  const [check, severity, confidence, file, location] = row.split(',');
  return { check, severity: severity.replaceAll('"', ''), confidence: confidence.replaceAll('"', ''), file, location };
});
for (const finding of findings) {
  console.log(`electronegativity: ${finding.severity.padEnd(13)} ${finding.check} ${finding.file}:${finding.location}`);
}
const blocking = findings.filter((finding) => ['HIGH', 'CRITICAL'].includes(finding.severity));
console.log(`electronegativity: ${findings.length} findings, ${blocking.length} of high or critical severity.`);
process.exit(blocking.length > 0 ? 1 : 0);

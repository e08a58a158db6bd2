// Runs Doyensec's Electronegativity over the Electron sources (main, preload, renderer) and fails on any finding of
// high or critical severity. Its online check of Electron's release list cannot run offline and is reported as such.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const report = join(root, '.tmp', 'electronegativity.csv');
mkdirSync(join(root, '.tmp'), { recursive: true });
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// The tool writes over an existing report without truncating it; start from none.
rmSync(report, { force: true });

execFileSync(
  join(root, 'node_modules', '.bin', 'electronegativity'),
  ['-i', join(root, 'src'), '-r', '-o', report, '-v', 'false', '-e', pkg.optionalDependencies.electron],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);

/** RFC 4180 fields: quoted fields may hold commas, doubled quotes and line breaks (code samples do). */
function parseCsv(text) {
  const rows = [[]];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      rows.at(-1).push(field.trim());
      field = '';
    } else if (char === '\n') {
      rows.at(-1).push(field.trim());
      field = '';
      rows.push([]);
    } else field += char;
  }
  rows.at(-1).push(field.trim());
  return rows.filter((row) => row.length > 1);
}

const findings = parseCsv(readFileSync(report, 'utf8'))
  .slice(1)
  .map(([check, severity, confidence, file, location]) => ({ check, severity, confidence, file, location }));
for (const finding of findings) {
  console.log(`electronegativity: ${finding.severity.padEnd(13)} ${finding.check} ${finding.file}:${finding.location}`);
}
const blocking = findings.filter((finding) => ['HIGH', 'CRITICAL'].includes(finding.severity));
console.log(`electronegativity: ${findings.length} findings, ${blocking.length} of high or critical severity.`);
process.exit(blocking.length > 0 ? 1 : 0);

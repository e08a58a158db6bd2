// Electron is an optional dependency: where its binary cannot be downloaded (offline build machines, Node < 22),
// npm drops the package. The Electron glue must still typecheck there, so this copies Electron's type declarations
// to a fixed path that the main and preload tsconfigs include: from the installed package when there is one,
// otherwise from the package's registry tarball (which the npm registry serves even where the binary host is blocked).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'node_modules', '.zhili', 'electron.d.ts');
const installed = join(root, 'node_modules', 'electron', 'electron.d.ts');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const version = pkg.optionalDependencies?.electron;

mkdirSync(dirname(target), { recursive: true });
if (existsSync(installed)) {
  copyFileSync(installed, target);
} else if (!existsSync(target)) {
  const work = mkdtempSync(join(tmpdir(), 'zhili-electron-types-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const tarball = execFileSync(npm, ['pack', `electron@${version}`, '--silent', '--pack-destination', work], {
      cwd: work,
      encoding: 'utf8',
      shell: process.platform === 'win32',
    }).trim().split('\n').pop();
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work, 'package/electron.d.ts']);
    copyFileSync(join(work, 'package', 'electron.d.ts'), target);
    console.log(`zhili: Electron ${version} is not installed here; its type declarations were fetched for typechecking.`);
  } catch (error) {
    console.warn(`zhili: could not fetch Electron's type declarations (${error.message}); \`npm run typecheck\` will fail for src/main and src/preload.`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

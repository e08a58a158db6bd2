// `npm start`: builds what is missing (the app, the demo city), then runs the Electron app where Electron is
// installed and the web host everywhere else (or with --web). `npm run backend` runs the backend alone, and
// `npm run simulate` the demo city's devices as a process of their own.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const backendOnly = args.includes('--backend-only');
const simulateOnly = args.includes('--simulate-only');
const forwarded = args.filter((arg) => arg !== '--backend-only' && arg !== '--simulate-only');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

function run(command, commandArgs) {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const stamp = join(root, 'out', 'renderer', 'index.html');
const built = ['main/web-host.mjs', 'backend/backend.mjs', 'backend/simulate.mjs', 'renderer/index.html'].every((file) => existsSync(join(root, 'out', file)));
if (!built || newest(join(root, 'src')) > statSync(stamp).mtimeMs) {
  console.log('Zhili: building the app…');
  run('npm', ['run', '--silent', 'build']);
}

// The manifest is written last, so its presence means a finished build (of whatever size was asked for last).
if (!existsSync(join(root, 'resources', 'city', 'generated', 'manifest.json'))) {
  console.log('Zhili: building the demo city (once; `npm run build:data` rebuilds it)…');
  run(process.execPath, [join(root, 'scripts', 'city', 'build-city.mjs')]);
}

function electronBinary() {
  try {
    const require = createRequire(import.meta.url);
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

let command;
let commandArgs;
if (backendOnly || simulateOnly) {
  [command, commandArgs] = [process.execPath, [join(root, 'out', 'backend', backendOnly ? 'backend.mjs' : 'simulate.mjs'), ...forwarded]];
} else {
  const electron = forwarded.includes('--web') ? null : electronBinary();
  if (electron) {
    [command, commandArgs] = [electron, [root, ...forwarded]];
  } else {
    if (!forwarded.includes('--web')) console.log('Zhili: Electron is not installed here; starting the web host (open the URL below in a browser).');
    [command, commandArgs] = [process.execPath, [join(root, 'out', 'main', 'web-host.mjs'), ...forwarded]];
  }
}
const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

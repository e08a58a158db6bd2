import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE, ensurePrivateDir, tightenFile } from './private-files.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(scope: string): Logger;
}

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface FileLoggerOptions {
  /** Folder that receives one JSON-lines file per day: `<name>-YYYY-MM-DD.log`. */
  directory: string;
  name: string;
  level?: LogLevel;
  /** Where warnings and errors are echoed for the operator; none in tests. */
  echo?: (line: string) => void;
  now?: () => Date;
}

/**
 * Structured logs as JSON lines in the data folder, 0600 in a 0700 folder. Writes are synchronous on purpose: the
 * lines that explain a crash must reach the disk before the process dies, and the volume here is small. Secrets never
 * reach them: fields named like one and `token=` in any text are replaced before a line is written (see `redact`).
 */
export function createFileLogger(options: FileLoggerOptions): Logger {
  ensurePrivateDir(options.directory);
  const minimum = levelRank[options.level ?? 'info'];
  const now = options.now ?? (() => new Date());
  let tightened: string | null = null;

  const write = (scope: string, level: LogLevel, rawMessage: string, fields?: LogFields): void => {
    if (levelRank[level] < minimum) return;
    const time = now();
    const message = redactText(rawMessage);
    const record = { time: time.toISOString(), level, scope, message, ...(redact(serialisable(fields), 0) as LogFields) };
    const file = join(options.directory, `${options.name}-${time.toISOString().slice(0, 10)}.log`);
    try {
      appendFileSync(file, `${JSON.stringify(record)}\n`, { mode: PRIVATE_FILE_MODE });
      // A day's file kept from an earlier version may be looser than the mode a new file is created with.
      if (tightened !== file) {
        tightenFile(file);
        tightened = file;
      }
    } catch {
      // A full or vanished disk must not take the console down with it; the echo below still reaches the operator.
    }
    if (options.echo && levelRank[level] >= levelRank.warn) options.echo(`[${level}] ${scope}: ${message}`);
  };

  const make = (scope: string): Logger => ({
    debug: (message, fields) => write(scope, 'debug', message, fields),
    info: (message, fields) => write(scope, 'info', message, fields),
    warn: (message, fields) => write(scope, 'warn', message, fields),
    error: (message, fields) => write(scope, 'error', message, fields),
    child: (child) => make(`${scope}.${child}`),
  });
  return make(options.name);
}

function serialisable(fields: LogFields | undefined): LogFields {
  if (!fields) return {};
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
  }
  return out;
}

const SECRET_FIELD = /token|password|passwd|secret|credential|authorization|cookie/i;
const TOKEN_IN_TEXT = /((?:token|signature)=)[^&\s"'#]+/gi;
export const REDACTED = '[redacted]';
/** Deep enough for any field logged here; anything deeper is dropped rather than walked without end. */
const MAX_DEPTH = 8;

/** Replaces the value of every `token=` in a text (URLs, messages, a child's output) so it can be logged. */
export function redactText(text: string): string {
  return text.replace(TOKEN_IN_TEXT, `$1${REDACTED}`);
}

/**
 * A copy of logged fields without secrets: values under a key that names one (token, password, secret,
 * credential, authorization, cookie, in any case or compound like `backendToken`) and `token=` or a media URL's
 * `signature=` in strings are replaced.
 */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  // Dates, URLs, buffers: logged as JSON would write them.
  if ('toJSON' in value && typeof value.toJSON === 'function') return redact((value.toJSON as () => unknown)(), depth + 1);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = SECRET_FIELD.test(key) && item !== null && item !== undefined ? REDACTED : redact(item, depth + 1);
  return out;
}

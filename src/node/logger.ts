import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

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
 * Structured logs as JSON lines in the data folder. Writes are synchronous on purpose: the lines that explain a
 * crash must reach the disk before the process dies, and the volume here is small.
 */
export function createFileLogger(options: FileLoggerOptions): Logger {
  mkdirSync(options.directory, { recursive: true });
  const minimum = levelRank[options.level ?? 'info'];
  const now = options.now ?? (() => new Date());

  const write = (scope: string, level: LogLevel, message: string, fields?: LogFields): void => {
    if (levelRank[level] < minimum) return;
    const time = now();
    const record = { time: time.toISOString(), level, scope, message, ...serialisable(fields) };
    const file = join(options.directory, `${options.name}-${time.toISOString().slice(0, 10)}.log`);
    try {
      appendFileSync(file, `${JSON.stringify(record)}\n`);
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

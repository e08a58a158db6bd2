import type { Logger, LogFields, LogLevel } from '../../src/node/logger.js';

export interface RecordedLog {
  level: LogLevel;
  scope: string;
  message: string;
  fields: LogFields | undefined;
}

/** A logger that keeps its records in memory, so a test can assert what the host logged. */
export function recordingLogger(records: RecordedLog[] = [], scope = 'test'): Logger & { records: RecordedLog[] } {
  const at = (level: LogLevel) => (message: string, fields?: LogFields) => void records.push({ level, scope, message, fields });
  return {
    records,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (child) => recordingLogger(records, `${scope}.${child}`),
  };
}

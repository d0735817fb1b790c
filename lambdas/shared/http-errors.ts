/** The one place errors become HTTP statuses and log levels. */
import { DispatchError, type ErrorCode } from '../core/errors.ts';

export interface HttpFailure {
  status: number;
  level: 'warn' | 'error';
  /** Body for the client: empty for authentication failures, a short reason for client mistakes. */
  body: string;
}

const CLIENT: Partial<Record<ErrorCode, number>> = {
  REQUEST_TOO_LARGE: 413,
  REQUEST_UNSIGNED: 401,
  REQUEST_FOREIGN: 401,
  REQUEST_INVALID: 400,
  ALARM_INVALID: 400,
  ALARM_NOT_JSON: 400,
  ALARM_TOO_LARGE: 413,
};

export function toHttpFailure(error: unknown): HttpFailure {
  if (error instanceof DispatchError) {
    const status = CLIENT[error.code];
    if (status === 401) return { status, level: 'warn', body: '' };
    if (status !== undefined) return { status, level: 'warn', body: error.message };
  }
  return { status: 500, level: 'error', body: 'internal error' };
}

import { ERROR_CODES, ErrorCode } from './error-codes';

/** An error the API answers as `{code, message, details}` with the code's HTTP status. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }

  static notFound(entity: string, id: string): DomainError {
    return new DomainError('not_found', `No ${entity} with id ${id}.`, { entity, id });
  }

  static validation(message: string, details?: unknown): DomainError {
    return new DomainError('validation_failed', message, details);
  }
}

import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './domain-error';
import { ERROR_CODES, ErrorCode } from './error-codes';

interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
}

/** Postgres error codes that mean the client sent something impossible, not that we broke. */
const PG_CLIENT_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  '23505': { code: 'conflict', message: 'This already exists.' },
  '23503': { code: 'validation_failed', message: 'A referenced record does not exist.' },
  '23502': { code: 'validation_failed', message: 'A required value is missing (null is not accepted here).' },
  '23514': { code: 'validation_failed', message: 'A value is out of the allowed range.' },
  '22P02': { code: 'validation_failed', message: 'A value has the wrong format.' },
  '22007': { code: 'validation_failed', message: 'A date or time has the wrong format.' },
  '22008': { code: 'validation_failed', message: 'A date or time is out of range.' },
  '22003': { code: 'validation_failed', message: 'A number is out of range.' },
  '22021': { code: 'validation_failed', message: 'A text contains a character that cannot be stored (such as a NUL byte).' },
  '22P05': { code: 'validation_failed', message: 'A text contains a character that cannot be stored (such as a NUL byte).' },
  '54001': { code: 'validation_failed', message: 'A value is too deeply nested or too complex.' },
  // statement_timeout: the request asked for more work than an API request may do.
  '57014': { code: 'service_unavailable', message: 'This request took too long and was stopped; narrow it (a shorter window, fewer rows).' },
  // Deadlock or serialization failure left after retries: the client may simply try again.
  '40P01': { code: 'conflict', message: 'A concurrent change got in the way; try again.' },
  '40001': { code: 'conflict', message: 'A concurrent change got in the way; try again.' },
  '55P03': { code: 'conflict', message: 'A concurrent change got in the way; try again.' },
};

/**
 * Turns every exception into the API's JSON error shape. Unknown errors are logged and answered
 * as a generic 500 without internals.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.toBody(exception);
    if (status >= 500) this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    if (res.headersSent) return;
    res.status(status).json(body);
  }

  private toBody(exception: unknown): { status: number; body: ErrorBody } {
    if (exception instanceof DomainError) {
      return { status: exception.status, body: { code: exception.code, message: exception.message, details: exception.details } };
    }
    if (exception instanceof QueryFailedError) {
      const pgCode = (exception as QueryFailedError & { code?: string; detail?: string; constraint?: string }).code;
      const mapped = pgCode ? PG_CLIENT_ERRORS[pgCode] : undefined;
      if (mapped) {
        const e = exception as QueryFailedError & { constraint?: string };
        return { status: ERROR_CODES[mapped.code], body: { code: mapped.code, message: mapped.message, details: { constraint: e.constraint } } };
      }
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse() as string | { message?: string | string[]; code?: ErrorCode; details?: unknown };
      const code: ErrorCode =
        typeof response === 'object' && response.code ? response.code : codeForStatus(status);
      const message =
        typeof response === 'string'
          ? response
          : Array.isArray(response.message)
            ? response.message.join('; ')
            : response.message ?? exception.message;
      const details = typeof response === 'object' ? response.details : undefined;
      return { status, body: { code, message, details } };
    }
    return { status: HttpStatus.INTERNAL_SERVER_ERROR, body: { code: 'internal_error', message: 'Something went wrong on our side. It has been logged.' } };
  }
}

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400: return 'validation_failed';
    case 401: return 'unauthenticated';
    case 403: return 'forbidden';
    case 404: return 'route_not_found';
    case 409: return 'conflict';
    case 413: return 'payload_too_large';
    case 415: return 'unsupported_media_type';
    case 429: return 'too_many_requests';
    case 503: return 'service_unavailable';
    default: return status >= 500 ? 'internal_error' : 'validation_failed';
  }
}

/**
 * body-parser's errors never reach Nest's filters with their type (Nest rewraps them), so this
 * Express error middleware, registered right after the body parsers, answers them itself.
 */
export function bodyParserErrorHandler(
  err: { type?: string } | undefined,
  _req: unknown,
  res: Response,
  next: (err?: unknown) => void,
): void {
  const answer = err?.type ? BODY_ERRORS[err.type] : undefined;
  if (!answer) return next(err);
  res.status(ERROR_CODES[answer.code]).json(answer);
}

const BODY_ERRORS: Record<string, ErrorBody> = {
  'entity.parse.failed': { code: 'malformed_json', message: 'The request body is not valid JSON. Check quotes, commas and brackets.' },
  'entity.too.large': { code: 'payload_too_large', message: 'The request body is larger than 1 MB. Send media by URL, not inline.' },
  'charset.unsupported': { code: 'unsupported_media_type', message: 'Send the body as UTF-8 JSON.' },
  'entity.too.deep': { code: 'validation_failed', message: 'The JSON body is nested too deeply (at most 32 levels).', details: { where: 'body' } },
  'entity.invalid.text': { code: 'validation_failed', message: 'The JSON body holds a NUL character or a lone UTF-16 surrogate, which no text field accepts.', details: { where: 'body' } },
  'encoding.unsupported': { code: 'unsupported_media_type', message: 'Send the body as UTF-8 JSON (gzip, deflate or identity).' },
};

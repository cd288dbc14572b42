import { DomainError } from '../common/errors/domain-error';
import { parseScheduleInput } from '../common/time/schedule-time';

/** No lower bound: campaign windows and actions may lie in the past; posts may not. */
const BEGINNING_OF_TIME = new Date(-8.64e15);

/**
 * Reads an API time field: an ISO instant with offset, or a local time in the campaign's zone.
 * Gaps and ambiguous local times are refused with the field named, as a 400 the user can act on.
 */
export function parseTimeField(field: string, input: string, timeZone: string, options: { now?: Date } = {}): Date {
  const result = parseScheduleInput(input, timeZone, options.now ?? BEGINNING_OF_TIME);
  if (result.ok) return result.instant;
  throw new DomainError('invalid_schedule_time', `${field}: ${result.message}`, { field, reason: result.code, ...(result.details ?? {}) });
}

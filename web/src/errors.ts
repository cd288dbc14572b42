import { ApiError } from './api';
import { currentLang, formatDateTime, t } from './i18n';
import type { MessageKey } from './messages';

/** One field's problems as the API's validation pipe lists them (src/common/validation.pipe.ts). */
export interface FieldProblems {
  field: string;
  problems: string[];
  codes?: string[];
}

export function fieldProblemsOf(error: unknown): FieldProblems[] {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return [];
  return (error.details as FieldProblems[]).filter((d) => d && typeof d.field === 'string' && Array.isArray(d.problems));
}

/** The label of a field as the forms name it ('channelIds[2]' → the accounts' label). */
export function fieldLabel(field: string): string {
  const base = field.replace(/\[\d+\]/g, '').split('.')[0]!;
  const key = `field.${base}` as MessageKey;
  const label = t(key);
  return label === key ? base : label;
}

const numberIn = (text: string | undefined) => Number(/(\d+)/.exec(text ?? '')?.[1] ?? NaN);

/** One constraint's problem in the page's language; the API's English sentence when the page is in English. */
export function fieldProblemText(code: string | undefined, english: string | undefined, field = ''): string {
  if (currentLang() === 'en' && english) return english;
  const n = numberIn(english);
  if (code === 'matches') {
    const base = field.replace(/\[\d+\]/g, '').split('.').pop();
    if (base === 'slug') return t('problem.slugFormat');
    if (base === 'code') return t('problem.codeFormat');
    if (base === 'occurredOn') return t('problem.date');
  }
  switch (code) {
    case 'isLength':
      if (/longer than/.test(english ?? '')) return t('problem.minChars', { n });
      if (/shorter than/.test(english ?? '')) return t('problem.maxChars', { n });
      return t('problem.length');
    case 'minLength':
      return t('problem.minChars', { n });
    case 'maxLength':
      return t('problem.maxChars', { n });
    case 'isNotEmpty':
      return t('problem.required');
    case 'isEmail':
      return t('problem.email');
    case 'isUrl':
      return t('problem.url');
    case 'matches':
      return t('problem.format');
    case 'isIn':
    case 'isEnum':
      return t('problem.choice');
    case 'isUuid':
    case 'isUUID':
      return t('problem.choice');
    case 'isInt':
      return t('problem.integer');
    case 'min':
      return t('problem.min', { n });
    case 'max':
      return t('problem.max', { n });
    case 'arrayMinSize':
      return t('problem.arrayMin', { n });
    case 'arrayMaxSize':
      return t('problem.arrayMax', { n });
    case 'isDateString':
    case 'isIso8601':
    case 'isISO8601':
      return t('problem.date');
    case 'isTimeZone':
      return t('problem.timeZone');
    case 'wrongPassword':
      return t('problem.wrongPassword');
    case 'whitelistValidation':
      return t('problem.unknownField');
    default:
      return t('problem.invalid');
  }
}

/** Every problem of one field, worded for people. */
export function problemsForField(error: unknown, field: string): string[] {
  return fieldProblemsOf(error)
    .filter((d) => d.field === field || d.field.startsWith(`${field}[`) || d.field.startsWith(`${field}.`))
    .flatMap((d) => d.problems.map((p, i) => fieldProblemText(d.codes?.[i], p, d.field)));
}

/**
 * What to tell the user about a failed call, in the page's language. Every code the API answers
 * has its sentence in messages.ts; an unknown one gets a sentence by HTTP status, never the API's
 * English message on a French page. `shownFields`: the form shows these fields' problems next to
 * them, so they are not repeated here (one place per error).
 */
export function errorText(error: unknown, options: { shownFields?: string[] } = {}): string {
  if (!(error instanceof ApiError)) return t('error.unexpected');
  const details = (error.details ?? {}) as Record<string, unknown>;
  if (error.code === 'invalid_schedule_time') {
    const reason = String(details.reason ?? '');
    const key = `schedule.${reason}` as MessageKey;
    const when = typeof details.now === 'string' ? formatDateTime(details.now) : '';
    const text = t(key, { now: when });
    return text === key ? t('schedule.invalid_datetime') : text;
  }
  const shown = (f: FieldProblems) => (options.shownFields ?? []).some((name) => f.field === name || f.field.startsWith(`${name}[`) || f.field.startsWith(`${name}.`));
  const all = fieldProblemsOf(error);
  const fields = all.filter((f) => !shown(f));
  if (error.code === 'validation_failed' && all.length) {
    if (!fields.length) return t('error.seeFields');
    return `${t('error.fixFields')} ${fields.map((f) => `${fieldLabel(f.field)} : ${f.problems.map((p, i) => fieldProblemText(f.codes?.[i], p, f.field)).join(', ')}`).join(' ; ')}.`;
  }
  const reason = typeof details.reason === 'string' ? details.reason : '';
  if (!reason && typeof details.field === 'string' && (error.code === 'conflict' || error.code === 'validation_failed')) {
    return t(error.code === 'conflict' ? 'error.conflictField' : 'error.invalidField', { field: fieldLabel(details.field) });
  }
  if (reason) {
    const specific = `error.${error.code}.${reason}` as MessageKey;
    const text = t(specific);
    if (text !== specific) return text;
  }
  const known = `error.${error.code}` as MessageKey;
  const text = t(known);
  if (text !== known) return text;
  if (currentLang() === 'en' && error.message) return error.message;
  if (error.status >= 500) return t('error.unexpected');
  return t('error.refused', { code: error.code });
}

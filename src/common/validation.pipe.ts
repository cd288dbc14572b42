import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/**
 * Flattens class-validator errors into [{field, problems, codes}] with dotted paths: `problems`
 * are English sentences, `codes` the constraints' names (isLength, isEmail…) in the same order,
 * for clients that word them in their own language.
 */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): Array<{ field: string; problems: string[]; codes: string[] }> {
  return errors.flatMap((e) => {
    const field = parent ? (/^\d+$/.test(e.property) ? `${parent}[${e.property}]` : `${parent}.${e.property}`) : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints), codes: Object.keys(e.constraints) }] : [];
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}

/** Strict input: unknown fields and wrong types are refused with every problem listed. */
export function apiValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flattenValidationErrors(errors);
      const message = details.map((d) => `${d.field}: ${d.problems.join(', ')}`).join('; ');
      return new BadRequestException({ code: 'validation_failed', message: `Invalid request: ${message}`, details });
    },
  });
}

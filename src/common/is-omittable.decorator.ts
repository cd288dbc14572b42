import { ValidateIf } from 'class-validator';

/**
 * The field may be left out, but if it is sent it is validated, `null` included. class-validator's
 * `@IsOptional()` lets `null` through, which for a column that cannot be empty turned a PATCH
 * with `"name": null` into a database error (a 500). Use `@IsOptional()` only where `null`
 * means something (clear the track, remove the link).
 */
export const IsOmittable = () => ValidateIf((_object, value) => value !== undefined);

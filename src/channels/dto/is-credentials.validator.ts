import { ValidationOptions, registerDecorator } from 'class-validator';

/** A flat object of string or number values, at most 20 keys and 8 KB: what networks' tokens look like. */
export function IsCredentials(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCredentials',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'credentials must be a flat object of string or number values (at most 20 keys, 8 KB)', ...options },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length > 0 &&
            entries.length <= 20 &&
            JSON.stringify(value).length <= 8192 &&
            entries.every(([, v]) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))
          );
        },
      },
    });
}

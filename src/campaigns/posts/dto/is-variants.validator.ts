import { registerDecorator, ValidationOptions } from 'class-validator';
import { isNetwork, NETWORKS } from '../../../channels/network';

/** `{ network: text }` with known networks as keys and strings of at most 100,000 characters. */
export function IsVariants(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isVariants',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `variants must map networks (${NETWORKS.join(', ')}) to text`, ...options },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          return Object.entries(value).every(([k, v]) => isNetwork(k) && typeof v === 'string' && v.length <= 100_000);
        },
      },
    });
}

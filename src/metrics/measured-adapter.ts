import { NetworkAdapter } from '../channels/adapters/network-adapter';
import { MetricsService } from './metrics.service';

/** The adapter operations that reach a network; each call is counted by outcome and timed. */
const NETWORK_OPERATIONS = new Set<PropertyKey>(['publish', 'findPublished', 'readFollowers', 'readPostMetrics', 'refreshCredentials']);

/**
 * The adapter as the rest of Chorus sees it (AdapterRegistry hands out only these): the same
 * object, each network operation observed by MetricsService. A Proxy rather than a wrapper class,
 * so optional operations stay absent when the adapter lacks them, `instanceof` still works, and an
 * adapter's calls to its own methods are not counted twice.
 */
export function measured<A extends NetworkAdapter>(adapter: A, metrics: MetricsService): A {
  return new Proxy(adapter, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || !NETWORK_OPERATIONS.has(prop)) return value;
      const operation = String(prop);
      return (...args: unknown[]) => metrics.networkCall(target.network, operation, () => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
    },
  });
}

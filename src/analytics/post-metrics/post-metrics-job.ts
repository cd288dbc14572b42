/** Job of the post-metrics queue: ids only; the worker reloads the delivery and its channel. */
export const READ_POST_METRICS = 'read-post-metrics';
export interface ReadPostMetricsJob {
  deliveryId: string;
  /** The scheduled age this reading is for ('1h', '24h', …) or 'manual'. */
  age: string;
}

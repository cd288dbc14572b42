/**
 * Hook to the publishing pipeline: when deliveries become `approved`, ApprovalService hands
 * their ids to this (ApprovalsModule binds it to the pipeline's PublishScheduler). An interface
 * rather than the class keeps approvals testable alone; if enqueueing fails, the reconciler
 * still picks approved deliveries up on its next pass.
 */
export const PUBLISH_ENQUEUER = Symbol('PUBLISH_ENQUEUER');

export interface PublishEnqueuer {
  enqueue(deliveryIds: string[]): Promise<unknown>;
}

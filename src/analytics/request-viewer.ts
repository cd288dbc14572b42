import type { AuthenticatedUser } from '../auth/authenticated-user';
import { DomainError } from '../common/errors/domain-error';

/** Partner users act for their own partner only; reviewers never write. */
export function assertActsFor(user: AuthenticatedUser, partnerId: string): void {
  if (user.role === 'reviewer') throw new DomainError('forbidden', 'Reviewers read; they do not record.');
  if (user.role === 'partner' && user.partnerId !== partnerId) {
    throw new DomainError('forbidden', 'A partner user records figures for its own partner only.', { partnerId });
  }
}

/** May this user see the details (rows, notes) of figures recorded for this partner? */
export function seesDetailsOf(user: AuthenticatedUser, partnerId: string): boolean {
  return user.role !== 'partner' || user.partnerId === partnerId;
}

import type { Network } from '../../../channels/network';

/**
 * How a partner is named on a network, from one of its channels there. Facebook pages cannot be
 * tagged by text through the API (null: the partner's name is used); LinkedIn organisations use
 * LinkedIn's mention syntax; elsewhere the @handle. Shared by the API and the web composer.
 */
export function mentionOn(channel: { network: Network | string; handle: string; externalId: string }, partnerName: string): string | null {
  switch (channel.network) {
    case 'facebook':
      return null;
    case 'linkedin':
      return channel.externalId.startsWith('urn:li:organization:') ? `@[${partnerName}](${channel.externalId})` : null;
    default:
      return channel.handle.startsWith('@') ? channel.handle : `@${channel.handle}`;
  }
}

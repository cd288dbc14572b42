import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsOptional, IsString, IsUrl, Length, Max, Min } from 'class-validator';
import { ChannelCredentials } from '../adapters/network-adapter';
import { Network, NETWORKS } from '../network';
import { IsCredentials } from './is-credentials.validator';

export class CreateChannelDto {
  @ApiProperty({ enum: NETWORKS })
  @IsIn(NETWORKS, { message: `network must be one of ${NETWORKS.join(', ')}` })
  network!: Network;

  @ApiProperty({ example: '@petitscommerces', description: 'The handle people see; used to resolve {{partner:slug}} mentions.' })
  @IsString() @Length(1, 200)
  handle!: string;

  @ApiProperty({ example: '1234567890', description: 'The account id on the network (X user id, page id, IG user id, author URN, Mastodon account id, DID).' })
  @IsString() @Length(1, 300)
  externalId!: string;

  @ApiPropertyOptional({ example: 'https://mastodon.social', description: 'Required for Mastodon: the instance base URL.' })
  @IsOptional() @IsUrl({ require_protocol: true, protocols: ['http', 'https'], require_tld: false })
  instanceUrl?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @Length(1, 200)
  displayName?: string;

  @ApiPropertyOptional({ description: 'Write-only. Encrypted at rest; never returned.', type: 'object', additionalProperties: true })
  @IsOptional() @IsObject() @IsCredentials()
  credentials?: ChannelCredentials;

  @ApiPropertyOptional({ description: 'Per-instance text limit (Mastodon instances set their own).' })
  @IsOptional() @IsInt() @Min(1) @Max(100000)
  maxCharacters?: number;
}

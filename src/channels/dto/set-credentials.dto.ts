import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';
import { ChannelCredentials } from '../adapters/network-adapter';
import { IsCredentials } from './is-credentials.validator';

export class SetCredentialsDto {
  @ApiProperty({ description: 'Write-only. Encrypted at rest; never returned.', type: 'object', additionalProperties: true })
  @IsObject() @IsCredentials()
  credentials!: ChannelCredentials;
}

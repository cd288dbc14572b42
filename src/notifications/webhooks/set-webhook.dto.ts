import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUrl, Length, MaxLength } from 'class-validator';

export class SetWebhookDto {
  @ApiProperty({ example: 'https://partner.example.org/chorus-hook', description: 'Public http(s) address; private and reserved addresses are refused.', maxLength: 2000 })
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }) @MaxLength(2000) url!: string;
  /** Shared secret for the HMAC-SHA256 signature header; write-only. */
  @ApiProperty({ description: 'Shared secret for the x-chorus-signature HMAC-SHA256 header; write-only.', minLength: 16, maxLength: 200 })
  @IsString() @Length(16, 200) secret!: string;
}

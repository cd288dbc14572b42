import { IsString, IsUrl, Length } from 'class-validator';

export class SetWebhookDto {
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }) url!: string;
  /** Shared secret for the HMAC-SHA256 signature header; write-only. */
  @IsString() @Length(16, 200) secret!: string;
}

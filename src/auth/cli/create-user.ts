import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { validate } from 'class-validator';
import { plainToInstance } from 'class-transformer';
import { AppModule } from '../../app.module';
import { AuthService } from '../auth.service';
import { CreateInviteDto } from '../dto/create-invite.dto';

const USAGE = `Usage: npm run user:create -- --role manager --email alice@example.org --name "Alice Martin" [--partner <partner id>] [--locale fr|en]

Creates the account without a password and prints a one-time link (valid 72 h) where its owner
chooses one. The link is also e-mailed when SMTP_URL is set. Use it for a new deployment's first
manager; afterwards managers invite people from the pages (Utilisateurs).`;

/** `npm run user:create`: an account and its invitation link, from the server's command line. */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      partner: { type: 'string' },
      locale: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help || !values.role || !values.email || !values.name) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const dto = plainToInstance(CreateInviteDto, { role: values.role, email: values.email, name: values.name, partnerId: values.partner, locale: values.locale });
  const problems = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (problems.length) {
    for (const p of problems) console.error(`--${p.property === 'partnerId' ? 'partner' : p.property}: ${Object.values(p.constraints ?? {}).join(', ')}`);
    return 2;
  }
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    const invite = await app.get(AuthService).inviteFromCommandLine(dto);
    const link = invite.inviteUrl.startsWith('/') ? `<PUBLIC_URL>${invite.inviteUrl}` : invite.inviteUrl;
    console.log(`Account created for ${dto.email} (${dto.role}).`);
    console.log(`Choose the password here before ${invite.expiresAt.toISOString()}${invite.mailed ? ' (also sent by e-mail)' : ''}:`);
    console.log(link);
    return 0;
  } catch (err) {
    console.error((err as Error).message);
    return 1;
  } finally {
    await app.close();
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(err);
  process.exit(1);
});

import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import Redis from 'ioredis';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ENV, Env } from '../config/env';
import { MailModule } from '../notifications/mail.module';
import { REDIS } from '../redis/redis.module';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { loginThrottlers, RedisThrottlerStorage } from './login-throttle';
import { deriveKey } from './secrets';
import { SessionStore } from './session.store';
import { TokenService } from './token.service';
import { UserAdminService } from './user-admin.service';
import { UserInvite } from './user-invite.entity';
import { User } from './user.entity';
import { UserService } from './user.service';
import { UsersController } from './users.controller';

/**
 * Users, login (bearer token + cookie session), invitations, and the global access guard that
 * makes every route deny by default. Global so any feature can inject UserService.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([User, UserInvite]),
    MailModule,
    JwtModule.registerAsync({
      inject: [ENV],
      useFactory: (env: Env) => ({ secret: deriveKey(env.CHORUS_SECRET_KEY, 'jwt'), signOptions: { algorithm: 'HS256' } }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [REDIS, ENV],
      useFactory: (redis: Redis, env: Env) => ({ throttlers: loginThrottlers(env.LOGIN_ATTEMPTS_PER_ACCOUNT, env.LOGIN_ATTEMPTS_PER_ADDRESS), storage: new RedisThrottlerStorage(redis) }),
    }),
  ],
  controllers: [AuthController, UsersController],
  providers: [
    UserService,
    UserAdminService,
    AuthService,
    SessionStore,
    TokenService,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [UserService, TokenService, JwtModule],
})
export class AuthModule {}

import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { SESSION_TTL_SECONDS } from './session.store';

/** Bearer tokens are short-lived; the cookie lives as long as the session. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const SESSION_COOKIE = 'chorus_session';

type TokenKind = 'access' | 'session';
interface Claims {
  sub: string;
  sid: string;
  typ: TokenKind;
}

@Injectable()
export class TokenService {
  constructor(private readonly jwt: JwtService) {}

  sign(kind: TokenKind, userId: string, sessionId: string): Promise<string> {
    const claims: Claims = { sub: userId, sid: sessionId, typ: kind };
    return this.jwt.signAsync(claims, { expiresIn: kind === 'access' ? ACCESS_TOKEN_TTL_SECONDS : SESSION_TTL_SECONDS });
  }

  /** The claims of a valid, unexpired token of that kind, else null. */
  async verify(kind: TokenKind, token: string): Promise<{ userId: string; sessionId: string } | null> {
    try {
      const claims = await this.jwt.verifyAsync<Claims>(token, { algorithms: ['HS256'] });
      if (claims.typ !== kind || typeof claims.sub !== 'string' || typeof claims.sid !== 'string') return null;
      return { userId: claims.sub, sessionId: claims.sid };
    } catch {
      return null;
    }
  }
}

import type { NextFunction, Request, Response } from 'express';
import { ERROR_CODES } from './errors/error-codes';

/**
 * Input PostgreSQL or our libraries cannot take, refused at the door with a 400 rather than
 * failing deep inside (a 500): JSON nested deeper than anyone needs (class-transformer recurses
 * per level), NUL characters (PostgreSQL text cannot hold them), lone UTF-16 surrogates (not
 * text at all; validators throw on them).
 */
export const MAX_JSON_DEPTH = 32;

export class BadInputError extends Error {
  constructor(
    readonly type: 'entity.too.deep' | 'entity.invalid.text',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a JSON text's bytes once, without parsing it: the deepest nesting of arrays and objects,
 * and whether a string escapes a NUL (\u0000) or a lone surrogate (\ud800 without its pair).
 * Raw NULs and raw surrogates cannot occur in valid UTF-8 JSON, so escapes are the only way in.
 */
export function scanJson(text: Buffer | string, stopAboveDepth = Infinity): { depth: number; unstorable: boolean } {
  const s = typeof text === 'string' ? Buffer.from(text) : text;
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === 0x5c) {
        if (s[i + 1] === 0x75) {
          const unit = hexUnit(s, i + 2);
          if (unit === 0 || (unit >= 0xdc00 && unit <= 0xdfff)) return { depth: max, unstorable: true };
          if (unit >= 0xd800 && unit <= 0xdbff) {
            const low = s[i + 6] === 0x5c && s[i + 7] === 0x75 ? hexUnit(s, i + 8) : -1;
            if (!(low >= 0xdc00 && low <= 0xdfff)) return { depth: max, unstorable: true };
            i += 6;
          }
          i += 5;
        } else i++; // any other escape: skip the escaped character
      } else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAboveDepth) return { depth: max, unstorable: false };
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return { depth: max, unstorable: false };
}

function hexUnit(s: Buffer, at: number): number {
  const text = s.toString('latin1', at, at + 4);
  return /^[0-9a-fA-F]{4}$/.test(text) ? parseInt(text, 16) : -1;
}

/** True when the text holds a NUL or a UTF-16 surrogate that is not part of a pair. */
export function hasUnstorableCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return true;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

/** body-parser `verify`: runs on the raw bytes before JSON.parse builds any object. */
export function verifyJsonBody(_req: unknown, _res: unknown, buf: Buffer): void {
  const scan = scanJson(buf, MAX_JSON_DEPTH);
  if (scan.depth > MAX_JSON_DEPTH) throw new BadInputError('entity.too.deep', `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  if (scan.unstorable) throw new BadInputError('entity.invalid.text', 'The JSON body holds a NUL character or a lone UTF-16 surrogate, which no text field accepts.');
}

/** The same rule for the address: a %00 or an undecodable escape in the path or the query is refused. */
export function rejectUnstorableUrl(req: Request, res: Response, next: NextFunction): void {
  let decoded: string;
  try {
    decoded = decodeURIComponent(req.url.replace(/\+/g, ' '));
  } catch {
    res.status(ERROR_CODES.validation_failed).json({ code: 'validation_failed', message: 'The address holds a malformed %-escape.', details: { where: 'url' } });
    return;
  }
  if (hasUnstorableCharacter(decoded)) {
    res.status(ERROR_CODES.validation_failed).json({ code: 'validation_failed', message: 'The address holds a NUL character or a lone UTF-16 surrogate.', details: { where: 'url' } });
    return;
  }
  next();
}

/** API answers may carry tokens or private data: no shared or browser cache keeps them unless a route says otherwise. */
export function noStoreByDefault(req: Request, res: Response, next: NextFunction): void {
  if (req.path.startsWith('/api/')) res.setHeader('Cache-Control', 'no-store');
  next();
}

import { hasUnstorableCharacter, scanJson } from './request-hygiene';

describe('scanJson', () => {
  it('measures nesting without counting brackets inside strings', () => {
    expect(scanJson('{"a":[1,{"b":"[[[{{{"}]}').depth).toBe(3);
    expect(scanJson('"just a string"').depth).toBe(0);
    const deep = '['.repeat(2000) + ']'.repeat(2000);
    expect(scanJson(deep, 32).depth).toBe(33);
  });

  it('finds escaped NULs and lone surrogates, and lets pairs and other escapes through', () => {
    expect(scanJson('{"a":"x\\u0000y"}').unstorable).toBe(true);
    expect(scanJson('{"a\\u0000":1}').unstorable).toBe(true);
    expect(scanJson('{"a":"\\ud800"}').unstorable).toBe(true);
    expect(scanJson('{"a":"\\udc00x"}').unstorable).toBe(true);
    expect(scanJson('{"a":"\\ud83d\\ude00 \\u00e9 \\\\u0000 \\n"}').unstorable).toBe(false);
  });
});

describe('hasUnstorableCharacter', () => {
  it('refuses NUL and unpaired surrogates only', () => {
    expect(hasUnstorableCharacter('a\u0000b')).toBe(true);
    expect(hasUnstorableCharacter('a\ud800b')).toBe(true);
    expect(hasUnstorableCharacter('\udc00')).toBe(true);
    expect(hasUnstorableCharacter('😀 é')).toBe(false);
  });
});

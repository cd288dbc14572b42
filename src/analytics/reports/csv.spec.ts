import { toCsv } from './csv';

describe('toCsv', () => {
  it('quotes, keeps full precision and defuses formulas', () => {
    expect(toCsv([['a,b', 'say "hi"', 1 / 3, -2, null, '=SUM(A1)', 'ok']])).toBe(
      `"a,b","say ""hi""",${String(1 / 3)},-2,,'=SUM(A1),ok\r\n`,
    );
  });
});

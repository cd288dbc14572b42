// The shared validation module counts UTF-8 bytes with Node's Buffer.byteLength; in the browser
// the same count comes from TextEncoder. Only that one function is provided.
const encoder = new TextEncoder();
const g = globalThis as unknown as { Buffer?: { byteLength: (s: string) => number } };
if (!g.Buffer) g.Buffer = { byteLength: (s: string) => encoder.encode(s).length };
export {};

/**
 * Image files for the emulators and tests: only their headers (format and size), no picture
 * data. The emulators read the format and size, as the networks' rules need, and never decode.
 */
export function headerOnlyJpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x01, 0x01, 0x11, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.from([0xff, 0xd9])]);
}

export function headerOnlyPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([8, 2, 0, 0, 0], 16);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);
}

/**
 * The image an emulator serves at /_emulator/image?w=1080&h=1350&format=jpeg|png (tests and
 * the demo point media URLs there).
 */
export function emulatorImage(query: URLSearchParams): { bytes: Buffer; contentType: string } {
  const w = Math.min(Math.max(Number(query.get('w') ?? 1080) || 1080, 1), 10_000);
  const h = Math.min(Math.max(Number(query.get('h') ?? 1080) || 1080, 1), 10_000);
  return query.get('format') === 'png' ? { bytes: headerOnlyPng(w, h), contentType: 'image/png' } : { bytes: headerOnlyJpeg(w, h), contentType: 'image/jpeg' };
}

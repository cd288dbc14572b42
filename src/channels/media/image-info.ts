/**
 * What an image file is and how large it is, read from its first bytes (no decoding). Enough
 * for the networks' format and proportion rules (Instagram takes JPEG only, 4:5 to 1.91:1).
 */
export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'heic' | 'unknown';

export interface ImageInfo {
  format: ImageFormat;
  /** Pixels, when the header says (JPEG and PNG). */
  width?: number;
  height?: number;
}

export function imageInfo(bytes: Buffer): ImageInfo {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { format: 'jpeg', ...jpegSize(bytes) };
  if (bytes.length >= 24 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return { format: 'png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  if (bytes.subarray(0, 4).toString('latin1') === 'GIF8') return { format: 'gif' };
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return { format: 'webp' };
  if (bytes.subarray(4, 8).toString('latin1') === 'ftyp' && /^(heic|heix|mif1|msf1|avif)$/.test(bytes.subarray(8, 12).toString('latin1'))) return { format: 'heic' };
  return { format: 'unknown' };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Walks the JPEG's segments to its frame header (SOF0–SOF15, except DHT, JPG and DAC), which holds the size. */
function jpegSize(bytes: Buffer): { width?: number; height?: number } {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return {};
    const marker = bytes[i + 1];
    if (marker === 0xff) {
      i += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    const length = bytes.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    }
    if (marker === 0xd9 || marker === 0xda) return {};
    i += 2 + length;
  }
  return {};
}

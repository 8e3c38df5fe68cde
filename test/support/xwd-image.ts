// Reads the screen Xvfb keeps in an XWD file (`Xvfb -fbdir DIR` → DIR/Xvfb_screen0) and
// writes it as PNG, so a test can look at what the desktop app drew without installing
// anything. Handles the 24/32-bit TrueColor layout Xvfb uses.
import { deflateSync } from 'node:zlib';

export interface Rgb {
  width: number;
  height: number;
  /** width * height * 3 bytes. */
  pixels: Buffer;
}

export function readXwd(file: Buffer): Rgb {
  // The header is 25 CARD32s, big-endian by convention; accept either order.
  const be = file.readUInt32BE(4) === 7;
  const u32 = (i: number) => (be ? file.readUInt32BE(i * 4) : file.readUInt32LE(i * 4));
  if (u32(1) !== 7) throw new Error('not an XWD file (version 7)');
  const headerSize = u32(0);
  const width = u32(4);
  const height = u32(5);
  const lsbFirst = u32(7) === 0;
  const bitsPerPixel = u32(11);
  const bytesPerLine = u32(12);
  const [red, green, blue] = [u32(14), u32(15), u32(16)];
  const ncolors = u32(19);
  if (bitsPerPixel !== 32) throw new Error(`unsupported XWD layout: ${bitsPerPixel} bits per pixel`);
  const start = headerSize + ncolors * 12;
  const shift = (mask: number) => 31 - Math.clz32(mask & -mask);
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = start + y * bytesPerLine + x * 4;
      const v = lsbFirst ? file.readUInt32LE(at) : file.readUInt32BE(at);
      const o = (y * width + x) * 3;
      pixels[o] = (v & red) >>> shift(red);
      pixels[o + 1] = (v & green) >>> shift(green);
      pixels[o + 2] = (v & blue) >>> shift(blue);
    }
  }
  return { width, height, pixels };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export function toPng(image: Rgb): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(image.width, 0);
  ihdr.writeUInt32BE(image.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Buffer.alloc((image.width * 3 + 1) * image.height);
  for (let y = 0; y < image.height; y++) {
    image.pixels.copy(rows, y * (image.width * 3 + 1) + 1, y * image.width * 3, (y + 1) * image.width * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** How much of the image is not black, and how many distinct colours it has. */
export function describe(image: Rgb): { drawnFraction: number; colours: number } {
  let drawn = 0;
  const colours = new Set<number>();
  for (let i = 0; i < image.pixels.length; i += 3) {
    const v = (image.pixels[i]! << 16) | (image.pixels[i + 1]! << 8) | image.pixels[i + 2]!;
    if (v !== 0) drawn++;
    if (colours.size < 10_000) colours.add(v);
  }
  return { drawnFraction: drawn / (image.width * image.height), colours: colours.size };
}

const BLOCK = 512;

/**
 * A POSIX ustar archive holding one regular file, so that the layers and charts the emulator makes unpack
 * with real tools. Times and owners are zero, so the same input always gives the same bytes (and digest).
 */
export function singleFileTar(path: string, content: Buffer): Buffer {
  if (Buffer.byteLength(path) > 100) throw new Error(`tar: path "${path}" is longer than 100 bytes`);
  const header = Buffer.alloc(BLOCK);
  const field = (offset: number, value: string) => header.write(value, offset, 'ascii');
  field(0, path);
  field(100, '0000644\0');
  field(108, '0000000\0');
  field(116, '0000000\0');
  field(124, `${content.length.toString(8).padStart(11, '0')}\0`);
  field(136, '00000000000\0');
  field(148, ' '.repeat(8));
  field(156, '0');
  field(257, 'ustar\0');
  field(263, '00');
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  field(148, `${checksum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK);
  return Buffer.concat([header, content, padding, Buffer.alloc(2 * BLOCK)]);
}

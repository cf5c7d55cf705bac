import { RuntimeError } from '@flambeau/tensor';
import { maskedCrc32c } from './crc32c.js';

/**
 * Frames one TFRecord: u64 little-endian length, masked CRC-32C of those 8 bytes, the data, masked
 * CRC-32C of the data.
 */
export function encodeRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** Error for a TFRecord stream whose framing or checksums do not match. */
export class RecordError extends RuntimeError {
  override name = 'RecordError';
}

/**
 * Splits a TFRecord stream into its records, checking both CRCs of each; throws `RecordError`
 * naming the byte offset of the first bad record.
 */
export function decodeRecords(bytes: Uint8Array, name = '<buffer>'): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (bytes.length - pos < 12) throw new RecordError(`${name}: truncated record header at byte offset ${pos}`);
    const len = Number(view.getBigUint64(pos, true));
    if (view.getUint32(pos + 8, true) !== maskedCrc32c(bytes.subarray(pos, pos + 8))) {
      throw new RecordError(`${name}: length CRC mismatch at byte offset ${pos}`);
    }
    if (bytes.length - pos < 16 + len) throw new RecordError(`${name}: truncated record at byte offset ${pos} (needs ${16 + len} bytes)`);
    const data = bytes.subarray(pos + 12, pos + 12 + len);
    if (view.getUint32(pos + 12 + len, true) !== maskedCrc32c(data)) {
      throw new RecordError(`${name}: data CRC mismatch in the record at byte offset ${pos}`);
    }
    records.push(data);
    pos += 16 + len;
  }
  return records;
}

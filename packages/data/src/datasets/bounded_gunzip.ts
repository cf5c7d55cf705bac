import { constants, gunzipSync } from 'node:zlib';
import { RuntimeError } from '@flambeau/tensor';

/**
 * Gzip inflation that never produces more than the caller expects: a 1 MB `.gz` can inflate to
 * 1 GB, so a format's header is read from a small inflated prefix first and the whole stream is
 * then inflated with a hard output bound derived from that header.
 */

/** deflate's best case is about 1032:1, so more output than this from `n` input bytes is impossible. */
export const MAX_DEFLATE_RATIO = 1032;

/** The first `want` (or more) inflated bytes, inflating only a growing compressed prefix. */
export function gunzipHead(gz: Uint8Array, want: number, name: string): Uint8Array {
  for (let take = 1024; ; take *= 4) {
    const part = gz.subarray(0, Math.min(take, gz.byteLength));
    const whole = part.byteLength === gz.byteLength;
    let out: Uint8Array;
    try {
      // SYNC_FLUSH: return what this prefix decodes to instead of failing on the missing end.
      out = gunzipSync(part, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: Math.max(want, part.byteLength * MAX_DEFLATE_RATIO) });
    } catch (e) {
      throw new RuntimeError(`${name}: corrupt gzip data (${(e as Error).message})`);
    }
    if (out.byteLength >= want || whole) return out;
  }
}

/** The whole stream inflated, refusing (before allocating it) any output beyond `limit` bytes. */
export function gunzipAtMost(gz: Uint8Array, limit: number, name: string, what: string): Uint8Array {
  try {
    return gunzipSync(gz, { maxOutputLength: limit });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new RuntimeError(`${name}: gzip data inflates to more than the ${limit} bytes ${what}; refusing to inflate further (a corrupt file or a decompression bomb)`);
    }
    throw new RuntimeError(`${name}: corrupt gzip data (${(e as Error).message})`);
  }
}

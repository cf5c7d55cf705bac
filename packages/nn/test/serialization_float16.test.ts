import { describe, expect, it } from 'vitest';
import * as torch from '@flambeau/tensor';
import * as nn from '../src/index.js';

describe('float16 tensors in safetensors', () => {
  it('are written as F16 words (1 → 0x3c00, -2 → 0xc000, 65504 → 0x7bff) and read back as float32 values', () => {
    const bytes = nn.serialize({ w: torch.tensor([1, -2, 65504, 0.1], { device: 'cpu' }).half() });
    const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen))) as Record<string, { dtype: string; data_offsets: number[] }>;
    expect(header.w.dtype).toBe('F16');
    expect(header.w.data_offsets).toEqual([0, 8]);
    const data = bytes.slice(8 + headerLen);
    expect(Array.from(new Uint16Array(data.buffer, 0, 4))).toEqual([0x3c00, 0xc000, 0x7bff, 0x2e66]);
    const back = nn.deserialize(bytes).w;
    expect(Array.from(back.dataSync())).toEqual([1, -2, 65504, 0.0999755859375]);
  });
});

import { randomBytes } from 'node:crypto';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { create, toBinary } from '@bufbuild/protobuf';
import { type ModelProto, ModelProtoSchema, StringStringEntryProtoSchema, TensorProto_DataLocation } from 'onnx-buf';

/** A protobuf message may not exceed 2 GB (what every ONNX reader enforces). */
export const PROTOBUF_LIMIT = 2 ** 31 - 1;
// Initializers smaller than this stay inline even in a model with external data (onnx's default).
const INLINE_BELOW = 1024;

/** Bytes the initializers hold inline. */
export function initializerBytes(model: ModelProto): number {
  return (model.graph?.initializer ?? []).reduce((n, t) => n + t.rawData.length, 0);
}

/** Writes `bytes` to `path` through a temp file and a rename: the path holds all or nothing. */
function writeAtomic(path: string, parts: readonly Uint8Array[]): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, Buffer.concat(parts));
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* never created */ }
    throw e;
  }
}

/**
 * Writes an ONNX model to `path` atomically. A model whose initializers pass `limit` (2 GB) keeps
 * the large ones in `<file>.data` next to it, as ONNX's external data spec lays out (`location`,
 * `offset`, `length`); that file is written first, and removed again if the model cannot be.
 */
export function writeModel(model: ModelProto, path: string, limit = PROTOBUF_LIMIT): void {
  if (initializerBytes(model) <= limit) {
    writeAtomic(path, [toBinary(ModelProtoSchema, model)]);
    return;
  }
  const location = `${basename(path)}.data`;
  const dataPath = `${path}.data`;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const t of model.graph!.initializer) {
    if (t.rawData.length < INLINE_BELOW) continue;
    // Offsets aligned to 4 KiB let readers map the file page by page.
    const pad = (4096 - (offset % 4096)) % 4096;
    if (pad) chunks.push(new Uint8Array(pad));
    offset += pad;
    chunks.push(t.rawData);
    t.externalData = [
      create(StringStringEntryProtoSchema, { key: 'location', value: location }),
      create(StringStringEntryProtoSchema, { key: 'offset', value: String(offset) }),
      create(StringStringEntryProtoSchema, { key: 'length', value: String(t.rawData.length) }),
    ];
    t.dataLocation = TensorProto_DataLocation.EXTERNAL;
    offset += t.rawData.length;
    t.rawData = new Uint8Array(0);
  }
  writeAtomic(dataPath, chunks);
  try {
    writeAtomic(path, [toBinary(ModelProtoSchema, model)]);
  } catch (e) {
    unlinkSync(dataPath);
    throw e;
  }
}

import { readFileSync } from 'node:fs';
import { fromBinary } from '@bufbuild/protobuf';
import { EventSchema, type Event } from './proto.js';
import { decodeRecords } from './records.js';

/**
 * Reads every event of a TensorBoard event file, checking each record's CRCs (a truncated or
 * corrupt file throws `RecordError` with the byte offset).
 *
 * @example for (const e of readEvents(writer.path)) if (e.what.case === 'summary') ...
 */
export function readEvents(path: string): Event[] {
  return decodeRecords(readFileSync(path), path).map((r) => fromBinary(EventSchema, r) as unknown as Event);
}

/** The scalar series of an event file: tag → `[step, value]` pairs in file order. */
export function readScalars(path: string): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  for (const e of readEvents(path)) {
    if (e.what.case !== 'summary') continue;
    for (const v of e.what.value.value) {
      if (v.value.case !== 'simpleValue') continue;
      if (!out.has(v.tag)) out.set(v.tag, []);
      out.get(v.tag)!.push([Number(e.step), v.value.value]);
    }
  }
  return out;
}

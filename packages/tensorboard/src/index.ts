/**
 * `@flambeau/tensorboard` — PyTorch's `torch.utils.tensorboard`: a `SummaryWriter` that writes
 * TensorBoard event files (TFRecord framing with masked CRC-32C, Event/Summary protobuf), and a
 * reader for them.
 *
 * @example
 * import { SummaryWriter } from '@flambeau/tensorboard';
 * const writer = new SummaryWriter('runs/exp');
 * writer.addScalar('loss', 0.5, 1);
 * writer.close();
 *
 * @module @flambeau/tensorboard
 */
export { SummaryWriter, type SummaryWriterOptions } from './summary_writer.js';
export { readEvents, readScalars } from './event_reader.js';
export { crc32c, maskedCrc32c } from './crc32c.js';
export { encodeRecord, decodeRecords, RecordError } from './records.js';
export { histogram, type Bins } from './histogram.js';
export { EventSchema, SummarySchema, HistogramProtoSchema, type Event, type Summary, type SummaryValue, type SummaryImage, type HistogramProto } from './proto.js';

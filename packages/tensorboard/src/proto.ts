/**
 * TensorBoard's Event and Summary messages (tensorboard/compat/proto/event.proto and summary.proto,
 * package `tensorboard`), declared here as a descriptor and loaded into a @bufbuild/protobuf registry
 * at runtime: no code generation step. Only the fields the writer and reader use are declared; the
 * field numbers are TensorBoard's, so the bytes are what TensorBoard reads.
 */
import { create, createFileRegistry, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FieldDescriptorProto_Type as T, FieldDescriptorProto_Label as L } from '@bufbuild/protobuf/wkt';

interface FieldSpec { name: string; number: number; type: T; typeName?: string; repeated?: boolean; oneofIndex?: number }

const f = (name: string, number: number, type: T, extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, number, type, ...extra });
const msg = (name: string, fields: FieldSpec[], more: { nested?: object[]; oneofs?: string[] } = {}) => ({
  name,
  field: fields.map(({ repeated, typeName, oneofIndex, ...rest }) => ({
    ...rest,
    label: repeated ? L.REPEATED : L.OPTIONAL,
    ...(typeName ? { typeName } : {}),
    ...(oneofIndex !== undefined ? { oneofIndex } : {}),
  })),
  nestedType: more.nested ?? [],
  oneofDecl: (more.oneofs ?? []).map((n) => ({ name: n })),
});

const file = create(FileDescriptorProtoSchema, {
  name: 'flambeau/tensorboard.proto',
  package: 'tensorboard',
  syntax: 'proto3',
  messageType: [
    msg('HistogramProto', [
      f('min', 1, T.DOUBLE), f('max', 2, T.DOUBLE), f('num', 3, T.DOUBLE), f('sum', 4, T.DOUBLE), f('sum_squares', 5, T.DOUBLE),
      f('bucket_limit', 6, T.DOUBLE, { repeated: true }), f('bucket', 7, T.DOUBLE, { repeated: true }),
    ]),
    msg('SummaryMetadata', [
      f('plugin_data', 1, T.MESSAGE, { typeName: '.tensorboard.SummaryMetadata.PluginData' }),
      f('display_name', 2, T.STRING), f('summary_description', 3, T.STRING),
    ], { nested: [msg('PluginData', [f('plugin_name', 1, T.STRING), f('content', 2, T.BYTES)])] }),
    msg('Summary', [f('value', 1, T.MESSAGE, { typeName: '.tensorboard.Summary.Value', repeated: true })], {
      nested: [
        msg('Image', [f('height', 1, T.INT32), f('width', 2, T.INT32), f('colorspace', 3, T.INT32), f('encoded_image_string', 4, T.BYTES)]),
        msg('Value', [
          f('tag', 1, T.STRING),
          f('simple_value', 2, T.FLOAT, { oneofIndex: 0 }),
          f('image', 4, T.MESSAGE, { typeName: '.tensorboard.Summary.Image', oneofIndex: 0 }),
          f('histo', 5, T.MESSAGE, { typeName: '.tensorboard.HistogramProto', oneofIndex: 0 }),
          f('node_name', 7, T.STRING),
          f('metadata', 9, T.MESSAGE, { typeName: '.tensorboard.SummaryMetadata' }),
        ], { oneofs: ['value'] }),
      ],
    }),
    msg('Event', [
      f('wall_time', 1, T.DOUBLE), f('step', 2, T.INT64),
      f('file_version', 3, T.STRING, { oneofIndex: 0 }),
      f('graph_def', 4, T.BYTES, { oneofIndex: 0 }),
      f('summary', 5, T.MESSAGE, { typeName: '.tensorboard.Summary', oneofIndex: 0 }),
    ], { oneofs: ['what'] }),
  ],
});

const registry = createFileRegistry(file, () => undefined);
const get = (name: string): DescMessage => registry.getMessage(`tensorboard.${name}`)!;

/** Descriptors of the messages, for `create` / `toBinary` / `fromBinary` of @bufbuild/protobuf. */
export const EventSchema = get('Event');
export const SummarySchema = get('Summary');
export const HistogramProtoSchema = get('HistogramProto');

/** The decoded shape of an `Event` (the fields declared above). */
export interface Event {
  wallTime: number;
  step: bigint;
  what:
    | { case: 'fileVersion'; value: string }
    | { case: 'graphDef'; value: Uint8Array }
    | { case: 'summary'; value: Summary }
    | { case: undefined; value?: undefined };
}
export interface Summary { value: SummaryValue[] }
export interface SummaryValue {
  tag: string;
  nodeName: string;
  metadata?: { pluginData?: { pluginName: string; content: Uint8Array }; displayName: string; summaryDescription: string };
  value:
    | { case: 'simpleValue'; value: number }
    | { case: 'image'; value: SummaryImage }
    | { case: 'histo'; value: HistogramProto }
    | { case: undefined; value?: undefined };
}
export interface SummaryImage { height: number; width: number; colorspace: number; encodedImageString: Uint8Array }
export interface HistogramProto { min: number; max: number; num: number; sum: number; sumSquares: number; bucketLimit: number[]; bucket: number[] }

/**
 * Public face of the protobuf request-body decoder. The API server calls
 * `decodeProtobufObject(body)` when a request has Content-Type
 * `application/vnd.kubernetes.protobuf`; on `{ ok: false }` it answers 415 with the message.
 */
export { decodeProtobufObject, protobufMediaType, type DecodeResult } from './decode.js';
export { bodyKinds as protobufBodyKinds } from './registry.js';

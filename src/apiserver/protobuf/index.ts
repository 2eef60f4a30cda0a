/**
 * Public face of the protobuf request-body decoder. For a request with Content-Type
 * `application/vnd.kubernetes.protobuf` the API server calls either
 * - `decodeProtobufBody(raw)`: the object as JSON, or throws ApiError 415 (kind not supported)
 *   or 400 (broken bytes); or
 * - `decodeProtobufObject(raw)`: the same as a result value, never throwing.
 */
export { decodeProtobufObject, protobufMediaType, type DecodeFailure, type DecodeResult } from './decode.js';
export { decodeProtobufBody } from './request-body.js';
export { bodyKinds as protobufBodyKinds } from './registry.js';

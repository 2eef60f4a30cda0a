/**
 * The decoder in the shape the API server's body reader wants: the object, or an ApiError
 * (415 for a kind we cannot decode, 400 for broken bytes) that the HTTP edge turns into a Status.
 */
import { ApiError } from '../../machinery/errors.js';
import { decodeProtobufObject } from './decode.js';

export function decodeProtobufBody(raw: Buffer): Record<string, unknown> {
  const result = decodeProtobufObject(raw);
  if (result.ok) return result.object;
  if (result.failure === 'unsupported') {
    throw new ApiError(415, 'UnsupportedMediaType', result.message, { causes: [{ reason: 'UnsupportedMediaType', message: result.message }] });
  }
  throw new ApiError(400, 'BadRequest', `the body of the request could not be decoded: ${result.message}`);
}

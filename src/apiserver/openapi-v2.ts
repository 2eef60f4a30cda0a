/**
 * /openapi/v2: a Swagger 2.0 document with no definitions, as JSON or as the protobuf
 * encoding of gnostic's OpenAPIv2 Document that kubectl asks for.
 *
 * Why without definitions: kubectl 1.32 validates a `kind: List` manifest on the client
 * against v2 (everything else is validated by the server through fieldValidation). A type
 * missing from the document is one kubectl does not check itself, so each item of the List
 * is then checked by the server, field by field, like any other object. Serving the full v2
 * schemas would duplicate /openapi/v3 for that one path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import protobuf from 'protobufjs';

const title = 'skiff';
const version = 'v1.32.0';

/** Document{swagger=1: "2.0", info=2: Info{title=1, version=2}} in protobuf wire format. */
function protobufDocument(): Uint8Array {
  const info = protobuf.Writer.create().uint32((1 << 3) | 2).string(title).uint32((2 << 3) | 2).string(version).finish();
  return protobuf.Writer.create().uint32((1 << 3) | 2).string('2.0').uint32((2 << 3) | 2).bytes(info).finish();
}

const protobufBody = Buffer.from(protobufDocument());
const jsonBody = JSON.stringify({ swagger: '2.0', info: { title, version }, paths: {}, definitions: {} });

export function serveOpenApiV2(req: IncomingMessage, res: ServerResponse): void {
  const wantsProtobuf = (req.headers.accept ?? '').includes('application/com.github.proto-openapi.spec.v2');
  const body = wantsProtobuf ? protobufBody : Buffer.from(jsonBody);
  res.writeHead(200, {
    'Content-Type': wantsProtobuf ? 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' : 'application/json',
    'Content-Length': body.length,
    'Cache-Control': 'no-cache, private',
  });
  res.end(body);
}

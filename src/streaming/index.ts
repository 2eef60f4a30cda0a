/**
 * Streaming protocols for kubectl's long-lived connections: a SPDY/3.1 framer and session,
 * and the portforward.k8s.io server on top of it (WebSocket-tunnelled or plain SPDY).
 */
export { servePortForward, type PortForwardOptions, type PortForwardSession } from './portforward/server.js';
export { upgradePortForward, portForwardUpgradeHandler, PORT_FORWARD_PROTOCOL, PORT_FORWARD_WEBSOCKET_PROTOCOL } from './portforward/upgrade.js';
export { SpdySession, type SpdySessionOptions } from './spdy/session.js';
export { SpdyStream } from './spdy/stream.js';
export { spdy3Dictionary } from './spdy/dictionary.js';
export { encodeFrame, FrameReader, FLAG_FIN, FLAG_UNIDIRECTIONAL, RstStatus, GoAwayStatus, SpdyProtocolError, type Frame } from './spdy/frames.js';
export { encodeHeaderBlock, decodeHeaderBlock, headerValue, HeaderDeflater, HeaderInflater, type SpdyHeaders } from './spdy/header-block.js';

/**
 * The agent's streaming endpoint (kubelet's :10250): pods/{log,exec,attach,portforward} for
 * the API server to proxy to, over HTTPS with the API server's client certificate.
 */
export { startAgentStreaming, parseStreamingPort, streamingEndpointAnnotation, streamingCertAnnotation, defaultStreamingPort, type AgentStreaming, type AgentStreamingOptions } from './agent-streaming.js';
export { startStreamingServer, type StreamingServer, type StreamingServerOptions, type StreamingHandlers } from './streaming-server.js';
export { selfSignedServingCert, isApiServerClient, apiServerClientName, type ServingCert } from './serving-cert.js';

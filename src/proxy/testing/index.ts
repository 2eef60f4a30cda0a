/** Test helpers for network tests: throwaway nodes made of network namespaces. */
export { TestNode, waitForHttp, httpGet } from './netns.js';
export type { PodSpec, TestNodeOptions, RunResult } from './netns.js';

/** The HorizontalPodAutoscaler controller, its replica calculator and metrics source. */
export { HpaController } from './controller.js';
export type { HpaOptions } from './controller.js';
export { replicasForMetric, normalize, Recommendations } from './calculator.js';
export { simulatedUsageAnnotation } from './metrics.js';
export { PodMetricsSource } from './metrics-source.js';

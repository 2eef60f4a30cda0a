/** The autoscaling resources (v2 is the served version). */
export { horizontalpodautoscalers, formatHPAMetrics } from './hpa.js';

/** The batch/v1 resources. */
export { jobs, generateJobSelector, jobStatusWord } from './job.js';
export { cronjobs, cronScheduleProblem } from './cronjob.js';

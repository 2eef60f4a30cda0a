/** The CronJob controller and its schedule parser. */
export { CronJobController, scheduledTimestampAnnotation } from './controller.js';
export type { CronJob } from './controller.js';
export { parseSchedule, mostRecentMissed } from './schedule.js';
export type { Schedule } from './schedule.js';

// The benchmark's own workflow bundle entry (never part of the service's workflows/ bundle).
export { benchReminder, benchTimer } from './reminders.js';

export { WeeklyBars, describeWeeks, formatWeek } from './WeeklyBars';
export type { Bar, BarPart, WeekBars } from './WeeklyBars';

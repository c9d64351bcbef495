// Pure vocabulary types shared by workflows, activities and the API. No runtime code with I/O.

export type Locale = 'zh-CN' | 'en';
export interface Localized {
  zh: string;
  en: string;
}

export const STAGES = ['guide', 'support', 'supervise'] as const;
export type Stage = (typeof STAGES)[number];

export const MAIN_TASKS = ['post_building', 'talent_training', 'resource_linkage', 'professional_services'] as const;
export type MainTask = (typeof MAIN_TASKS)[number];

/**
 * The operating pattern the street aims for, named in the source report: a complete system, sound
 * rules, clear duties, standard operation, professional and efficient (完善体系、健全制度、明确职责、
 * 规范运行、专业高效; the English is back-translated). The supervise stage's evaluation may score a
 * station on these five qualities beside the four main tasks.
 */
export const STATION_QUALITIES = ['complete_system', 'sound_rules', 'clear_duties', 'standard_operation', 'professional_efficient'] as const;
export type StationQuality = (typeof STATION_QUALITIES)[number];

export const ROLES = ['admin', 'supervisor', 'station_lead', 'social_worker', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const CHANNELS = ['inbox', 'email', 'wecom'] as const;
export type Channel = (typeof CHANNELS)[number];

export const MILESTONES = ['site', 'staffing', 'fit_out', 'opening'] as const;
export type Milestone = (typeof MILESTONES)[number];

export const ATTENDANCE_STATUSES = ['present', 'late', 'excused', 'absent'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

export const THEME_KEYS = ['elderly', 'youth', 'community_governance', 'disabled', 'poverty_relief'] as const;
export type ThemeKey = (typeof THEME_KEYS)[number];

/** Throws at compile time when a switch misses a member of a union. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}

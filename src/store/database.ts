import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

// Column helpers: timestamps come back as Date and go in as Date or ISO string; jsonb columns
// hold plain JSON values.
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DateOnly = ColumnType<string, string, string>;
type Json<T> = ColumnType<T, string | T, string | T>;
type Numeric = ColumnType<number, number | string, number | string>;

export type OrgUnitKind = 'city' | 'district' | 'street' | 'community';
export type StationStatus = 'rollout' | 'operating' | 'closed';
export type Position = 'social_worker' | 'station_lead' | 'center_supervisor' | 'leadership' | 'trainer' | 'admin';
export type Locale = 'zh-CN' | 'en';
export type Channel = 'inbox' | 'email' | 'wecom';
export type Role = 'admin' | 'supervisor' | 'station_lead' | 'social_worker' | 'viewer';
export type StageName = 'guide' | 'support' | 'supervise';

export interface OrgUnitTable {
  id: string;
  parent_id: string | null;
  kind: OrgUnitKind;
  name_zh: string;
  name_en: string;
  created_at: DefaultTimestamp;
}

export interface CenterTable {
  id: string;
  street_id: string;
  name_zh: string;
  name_en: string;
  created_at: DefaultTimestamp;
}

export interface CommunityTable {
  id: string;
  street_id: string;
  name_zh: string;
  name_en: string;
  is_placeholder: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface StationTable {
  id: string;
  community_id: string;
  name_zh: string;
  name_en: string;
  status: StationStatus;
  opened_on: DateOnly | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface WorkerTable {
  id: string;
  org_unit_id: string;
  community_id: string | null;
  name: string;
  position: Position;
  email: string | null;
  phone: string | null;
  locale: Generated<Locale>;
  channels: ColumnType<Channel[], Channel[] | undefined, Channel[]>;
  wecom_webhook_url: string | null;
  active: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface DimensionTable {
  key: string;
  name_zh: string;
  name_en: string;
  sort_order: number;
}

export interface LevelTable {
  dimension_key: string;
  level: number;
  name_zh: string;
  name_en: string;
}

export interface WorkerLevelTable {
  worker_id: string;
  dimension_key: string;
  level: number;
  passed_at: DefaultTimestamp;
  cycle_id: string | null;
}

export interface ThemeTable {
  key: string;
  name_zh: string;
  name_en: string;
  sort_order: number;
}

export interface TrainingCycleTable {
  id: string;
  org_unit_id: string;
  name: string;
  status: 'running' | 'completed' | 'cancelled';
  definition: Json<unknown>;
  report: Json<unknown> | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  ended_at: Timestamp | null;
  cancel_reason: string | null;
  // 0004_training
  cancelled_by: string | null;
}

export interface SessionTable {
  id: string;
  cycle_id: string;
  dimension_key: string;
  level: number;
  starts_at: Timestamp;
  ends_at: Timestamp;
  place: string;
  trainer: string;
  capacity: number;
  status: Generated<'scheduled' | 'moved' | 'cancelled' | 'held'>;
  // 0004_training
  changed_at: Timestamp | null;
  change_reason: string | null;
}

export interface EnrolmentTable {
  cycle_id: string;
  worker_id: string;
  status: 'enrolled' | 'withdrawn' | 'completed' | 'cancelled';
  coaching_flag: string | null;
  enrolled_at: DefaultTimestamp;
  withdrawn_at: Timestamp | null;
  // 0004_training
  plan: ColumnType<string[], string | undefined, string>;
  start_levels: ColumnType<Record<string, number>, string | undefined, string>;
  finished_at: Timestamp | null;
}

export interface AttendanceTable {
  session_id: string;
  worker_id: string;
  status: 'present' | 'late' | 'excused' | 'absent';
  recorded_by: string;
  recorded_at: DefaultTimestamp;
}

export interface AssessmentTable {
  cycle_id: string;
  worker_id: string;
  dimension_key: string;
  level: number;
  attempt: number;
  score: Numeric;
  passed: boolean;
  assessor: string;
  assessed_at: DefaultTimestamp;
}

export interface PlanTemplateTable {
  id: string;
  version: number;
  name_zh: string;
  name_en: string;
  body: Json<unknown>;
  created_at: DefaultTimestamp;
  // 0152_manual_versions: each row is a published manual version.
  /** The org unit whose manual this is; null: the project's built-in one. */
  org_unit_id: string | null;
  provenance: ColumnType<'project_default' | 'edited', 'project_default' | 'edited' | undefined, 'project_default' | 'edited'>;
  published_by: ColumnType<string, string | undefined, string>;
  published_at: DefaultTimestamp;
  change_note: ColumnType<string, string | undefined, string>;
}

// 0152_manual_versions: a manual's one draft until it is published as the next version.
export interface PlanTemplateDraftTable {
  template_id: string;
  org_unit_id: string | null;
  base_version: number;
  body: Json<unknown>;
  revision: ColumnType<number, number | undefined, number>;
  created_by: string;
  created_at: DefaultTimestamp;
  updated_by: string;
  updated_at: DefaultTimestamp;
}

export interface PlanTable {
  id: string;
  community_id: string;
  run_id: string | null;
  template_id: string;
  template_version: number;
  status: 'running' | 'paused' | 'completed' | 'cancelled';
  current_stage: StageName | null;
  started_on: DateOnly;
  evaluation: Json<unknown> | null;
  report: Json<unknown> | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  // 0003_station_plans
  workflow_id: string | null;
  revision: Generated<number>;
  started_by: string | null;
  station_lead_id: string | null;
  supervisor_id: string | null;
  paused_at: Timestamp | null;
  paused_total_ms: Generated<number>;
  cancelled_at: Timestamp | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
  completed_at: Timestamp | null;
}

export interface PlanStageTable {
  plan_id: string;
  stage: StageName;
  status: 'pending' | 'open' | 'awaiting_sign_off' | 'signed_off' | 'cancelled';
  started_at: Timestamp | null;
  signed_off_at: Timestamp | null;
  signed_off_by: string | null;
  comments: string | null;
  // 0003_station_plans
  sign_off_requested_at: Timestamp | null;
  send_backs: ColumnType<unknown, string | undefined, string>;
}

export interface PlanTaskTable {
  plan_id: string;
  task_id: string;
  stage: StageName;
  main_task: string | null;
  title_zh: string;
  title_en: string;
  required: boolean;
  due_at: Timestamp | null;
  status: 'pending' | 'open' | 'done' | 'cancelled';
  completed_at: Timestamp | null;
  completed_by: string | null;
  evidence: Json<unknown> | null;
  // 0003_station_plans
  source: Generated<'template' | 'follow_up'>;
  guidance: Json<unknown> | null;
  reopened: Generated<number>;
  sort_order: Generated<number>;
  // 0008_plan_task_escalations
  escalation_rounds: Generated<number>;
}

// 0003_station_plans
export interface PlanVisitTable {
  plan_id: string;
  visit_no: number;
  due_at: Timestamp | null;
  status: 'pending' | 'scheduled' | 'recorded' | 'missed' | 'cancelled';
  recorded_at: Timestamp | null;
  recorded_by: string | null;
  notes: string | null;
  follow_up_task_ids: ColumnType<unknown, string | undefined, string>;
}

export interface PlanEventTable {
  plan_id: string;
  seq: number;
  at: Timestamp;
  type: string;
  actor: string | null;
  detail: ColumnType<unknown, string | undefined, string>;
}

export interface RolloutTable {
  community_id: string;
  workflow_id: string;
  status: 'running' | 'opened' | 'cancelled';
  target_full_coverage: DateOnly | null;
  started_at: DefaultTimestamp;
  opened_at: Timestamp | null;
  /** The first run of the workflow that wrote the row (0005). */
  run_id: string | null;
  /** Set when the rollout is cancelled (0170). */
  cancelled_at: Timestamp | null;
  cancelled_by: string | null;
  cancel_reason: string | null;
}

export type MilestoneName = 'site' | 'staffing' | 'fit_out' | 'opening';

export interface RolloutMilestoneTable {
  community_id: string;
  milestone: MilestoneName;
  target_date: DateOnly;
  owner: string | null;
  status: 'pending' | 'done';
  completed_at: Timestamp | null;
  evidence: Json<unknown> | null;
  replans: Json<unknown[]>;
}

export interface VentureProjectTable {
  id: string;
  community_id: string;
  theme_key: string;
  title_zh: string;
  title_en: string;
  status: 'proposed' | 'approved' | 'running' | 'evaluated' | 'rejected';
  starts_on: DateOnly | null;
  ends_on: DateOnly | null;
  budget_yuan: Numeric | null;
  approved_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
  /** Who proposed it (0005). */
  proposed_by: string | null;
  /** The supervisor's evaluation once evaluated (0005). */
  evaluation: Json<unknown> | null;
  /** Default data: which of its facts are back-translated or assumed (0130). */
  provenance: Json<Record<string, string>> | null;
}

export type ServiceKind = 'casework' | 'group' | 'community';

export interface ServiceRecordTable {
  id: string;
  /** The venture project it served, if any (nullable since 0130). */
  project_id: string | null;
  served_on: DateOnly;
  residents_served: number;
  note: string | null;
  created_at: DefaultTimestamp;
  /** 0130: the station's community, kind, theme, title, workers and figures. */
  community_id: string;
  kind: ColumnType<ServiceKind, ServiceKind | undefined, ServiceKind>;
  theme_key: string;
  title_zh: string;
  title_en: string;
  worker_ids: ColumnType<string[], string | undefined, string>;
  new_residents: ColumnType<number, number | undefined, number>;
  volunteer_hours: ColumnType<number, number | string | undefined, number | string>;
  evidence: Json<{ note: string | null; links: string[] }> | null;
  /** `illustrative` for default-data rows whose split is not from the source. */
  provenance: string | null;
  recorded_by: string | null;
}

/** Posts (岗位建设), 0131. */
export interface PostTypeTable {
  key: string;
  name_zh: string;
  name_en: string;
  sort_order: ColumnType<number, number | undefined, number>;
}

export interface PostTable {
  id: string;
  community_id: string;
  post_type_key: string;
  required: number;
  note: string | null;
  is_example: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface StationBrandTable {
  community_id: string;
  name_zh: string;
  name_en: string;
  feature_zh: string;
  feature_en: string;
  created_by: string;
  created_at: DefaultTimestamp;
  updated_by: string;
  updated_at: DefaultTimestamp;
}

export interface StationBrandProjectTable {
  community_id: string;
  project_id: string;
  position: number;
}

export interface PostAssignmentTable {
  id: string;
  post_id: string;
  worker_id: string;
  from_date: DateOnly;
  to_date: DateOnly | null;
  is_example: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string;
  created_at: DefaultTimestamp;
}

/** Five-party linkage (五社联动), 0140. */
export type SocialOrganisationKind = 'social_group' | 'social_service_agency' | 'foundation' | 'community_based';
export type CharitableResourceKind = 'money' | 'goods' | 'venue' | 'service';

export interface SocialOrganisationTable {
  id: string;
  org_unit_id: string;
  name_zh: string;
  name_en: string;
  kind: SocialOrganisationKind;
  registration_number: string | null;
  contact: string | null;
  services: Json<string[]>;
  theme_keys: Json<string[]>;
  note: string | null;
  is_example: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface SocialOrganisationStationTable {
  organisation_id: string;
  community_id: string;
}

/** `name` and `phone` are personal data: read only by the audited routes. */
export interface VolunteerTable {
  id: string;
  community_id: string;
  name: string;
  phone: string | null;
  skills: Json<string[]>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  is_example: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface VolunteerHoursTable {
  id: string;
  volunteer_id: string;
  community_id: string;
  service_record_id: string | null;
  activity: string | null;
  served_on: DateOnly;
  hours: Numeric;
  is_example: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string;
  created_at: DefaultTimestamp;
}

export interface CharitableResourceTable {
  id: string;
  org_unit_id: string;
  project_id: string | null;
  organisation_id: string | null;
  donor: string;
  kind: CharitableResourceKind;
  amount: Numeric;
  unit: string;
  restrictions: string | null;
  received_on: DateOnly;
  note: string | null;
  is_example: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/** A casework record's case file: a resident's personal data (0130). */
export interface CaseFileTable {
  service_record_id: string;
  community_id: string;
  resident_name: string;
  gender: string | null;
  birth_year: number | null;
  phone: string | null;
  address: string | null;
  needs: string | null;
  plan: string | null;
  notes: string | null;
  updated_by: string;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface NotificationTable {
  id: string;
  idempotency_key: string;
  recipient_id: string;
  channel: Channel;
  kind: string;
  locale: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  payload: Json<unknown>;
  workflow_id: string | null;
  status: 'pending' | 'sending' | 'delivered' | 'failed' | 'skipped';
  attempts: Generated<number>;
  last_error: string | null;
  due_at: Timestamp | null;
  created_at: DefaultTimestamp;
  delivered_at: Timestamp | null;
  read_at: Timestamp | null;
  /** When delivery began (0002): a retry that finds 'sending' knows the message may be out. */
  sending_at: Timestamp | null;
  /** The channel's reference for a delivery: the SMTP Message-ID, the webhook's answer. */
  provider_ref: string | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: DefaultTimestamp;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  before: Json<unknown> | null;
  after: Json<unknown> | null;
  request_id: string | null;
  /** The acting token's id, or `user:<id>` for a dashboard user (migration 0110, scope area). */
  actor_id: string | null;
  /** The org unit the actor's role is scoped to; null for the system and unknown callers. */
  scope_id: string | null;
}

export interface ApiTokenTable {
  id: string;
  name: string;
  role: Role;
  scope_id: string;
  worker_id: string | null;
  token_hash: string;
  created_at: DefaultTimestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  scope_id: string;
  worker_id: string | null;
  locale: Generated<Locale>;
  failed_attempts: Generated<number>;
  locked_until: Timestamp | null;
  disabled_at: Timestamp | null;
  last_sign_in_at: Timestamp | null;
  /** Set when an admin resets the password; cleared when the user sets their own (0111). */
  password_change_required: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface UserSessionTable {
  id_hash: string;
  user_id: string;
  csrf_hash: string;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface MetaTable {
  key: string;
  value: Json<unknown>;
  updated_at: DefaultTimestamp;
}

// 0171_calendar_feeds
export interface CalendarFeedTable {
  id: string;
  secret_hash: string;
  owner_id: string;
  worker_id: string;
  locale: Generated<string>;
  created_at: DefaultTimestamp;
  revoked_at: Timestamp | null;
  last_read_at: Timestamp | null;
}

/** A street's read-side version ('*': changes that belong to no one street), 0190_read_side. */
export interface ScopeVersionTable {
  scope_id: string;
  version: ColumnType<string, number | string, number | string>;
}

/**
 * Residents served, new residents and records per station, month, theme, kind and venture project
 * (none for a station's own records), kept by a trigger on service_records (0190_read_side, 0191).
 */
export interface ServiceMonthlyTable {
  community_id: string;
  month: DateOnly;
  theme_key: string;
  kind: ServiceKind;
  project_id: string | null;
  residents_served: ColumnType<string, number | string, number | string>;
  new_residents: ColumnType<string, number | string, number | string>;
  records: number;
}

// 0150_attachments: evidence files, stored once per content hash.
export interface FileBlobTable {
  sha256: string;
  media_type: string;
  size_bytes: number;
  content: Uint8Array;
  created_at: DefaultTimestamp;
}

/** What an attachment is evidence of; `service_record` and `case_file` are for the service records area. */
export type AttachmentOwnerKind = 'plan_task' | 'rollout_milestone' | 'venture_project' | 'case' | 'service_record' | 'case_file';

export interface AttachmentTable {
  id: string;
  owner_kind: AttachmentOwnerKind;
  owner_id: string;
  org_unit_id: string;
  sha256: string;
  file_name: string;
  media_type: string;
  size_bytes: number;
  uploaded_by: string;
  uploaded_at: DefaultTimestamp;
  removed_at: Timestamp | null;
  removed_by: string | null;
}

// 0151_case_calls: case calls mirrored by the caseCall workflow.
export interface CaseCallTable {
  id: string;
  org_unit_id: string;
  workflow_id: string;
  title_zh: string;
  title_en: string;
  kinds: Json<string[]>;
  station_ids: Json<string[]>;
  submission_deadline: Timestamp;
  review_deadline: Timestamp;
  rubric: Json<unknown>;
  panel: Json<unknown>;
  select_per_kind: number;
  /** 0154: the spread between reviewers' totals above which a case is flagged. */
  spread_threshold: ColumnType<number | string, number | undefined, number>;
  phase: 'submission' | 'review' | 'selection' | 'published' | 'cancelled';
  opened_by: string;
  selection: Json<unknown> | null;
  published_at: Timestamp | null;
  cancel_reason: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface CallCaseTable {
  id: string;
  call_id: string;
  community_id: string;
  kind: 'casework' | 'group' | 'community';
  title: string;
  content: Json<unknown>;
  status: 'draft' | 'submitted' | 'withdrawn';
  revision: number;
  saved_by: string;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface CaseReviewTable {
  case_id: string;
  reviewer_id: string;
  call_id: string;
  scores: Json<Record<string, number>>;
  comment: string;
  total: Numeric;
  scored_at: Timestamp;
}

export interface CaseCallEventTable {
  call_id: string;
  step: string;
  at: Timestamp;
  actor: string | null;
  detail: Json<unknown>;
}

export interface WorkerHeartbeatTable {
  identity: string;
  task_queue: string;
  started_at: Date;
  beat_at: Date;
}

// 0142_resource_requests: resource requests mirrored by the resourceRequest workflow.
export interface ResourceRequestTable {
  id: string;
  community_id: string;
  workflow_id: string;
  theme: string;
  need: string;
  quantity: number;
  unit: string;
  match_by: Timestamp;
  needed_by: Timestamp;
  phase: 'open' | 'matched' | 'confirmed' | 'delivered' | 'closed' | 'cancelled';
  opened_by: string;
  delivery: Json<unknown> | null;
  close_note: string | null;
  cancel_reason: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ResourceRequestMatchTable {
  request_id: string;
  match_id: string;
  /** Insertion order. */
  seq: Generated<string>;
  kind: 'social_org' | 'volunteer' | 'resource' | 'station' | 'other';
  name: string;
  ref: string;
  quantity: number | null;
  status: 'pending' | 'proposed' | 'confirmed' | 'declined';
  note: Generated<string>;
  added_by: string;
  answered_by: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ResourceRequestEventTable {
  request_id: string;
  step: string;
  at: Timestamp;
  actor: string | null;
  detail: Json<unknown>;
}

export interface Database {
  worker_heartbeats: WorkerHeartbeatTable;
  org_units: OrgUnitTable;
  centers: CenterTable;
  communities: CommunityTable;
  stations: StationTable;
  workers: WorkerTable;
  dimensions: DimensionTable;
  levels: LevelTable;
  worker_levels: WorkerLevelTable;
  themes: ThemeTable;
  training_cycles: TrainingCycleTable;
  sessions: SessionTable;
  enrolments: EnrolmentTable;
  attendance: AttendanceTable;
  assessments: AssessmentTable;
  plan_templates: PlanTemplateTable;
  plan_template_drafts: PlanTemplateDraftTable;
  plans: PlanTable;
  plan_stages: PlanStageTable;
  plan_tasks: PlanTaskTable;
  plan_visits: PlanVisitTable;
  plan_events: PlanEventTable;
  rollouts: RolloutTable;
  rollout_milestones: RolloutMilestoneTable;
  venture_projects: VentureProjectTable;
  service_records: ServiceRecordTable;
  case_files: CaseFileTable;
  post_types: PostTypeTable;
  posts: PostTable;
  post_assignments: PostAssignmentTable;
  station_brands: StationBrandTable;
  station_brand_projects: StationBrandProjectTable;
  social_organisations: SocialOrganisationTable;
  social_organisation_stations: SocialOrganisationStationTable;
  volunteers: VolunteerTable;
  volunteer_hours: VolunteerHoursTable;
  charitable_resources: CharitableResourceTable;
  notifications: NotificationTable;
  audit_log: AuditLogTable;
  api_tokens: ApiTokenTable;
  users: UserTable;
  user_sessions: UserSessionTable;
  meta: MetaTable;
  calendar_feeds: CalendarFeedTable;
  scope_versions: ScopeVersionTable;
  service_monthly: ServiceMonthlyTable;
  file_blobs: FileBlobTable;
  attachments: AttachmentTable;
  case_calls: CaseCallTable;
  call_cases: CallCaseTable;
  case_reviews: CaseReviewTable;
  case_call_events: CaseCallEventTable;
  resource_requests: ResourceRequestTable;
  resource_request_matches: ResourceRequestMatchTable;
  resource_request_events: ResourceRequestEventTable;
}

export type Row<T extends keyof Database> = Selectable<Database[T]>;
export type NewRow<T extends keyof Database> = Insertable<Database[T]>;
export type RowUpdate<T extends keyof Database> = Updateable<Database[T]>;

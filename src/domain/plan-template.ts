import type { Localized, MainTask, Stage } from './types.js';

// A plan template is versioned data carrying the station work manual's guidance for each task
// (src/domain/manual.ts, src/store/repositories/manual.ts). A running plan keeps the version it
// started with: the whole template is part of the workflow's input.

export interface TaskGuidance {
  /** Why the task matters, from the station work manual. */
  why: Localized;
  /** How to do it. */
  how: Localized;
  /** What evidence counts as done. */
  evidence: Localized;
}

export interface TaskTemplate {
  id: string;
  mainTask: MainTask;
  title: Localized;
  guidance: TaskGuidance;
  /** Working days from the stage's start to the task's due date. */
  dueOffsetWorkingDays: number;
  required: boolean;
}

export interface StageTemplate {
  stage: Stage;
  name: Localized;
  tasks: TaskTemplate[];
}

export interface PlanTemplate {
  id: string;
  version: number;
  name: Localized;
  stages: StageTemplate[];
}

/** Version 1's change note: where its guidance comes from. */
export const BUILT_IN_CHANGE_NOTE = 'Built-in template shipped with Shegong: guidance written by the project from the source report, not quoted from the real station work manual';

const l = (zh: string, en: string): Localized => ({ zh, en });

/** The default template loaded with the Zhanlanlu data, derived from the four main tasks and the work manual. */
export const DEFAULT_PLAN_TEMPLATE: PlanTemplate = {
  id: 'zhanlanlu-station-plan',
  version: 1,
  name: l('展览路街道社区社会工作服务站三阶段行动计划', 'Zhanlanlu three-stage station action plan'),
  stages: [
    {
      stage: 'guide',
      name: l('指导', 'Guide'),
      tasks: [
        {
          id: 'guide-post-setup',
          mainTask: 'post_building',
          title: l('站点岗位设置与制度上墙', 'Set up station posts and post the rules'),
          guidance: {
            why: l('岗位建设是服务站运转的基础，明确谁在岗、做什么。', 'Post building is the base of a working station: who is on duty and what they do.'),
            how: l('按工作手册设置站长与社工岗位，公示岗位职责、服务时间和联系方式。', 'Create the station-lead and social-worker posts per the manual; publish duties, opening hours and contacts.'),
            evidence: l('岗位设置表、上墙制度照片。', 'The post table and photos of the posted rules.'),
          },
          dueOffsetWorkingDays: 10,
          required: true,
        },
        {
          id: 'guide-needs-assessment',
          mainTask: 'professional_services',
          title: l('社区需求评估', 'Community needs assessment'),
          guidance: {
            why: l('服务从需求出发，评估决定年度服务重点。', 'Services start from needs; the assessment sets the year\'s priorities.'),
            how: l('通过走访、问卷和居民议事会收集需求，形成需求评估报告。', 'Collect needs by visits, questionnaires and resident councils; write a needs-assessment report.'),
            evidence: l('需求评估报告（含样本量与方法）。', 'The needs-assessment report, with sample size and method.'),
          },
          dueOffsetWorkingDays: 20,
          required: true,
        },
        {
          id: 'guide-annual-plan',
          mainTask: 'professional_services',
          title: l('年度服务计划', 'Annual service plan'),
          guidance: {
            why: l('年度计划把需求变成可检查的服务目标。', 'The annual plan turns needs into service targets that can be checked.'),
            how: l('依据需求评估制定年度计划，明确项目、指标和时间表，报中心审阅。', 'Write the plan from the assessment with projects, indicators and timeline; submit it to the center.'),
            evidence: l('经中心审阅的年度服务计划。', 'The annual service plan as reviewed by the center.'),
          },
          dueOffsetWorkingDays: 30,
          required: true,
        },
      ],
    },
    {
      stage: 'support',
      name: l('支持', 'Support'),
      tasks: [
        {
          id: 'support-resource-map',
          mainTask: 'resource_linkage',
          title: l('社区资源地图与五社联动机制', 'Resource map and five-party linkage'),
          guidance: {
            why: l('五社联动需要先知道社区有哪些资源、由谁对接。', 'Five-party linkage starts with knowing which resources exist and who connects them.'),
            how: l('梳理社区、社会组织、社工、志愿者和慈善资源，建立联络表和联席会议机制。', 'Map communities, social organisations, social workers, volunteers and charity resources; set up a contact list and joint meetings.'),
            evidence: l('资源地图、联席会议纪要。', 'The resource map and joint-meeting minutes.'),
          },
          dueOffsetWorkingDays: 20,
          required: true,
        },
        {
          id: 'support-venture-incubation',
          mainTask: 'resource_linkage',
          title: l('公益创投项目孵化', 'Venture project incubation'),
          guidance: {
            why: l('公益创投把居民需求变成可持续的服务项目。', 'Venture projects turn residents\' needs into lasting services.'),
            how: l('结合五大主题申报至少一个公益创投项目，完成立项评审。', 'Propose at least one venture project under the five themes and pass the project review.'),
            evidence: l('项目申报书与立项评审意见。', 'The project proposal and the review decision.'),
          },
          dueOffsetWorkingDays: 40,
          required: true,
        },
        {
          id: 'support-professional-supervision',
          mainTask: 'talent_training',
          title: l('专业督导与阶梯式培训', 'Professional supervision and tiered training'),
          guidance: {
            why: l('社工的专业能力决定服务质量。', 'Social workers\' skills decide the quality of services.'),
            how: l('每位社工参加六维度阶梯式培训至少一个维度，接受中心专业督导。', 'Each social worker takes at least one dimension of the tiered training and receives the center\'s supervision.'),
            evidence: l('培训记录与督导记录。', 'Training and supervision records.'),
          },
          dueOffsetWorkingDays: 45,
          required: false,
        },
      ],
    },
    {
      stage: 'supervise',
      name: l('督导', 'Supervise'),
      tasks: [
        {
          id: 'supervise-midterm-evaluation',
          mainTask: 'professional_services',
          title: l('中期评估', 'Mid-term evaluation'),
          guidance: {
            why: l('中期评估及时发现偏差、调整计划。', 'A mid-term evaluation finds drift early and adjusts the plan.'),
            how: l('对照年度计划指标自评，中心督导复核。', 'Self-assess against the annual plan\'s indicators; the center\'s supervisor reviews it.'),
            evidence: l('中期评估报告。', 'The mid-term evaluation report.'),
          },
          dueOffsetWorkingDays: 30,
          required: true,
        },
        {
          id: 'supervise-excellent-case',
          mainTask: 'professional_services',
          title: l('优秀案例提交', 'Excellent-case submission'),
          guidance: {
            why: l('优秀案例集沉淀个案、小组和社区工作经验。', 'The excellent-case collection keeps what casework, group work and community work taught.'),
            how: l('提交个案、小组或社区工作案例至少一篇，按案例模板撰写。', 'Submit at least one casework, group-work or community-work case in the case template.'),
            evidence: l('案例文本。', 'The case text.'),
          },
          dueOffsetWorkingDays: 50,
          required: false,
        },
        {
          id: 'supervise-annual-evaluation',
          mainTask: 'post_building',
          title: l('年度评估', 'Annual evaluation'),
          guidance: {
            why: l('年度评估检验四大任务的完成情况。', 'The annual evaluation checks the four main tasks.'),
            how: l('汇总全年服务数据和督导记录，形成年度评估材料。', 'Gather the year\'s service figures and supervision records into the annual evaluation file.'),
            evidence: l('年度评估材料。', 'The annual evaluation file.'),
          },
          dueOffsetWorkingDays: 60,
          required: true,
        },
      ],
    },
  ],
};

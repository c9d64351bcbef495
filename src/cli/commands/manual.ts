import { writeFile } from 'node:fs/promises';
import { type Command } from 'commander';
import { usageError } from '../client.js';
import { keyValues, table } from '../output.js';
import { type CliContext, parseJson, readText, seg } from '../context.js';

// `shegong manual`: the station work manual as versioned content — read a version, list versions,
// diff two, and (supervisors, admins) make a draft, save it from a JSON file, publish it.

type Localized = { zh: string; en: string };
interface TemplateTask {
  id: string; mainTask: string; title: Localized; dueOffsetWorkingDays: number; required: boolean;
  guidance: { why: Localized; how: Localized; evidence: Localized };
}
interface Template { id: string; version: number; name: Localized; stages: Array<{ stage: string; name: Localized; tasks: TemplateTask[] }> }
type VersionSummary = { templateId: string; version: number; provenance: string; publishedBy: string | null; publishedAt: string; changeNote: string };
interface Manual { templateId: string; latestVersion: number; versions: VersionSummary[]; draft: { baseVersion: number; revision: number; updatedBy: string; updatedAt: string } | null; canEdit: boolean }
interface Diff {
  names: Array<{ field: string; from: unknown; to: unknown }>;
  tasks: Array<{ taskId: string; change: 'added' | 'removed' | 'changed'; stage: string; task?: TemplateTask; fields?: Array<{ field: string; from: unknown; to: unknown }> }>;
}

const which = (templateId: string | undefined, joiner = '?') => (templateId ? `${joiner}templateId=${seg(templateId)}` : '');

function versionNumber(value: string, name: string): number | 'draft' {
  if (value === 'draft') return value;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw usageError(`${name}: expected a version number or "draft", got ${value}`);
  return number;
}

function showTemplate(template: Template, summary: VersionSummary): string {
  const lines = [
    keyValues({ manual: template.id, version: template.version, name: template.name.zh, published: summary.publishedBy ? `${summary.publishedAt} by ${summary.publishedBy}` : summary.publishedAt, note: summary.changeNote }),
  ];
  if (summary.provenance === 'project_default') lines.push('', "The guidance of this version is the project's own text, not quoted from the real station work manual.");
  for (const stage of template.stages) {
    lines.push('', `${stage.name.zh} ${stage.name.en}`);
    for (const task of stage.tasks) {
      lines.push(`  ${task.id}  ${task.title.zh} (${task.mainTask}, ${task.required ? 'required' : 'optional'}, due ${task.dueOffsetWorkingDays} working days)`);
      lines.push(`    why: ${task.guidance.why.zh}`, `    how: ${task.guidance.how.zh}`, `    evidence: ${task.guidance.evidence.zh}`);
    }
  }
  return lines.join('\n');
}

function showDiff(diff: Diff): string {
  if (diff.names.length === 0 && diff.tasks.length === 0) return 'No changes.';
  const lines = diff.names.map((change) => `name ${change.field}: ${String(change.from)} → ${String(change.to)}`);
  for (const task of diff.tasks) {
    if (task.change === 'changed') {
      lines.push(`~ ${task.taskId} (${task.stage})`, ...(task.fields ?? []).map((f) => `    ${f.field}: ${String(f.from)} → ${String(f.to)}`));
    } else {
      lines.push(`${task.change === 'added' ? '+' : '-'} ${task.taskId} (${task.stage}) ${task.task?.title.zh ?? ''}`);
    }
  }
  return lines.join('\n');
}

export function registerManualCommands(program: Command, ctx: CliContext) {
  const manual = program.command('manual').description('the station work manual (工作手册): versions, diff, draft and publish');
  const templateOption = ['--template <templateId>', 'another manual than the one over your scope'] as const;

  manual.command('versions').description("the manual's published versions, newest first, and its draft").option(...templateOption)
    .action(async (options: { template?: string }) => {
      const result = await ctx.api().get<Manual>(`/api/manual${which(options.template)}`);
      ctx.print(result, (value: Manual) => [
        table(value.versions, ['version', 'publishedAt', 'publishedBy', 'provenance', 'changeNote'], ['version', 'published', 'by', 'provenance', 'note']),
        value.draft ? `\nDraft from version ${value.draft.baseVersion}, revision ${value.draft.revision}, last edited by ${value.draft.updatedBy} at ${value.draft.updatedAt}.` : '',
      ].join(''));
    });

  manual.command('show').description('a version, stage by stage and task by task with its guidance')
    .argument('[version]', 'the version (default: the newest)').option(...templateOption)
    .action(async (wanted: string | undefined, options: { template?: string }) => {
      const version = wanted === undefined
        ? (await ctx.api().get<Manual>(`/api/manual${which(options.template)}`)).latestVersion
        : versionNumber(wanted, '[version]');
      if (version === 'draft') throw usageError('[version]: the draft is shown with `shegong manual draft show`');
      const record = await ctx.api().get<VersionSummary & { template: Template }>(`/api/manual/version?version=${version}${which(options.template, '&')}`);
      ctx.print(record, (value: typeof record) => showTemplate(value.template, value));
    });

  manual.command('diff').description('what changed between two versions: tasks added, removed, and changed field by field ("draft" for the draft)')
    .argument('<from>').argument('<to>').option(...templateOption)
    .action(async (from: string, to: string, options: { template?: string }) => {
      const diff = await ctx.api().get<Diff>(`/api/manual/diff?from=${versionNumber(from, '<from>')}&to=${versionNumber(to, '<to>')}${which(options.template, '&')}`);
      ctx.print(diff, showDiff);
    });

  manual.command('pdf').description('download a version as a PDF').argument('[version]', 'the version (default: the newest)')
    .option('-o, --output <file>', 'where to write it').option(...templateOption)
    .action(async (wanted: string | undefined, options: { output?: string; template?: string }) => {
      const version = wanted === undefined
        ? (await ctx.api().get<Manual>(`/api/manual${which(options.template)}`)).latestVersion
        : versionNumber(wanted, '[version]');
      if (version === 'draft') throw usageError('[version]: only published versions print');
      const { content, fileName } = await ctx.api().download(`/api/manual/version.pdf?version=${version}${which(options.template, '&')}`);
      const target = options.output ?? fileName ?? `manual-v${version}.pdf`;
      await writeFile(target, content);
      ctx.print({ version, file: target, bytes: content.length }, () => `Wrote ${content.length} bytes to ${target}.`);
    });

  const draft = manual.command('draft').description("the manual's draft (supervisors and admins)");
  draft.command('create').description('make the draft from the newest version').option(...templateOption)
    .action(async (options: { template?: string }) => {
      const made = await ctx.api().post<{ templateId: string; baseVersion: number; revision: number }>('/api/manual/draft', options.template ? { templateId: options.template } : {});
      ctx.print(made, (value: typeof made) => `Made the draft of ${value.templateId} from version ${value.baseVersion}.`);
    });
  draft.command('show').description('the draft as JSON (edit it and save it back with `draft save`)').option('-o, --output <file>', 'write it to a file')
    .option(...templateOption)
    .action(async (options: { output?: string; template?: string }) => {
      const current = await ctx.api().get<{ template: Template; revision: number; templateId: string }>(`/api/manual/draft${which(options.template)}`);
      const editable = { templateId: current.templateId, revision: current.revision, name: current.template.name, stages: current.template.stages };
      if (options.output) {
        await writeFile(options.output, `${JSON.stringify(editable, null, 2)}\n`);
        ctx.print({ file: options.output, revision: current.revision }, () => `Wrote the draft (revision ${current.revision}) to ${options.output}.`);
        return;
      }
      ctx.print(editable, () => JSON.stringify(editable, null, 2));
    });
  draft.command('save').description("replace the draft's content from a JSON file: name, stages, tasks, guidance, evidence, due offsets").argument('<file>')
    .action(async (file: string) => {
      const saved = await ctx.api().request<{ revision: number; templateId: string }>('PUT', '/api/manual/draft', parseJson(file, await readText(file)));
      ctx.print(saved, (value: typeof saved) => `Saved the draft of ${value.templateId}: revision ${value.revision}.`);
    });
  draft.command('discard').description('discard the draft').option(...templateOption)
    .action(async (options: { template?: string }) => {
      const result = await ctx.api().post<{ templateId: string }>('/api/manual/draft/discard', options.template ? { templateId: options.template } : {});
      ctx.print(result, (value: typeof result) => `Discarded the draft of ${value.templateId}.`);
    });

  manual.command('publish').description('publish the draft as the next version; new station plans take it, running ones keep theirs')
    .requiredOption('--note <text>', 'the change note: what changed and why').option(...templateOption)
    .action(async (options: { note: string; template?: string }) => {
      const published = await ctx.api().post<VersionSummary>('/api/manual/draft/publish', { changeNote: options.note, ...(options.template ? { templateId: options.template } : {}) });
      ctx.print(published, (value: VersionSummary) => `Published ${value.templateId} version ${value.version}.`);
    });
}

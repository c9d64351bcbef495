import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { type Command } from 'commander';
import { usageError } from '../client.js';
import { table } from '../output.js';
import { type CliContext, seg } from '../context.js';

interface AttachmentRow {
  id: string;
  ownerKind: string;
  ownerId: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  uploadedBy: string;
  uploadedAt: string;
}

const rows = (items: AttachmentRow[]) => items.length === 0
  ? 'No files.'
  : table(items.map((item) => ({ ...item, size: `${Math.ceil(item.sizeBytes / 1024)} KB` })), ['id', 'ownerKind', 'ownerId', 'fileName', 'mediaType', 'size', 'uploadedAt'], ['id', 'attached to', 'owner', 'file', 'type', 'size', 'uploaded']);

export function registerAttachmentCommands(program: Command, ctx: CliContext) {
  const attachment = program.command('attachment').description('evidence files on plan tasks, rollout milestones and venture projects (images, PDF, Office; at most 10 MB each)');

  attachment.command('upload')
    .description('attach files to one owner: --task <community> <taskId>, --milestone <community> <milestone> or --project <projectId>')
    .argument('<files...>', 'the files to attach (at most 10 per call)')
    .option('--task <community/taskId>', "a task of the community's plan, as community/taskId")
    .option('--milestone <community/milestone>', "a milestone of the community's rollout, as community/milestone")
    .option('--project <projectId>', 'a venture project')
    .action(async (files: string[], options: { task?: string; milestone?: string; project?: string }) => {
      const given = [options.task, options.milestone, options.project].filter(Boolean);
      if (given.length !== 1) throw usageError('give exactly one of --task, --milestone or --project');
      const pair = (value: string, what: string) => {
        const at = value.lastIndexOf('/');
        if (at <= 0 || at === value.length - 1) throw usageError(`${what}: expected community/${what === '--task' ? 'taskId' : 'milestone'}`);
        return [value.slice(0, at), value.slice(at + 1)] as const;
      };
      let path: string;
      if (options.task) {
        const [community, task] = pair(options.task, '--task');
        path = `/api/stations/${seg(community)}/plan/tasks/${seg(task)}/attachments`;
      } else if (options.milestone) {
        const [community, milestone] = pair(options.milestone, '--milestone');
        path = `/api/rollout/${seg(community)}/milestones/${seg(milestone)}/attachments`;
      } else {
        path = `/api/venture-projects/${seg(options.project!)}/attachments`;
      }
      const contents = await Promise.all(files.map(async (file) => {
        try {
          return { name: basename(file), content: await readFile(file) };
        } catch (error) {
          throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
      }));
      const result = await ctx.api().upload<{ items: AttachmentRow[] }>(path, contents);
      ctx.print(result, (value: typeof result) => `Attached ${value.items.length} file(s).\n${rows(value.items)}`);
    });

  attachment.command('list')
    .description('evidence files in your scope')
    .option('--owner-kind <kind>', 'plan_task, rollout_milestone, venture_project, case, service_record or case_file')
    .option('--owner <ownerId>', "the owner's id (<planId>:<taskId>, <community>:<milestone>, a project or case id)")
    .option('--community <communityId>', 'only this community')
    .action(async (options: { ownerKind?: string; owner?: string; community?: string }) => {
      const query = new URLSearchParams();
      if (options.ownerKind) query.set('ownerKind', options.ownerKind);
      if (options.owner) query.set('ownerId', options.owner);
      if (options.community) query.set('communityId', options.community);
      const result = await ctx.api().get<{ items: AttachmentRow[] }>(`/api/attachments${query.size > 0 ? `?${query}` : ''}`);
      ctx.print(result, (value: typeof result) => rows(value.items));
    });

  attachment.command('download')
    .description('download an evidence file')
    .argument('<attachmentId>', 'the attachment id')
    .option('-o, --output <file>', 'where to write it (default: its own name, in the current folder)')
    .action(async (attachmentId: string, options: { output?: string }) => {
      const { content, fileName } = await ctx.api().download(`/api/attachments/${seg(attachmentId)}/content`);
      const target = options.output ?? basename(fileName ?? attachmentId);
      await writeFile(target, content);
      ctx.print({ attachmentId, file: target, bytes: content.length }, () => `Wrote ${content.length} bytes to ${target}.`);
    });

  attachment.command('remove')
    .description('remove an evidence file from what it is attached to (the record keeps it as removed)')
    .argument('<attachmentId>', 'the attachment id')
    .action(async (attachmentId: string) => {
      const result = await ctx.api().post<{ id: string }>(`/api/attachments/${seg(attachmentId)}/remove`);
      ctx.print(result, () => `Removed ${attachmentId}.`);
    });
}

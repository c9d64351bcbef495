import { type Command } from 'commander';
import { usageError } from '../client.js';
import { table } from '../output.js';
import { type CliContext, seg } from '../context.js';

// Posts (岗位建设): `shegong post types|type-add|list|set|assign`.

interface PostRow {
  id: string;
  communityId: string;
  type: string;
  typeName: { zh: string; en: string };
  required: number;
  filled: number;
  vacancies: number;
  isExample: boolean;
  assignments?: Array<{ id: string; workerId: string; workerName: string; from: string; to: string | null }>;
}

export function registerPostCommands(program: Command, ctx: CliContext) {
  const post = program.command('post').description("posts (岗位建设): each station's posts by type, the number required, workers assigned, vacancies");

  post.command('types')
    .description('the post types')
    .action(async () => {
      const answer = await ctx.api().get<{ items: Array<{ key: string; name: { zh: string; en: string } }> }>('/api/post-types');
      ctx.print(answer, (value: typeof answer) => table(value.items.map((t) => ({ key: t.key, zh: t.name.zh, en: t.name.en })), ['key', 'zh', 'en']));
    });

  post.command('type-add')
    .description('add a post type, or rename one (admin)')
    .argument('<key>', 'e.g. volunteer_coordinator')
    .requiredOption('--zh <name>', 'the name in Chinese')
    .requiredOption('--en <name>', 'the name in English')
    .action(async (key: string, options: { zh: string; en: string }) => {
      const saved = await ctx.api().post<{ key: string; created: boolean }>('/api/post-types', { key, name: { zh: options.zh, en: options.en } });
      ctx.print(saved, (value: typeof saved) => `${value.created ? 'Added' : 'Renamed'} post type ${value.key}.`);
    });

  post.command('list')
    .description('posts of the stations in scope: required, filled and vacant (on a day, default today)')
    .option('--community <communityId>', 'only this station')
    .option('--on <date>', 'filled on this day, YYYY-MM-DD')
    .action(async (options: { community?: string; on?: string }) => {
      const query = new URLSearchParams();
      if (options.community) query.set('communityId', options.community);
      if (options.on) query.set('on', options.on);
      const answer = await ctx.api().get<{ on: string; items: PostRow[]; totals: { required: number; filled: number; vacancies: number } }>(`/api/posts${query.size > 0 ? `?${query}` : ''}`);
      ctx.print(answer, (value: typeof answer) => [
        table(value.items.map((p) => ({
          ...p, type: p.typeName.zh, example: p.isExample ? 'example' : '',
          workers: p.assignments?.filter((a) => a.to === null || a.to >= value.on).map((a) => a.workerId).join(', '),
        })), ['id', 'communityId', 'type', 'required', 'filled', 'vacancies', 'example', 'workers'], ['post', 'community', 'type', 'required', 'filled', 'vacant', 'data', 'workers']),
        `On ${value.on}: ${value.totals.filled} of ${value.totals.required} posts filled, ${value.totals.vacancies} vacant.`,
      ].join('\n'));
    });

  post.command('set')
    .description("define a station's post of a type with the number required, or change the number")
    .requiredOption('--community <communityId>', 'the station')
    .requiredOption('--type <type>', 'a post type key (see `shegong post types`)')
    .requiredOption('--required <n>', 'how many workers the post needs')
    .option('--note <text>', 'a note')
    .action(async (options: { community: string; type: string; required: string; note?: string }) => {
      const required = Number(options.required);
      if (!Number.isInteger(required)) throw usageError(`--required: expected a whole number, got ${options.required}`);
      const saved = await ctx.api().post<PostRow & { created: boolean }>('/api/posts', {
        communityId: options.community, type: options.type, required, ...(options.note ? { note: options.note } : {}),
      });
      ctx.print(saved, (value: typeof saved) => `${value.created ? 'Defined' : 'Updated'} post ${value.id}: ${value.filled} of ${value.required} filled.`);
    });

  post.command('assign')
    .description('assign a worker to a post from a date; with --to (same worker and --from) the assignment ends')
    .argument('<postId>', 'the post')
    .argument('<workerId>', 'the worker')
    .requiredOption('--from <date>', 'the first day, YYYY-MM-DD')
    .option('--to <date>', 'the last day, YYYY-MM-DD')
    .action(async (postId: string, workerId: string, options: { from: string; to?: string }) => {
      const saved = await ctx.api().post<{ id: string; created: boolean; post: PostRow }>(`/api/posts/${seg(postId)}/assignments`, {
        workerId, from: options.from, ...(options.to ? { to: options.to } : {}),
      });
      ctx.print(saved, (value: typeof saved) => `${value.created ? 'Assigned' : 'Updated assignment'} ${value.id}; post ${postId}: ${value.post.filled} of ${value.post.required} filled.`);
    });
}

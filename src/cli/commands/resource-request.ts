import { type Command } from 'commander';
import { usageError } from '../client.js';
import { keyValues, table } from '../output.js';
import { type CliContext, parseJson, readText, seg } from '../context.js';

interface RequestView {
  id: string;
  communityId: string;
  theme: string;
  need: string;
  quantity: number;
  unit: string;
  matchBy: string;
  neededBy: string;
  phase: string;
}

interface RequestDetail extends RequestView {
  matches: Array<{ matchId: string; kind: string; name: string; ref: string; quantity: number | null; status: string; note: string }>;
  delivery: { note: string; link: string | null; by: string; at: string } | null;
  cancelReason: string | null;
  closeNote: string | null;
}

const MATCH_FORMAT = 'KIND:NAME[:REF] (KIND social_org, volunteer, resource, station or other)';

/** `volunteer:楼门志愿队:13800000000` → a match; the name and reference are free text. */
function parseMatch(text: string) {
  const [kind, name, ...ref] = text.split(':');
  if (!kind || !name) throw usageError(`--match ${text}: expected ${MATCH_FORMAT}`);
  return { kind, name, ref: ref.join(':') };
}

export function registerResourceRequestCommands(program: Command, ctx: CliContext) {
  const request = program.command('request').description('resource requests (资源链接): a station asks, the center matches, delivery, closing');
  const show = (value: RequestDetail) => [
    keyValues({
      request: value.id, station: value.communityId, phase: value.phase, theme: value.theme, need: value.need, quantity: `${value.quantity} ${value.unit}`,
      matchBy: value.matchBy, neededBy: value.neededBy,
      ...(value.delivery ? { delivered: `${value.delivery.at} ${value.delivery.note}${value.delivery.link ? ` ${value.delivery.link}` : ''}` } : {}),
      ...(value.cancelReason ? { cancelled: value.cancelReason } : {}),
      ...(value.closeNote !== null && value.phase === 'closed' ? { closed: value.closeNote || '-' } : {}),
    }),
    '',
    value.matches.length === 0 ? 'No matches yet.' : table(value.matches.map((m) => ({ ...m, quantity: m.quantity ?? '' })), ['matchId', 'kind', 'name', 'ref', 'quantity', 'status', 'note'], ['match', 'kind', 'name', 'ref', 'qty', 'status', 'note']),
  ].join('\n');

  request.command('summary').description('requests in your scope counted by phase and theme, and how many are overdue')
    .action(async () => {
      const summary = await ctx.api().get<{ total: number; overdue: number; byPhase: Array<{ phase: string; count: number }>; byTheme: Array<{ theme: string; count: number }> }>('/api/resource-requests/summary');
      ctx.print(summary, (value: typeof summary) => [
        keyValues({ total: value.total, overdue: value.overdue }), '', table(value.byPhase, ['phase', 'count']), '', table(value.byTheme, ['theme', 'count']),
      ].join('\n'));
    });

  request.command('list').description("resource requests of the stations you can see").option('--phase <phase>', 'open, matched, confirmed, delivered, closed or cancelled')
    .option('--community <id>', 'one station')
    .action(async (options: { phase?: string; community?: string }) => {
      const query = new URLSearchParams();
      if (options.phase) query.set('phase', options.phase);
      if (options.community) query.set('communityId', options.community);
      const result = await ctx.api().get<{ items: RequestView[] }>(`/api/resource-requests${query.size > 0 ? `?${query}` : ''}`);
      ctx.print(result, (value: typeof result) => (value.items.length === 0 ? 'No resource requests.' : table(
        value.items.map((item) => ({ ...item, quantity: `${item.quantity} ${item.unit}` })),
        ['id', 'communityId', 'phase', 'theme', 'quantity', 'neededBy', 'need'], ['request', 'station', 'phase', 'theme', 'quantity', 'needed by', 'need'],
      )));
    });

  request.command('open').description("open a station's request from a JSON file (communityId, theme, need, quantity, unit, neededBy[, matchBy]); starts its workflow")
    .argument('<file>', 'the request as JSON')
    .action(async (file: string) => {
      const opened = await ctx.api().post<RequestDetail>('/api/resource-requests', parseJson(file, await readText(file)));
      ctx.print(opened, (value: RequestDetail) => `Opened ${value.id}; match by ${value.matchBy}, needed by ${value.neededBy}.`);
    });

  request.command('status').description('a request with its matches').argument('<requestId>')
    .action(async (requestId: string) => {
      ctx.print(await ctx.api().get<RequestDetail>(`/api/resource-requests/${seg(requestId)}`), show);
    });

  request.command('match').description('match parties or resources to a request (center supervisors)').argument('<requestId>')
    .requiredOption('--match <match...>', `one per party or resource: ${MATCH_FORMAT}`)
    .action(async (requestId: string, options: { match: string[] }) => {
      const detail = await ctx.api().post<RequestDetail>(`/api/resource-requests/${seg(requestId)}/matches`, { matches: options.match.map(parseMatch) });
      ctx.print(detail, show);
    });

  request.command('answer').description("record a matched party's answer: --confirm, or --decline with --note saying why").argument('<requestId>').argument('<matchId>')
    .option('--confirm', 'the party confirmed').option('--decline', 'the party declined').option('--note <text>', 'what they said (required when declining)', '')
    .action(async (requestId: string, matchId: string, options: { confirm?: boolean; decline?: boolean; note: string }) => {
      if (Boolean(options.confirm) === Boolean(options.decline)) throw usageError('give one of --confirm or --decline');
      const detail = await ctx.api().post<RequestDetail>(`/api/resource-requests/${seg(requestId)}/matches/${seg(matchId)}/answer`, { response: options.confirm ? 'confirmed' : 'declined', note: options.note });
      ctx.print(detail, show);
    });

  request.command('deliver').description('record the delivery with its evidence').argument('<requestId>')
    .requiredOption('--note <text>', 'what arrived, how much, when').option('--link <url>', 'a link to photos or a signed receipt')
    .action(async (requestId: string, options: { note: string; link?: string }) => {
      ctx.print(await ctx.api().post<RequestDetail>(`/api/resource-requests/${seg(requestId)}/deliver`, options), show);
    });

  request.command('close').description('close a delivered request').argument('<requestId>').option('--note <text>', 'how it went', '')
    .action(async (requestId: string, options: { note: string }) => {
      const detail = await ctx.api().post<RequestDetail>(`/api/resource-requests/${seg(requestId)}/close`, { note: options.note });
      ctx.print(detail, () => `Closed ${requestId}.`);
    });

  request.command('cancel').description('cancel a request before its delivery (center supervisors)').argument('<requestId>').requiredOption('--reason <text>', 'why')
    .action(async (requestId: string, options: { reason: string }) => {
      const detail = await ctx.api().post<RequestDetail>(`/api/resource-requests/${seg(requestId)}/cancel`, { reason: options.reason });
      ctx.print(detail, () => `Cancelled ${requestId}.`);
    });
}

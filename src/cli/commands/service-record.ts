import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import { usageError } from '../client.js';
import { keyValues, table } from '../output.js';
import { type CliContext, parseJson, readText, seg } from '../context.js';

// Service records (专业服务) and their case files: `shegong service list|add|import|case-file`.

interface ServiceRecordRow {
  id: string;
  communityId: string;
  servedOn: string;
  kind: string;
  theme: string;
  title: { zh: string; en: string };
  residentsServed: number;
  newResidents: number;
  volunteerHours: number;
  provenance: string | null;
  hasCaseFile: boolean;
}

const KINDS = ['casework', 'group', 'community'];

/** A spreadsheet as the import route takes it: { csv } text, { xlsx } base64, or a JSON array. */
async function readSpreadsheet(file: string): Promise<unknown> {
  switch (extname(file).toLowerCase()) {
    case '.csv':
      return { csv: await readText(file) };
    case '.xlsx':
      try {
        return { xlsx: (await readFile(file)).toString('base64') };
      } catch (error) {
        throw usageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    case '.json': {
      const value = parseJson(file, await readText(file));
      if (Array.isArray(value)) return value;
      throw usageError(`${file}: expected a JSON array of records`);
    }
    default:
      throw usageError(`${file}: expected a .csv, .xlsx or .json file`);
  }
}

export function registerServiceRecordCommands(program: Command, ctx: CliContext) {
  const service = program.command('service').description('service records (专业服务): casework, group work and community work per station');

  service.command('list')
    .description('service records in your scope, newest first (residents served as counts)')
    .option('--community <communityId>', 'only this station')
    .addOption(new Option('--kind <kind>', 'only this kind').choices(KINDS))
    .option('--theme <theme>', 'only this theme, e.g. elderly')
    .option('--project <projectId>', 'only this venture project')
    .option('--from <date>', 'served on or after, YYYY-MM-DD')
    .option('--to <date>', 'served on or before, YYYY-MM-DD')
    .option('--limit <n>', 'at most this many', '50')
    .action(async (options: { community?: string; kind?: string; theme?: string; project?: string; from?: string; to?: string; limit: string }) => {
      const query = new URLSearchParams({ limit: options.limit });
      for (const [key, value] of Object.entries({ communityId: options.community, kind: options.kind, theme: options.theme, projectId: options.project, from: options.from, to: options.to })) {
        if (value) query.set(key, value);
      }
      const answer = await ctx.api().get<{ total: number; items: ServiceRecordRow[] }>(`/api/service-records?${query}`);
      ctx.print(answer, (value: typeof answer) => [
        table(value.items.map((r) => ({ ...r, title: r.title.zh, caseFile: r.hasCaseFile ? 'yes' : '', provenance: r.provenance ?? '' })),
          ['id', 'servedOn', 'communityId', 'kind', 'theme', 'residentsServed', 'newResidents', 'volunteerHours', 'caseFile', 'provenance', 'title'],
          ['id', 'served', 'community', 'kind', 'theme', 'residents', 'new', 'vol. hours', 'case file', 'provenance', 'title']),
        `${value.items.length} of ${value.total} records.`,
      ].join('\n'));
    });

  service.command('add')
    .description('record one service of a station (a count of residents, no identities)')
    .requiredOption('--community <communityId>', 'the station\'s community')
    .requiredOption('--date <date>', 'served on, YYYY-MM-DD')
    .addOption(new Option('--kind <kind>', 'casework, group or community').choices(KINDS).makeOptionMandatory())
    .requiredOption('--theme <theme>', 'a theme key, e.g. elderly')
    .requiredOption('--title <title>', 'what was done, in Chinese')
    .option('--title-en <title>', 'the same in English')
    .requiredOption('--residents <n>', 'residents served')
    .option('--new <n>', 'of them, served for the first time')
    .option('--volunteer-hours <n>', 'volunteer hours given')
    .option('--workers <ids>', 'worker ids, separated by ","')
    .option('--project <projectId>', 'the venture project it served')
    .option('--note <text>', 'a note (evidence, where the sign-in sheet is)')
    .option('--id <id>', 'a record id of your choosing (a repeated command then records once)')
    .action(async (options: {
      community: string; date: string; kind: string; theme: string; title: string; titleEn?: string; residents: string; new?: string;
      volunteerHours?: string; workers?: string; project?: string; note?: string; id?: string;
    }) => {
      const number = (value: string | undefined, name: string) => {
        if (value === undefined) return undefined;
        const parsed = Number(value);
        if (!Number.isFinite(parsed)) throw usageError(`${name}: expected a number, got ${value}`);
        return parsed;
      };
      const body = {
        ...(options.id ? { id: options.id } : {}),
        communityId: options.community, servedOn: options.date, kind: options.kind, theme: options.theme,
        title: { zh: options.title, ...(options.titleEn ? { en: options.titleEn } : {}) },
        residentsServed: number(options.residents, '--residents'),
        ...(options.new !== undefined ? { newResidents: number(options.new, '--new') } : {}),
        ...(options.volunteerHours !== undefined ? { volunteerHours: number(options.volunteerHours, '--volunteer-hours') } : {}),
        ...(options.workers ? { workerIds: options.workers.split(',').map((id) => id.trim()).filter(Boolean) } : {}),
        ...(options.project ? { projectId: options.project } : {}),
        ...(options.note ? { note: options.note } : {}),
      };
      const created = await ctx.api().post<ServiceRecordRow & { created: boolean }>('/api/service-records', body);
      ctx.print(created, (value: typeof created) => (value.created
        ? `Recorded ${value.id}: ${value.residentsServed} residents served at ${value.communityId} on ${value.servedOn}.`
        : `Service record ${value.id} was already recorded; nothing changed.`));
    });

  service.command('import')
    .description('import service records from a .csv, .xlsx (first sheet) or .json file; all or nothing')
    .argument('<file>', 'a .csv, .xlsx or .json file with a header row')
    .addHelpText('after', `
Every bad row is listed by line and field, and nothing is imported (exit 1).
Columns: communityId,servedOn,kind,theme,titleZh,residentsServed[,id,titleEn,newResidents,volunteerHours,workerIds,projectId,note,evidenceLinks]
  kind: casework|group|community (or 个案|小组|社区活动); lists separated by ";".
  A row without an id gets one from its contents: importing the same file again changes nothing.`)
    .action(async (file: string) => {
      const result = await ctx.api().post<{ imported: number; unchanged: number; ids: string[] }>('/api/service-records/import', await readSpreadsheet(file));
      ctx.print(result, (value: typeof result) => `Imported ${value.imported} service records (${value.unchanged} already there, left as they were).`);
    });

  const caseFile = service.command('case-file').description("a casework record's case file: a resident's personal data (station lead and supervisors; reads are audited)");
  caseFile.command('show')
    .description('show the case file (the read is written to the audit log)')
    .argument('<recordId>', 'the casework service record')
    .action(async (recordId: string) => {
      const file = await ctx.api().get<Record<string, unknown>>(`/api/service-records/${seg(recordId)}/case-file`);
      ctx.print(file, (value: typeof file) => keyValues(value));
    });
  caseFile.command('set')
    .description('create or replace the case file')
    .argument('<recordId>', 'the casework service record')
    .requiredOption('--name <name>', "the resident's name")
    .option('--gender <gender>', 'gender')
    .option('--birth-year <year>', 'year of birth')
    .option('--phone <phone>', 'phone')
    .option('--address <address>', 'address')
    .option('--needs <text>', 'needs assessed')
    .option('--plan <text>', 'the service plan')
    .option('--notes <text>', 'notes')
    .action(async (recordId: string, options: { name: string; gender?: string; birthYear?: string; phone?: string; address?: string; needs?: string; plan?: string; notes?: string }) => {
      const birthYear = options.birthYear === undefined ? undefined : Number(options.birthYear);
      if (birthYear !== undefined && !Number.isInteger(birthYear)) throw usageError(`--birth-year: expected a year, got ${options.birthYear}`);
      const { name, birthYear: _year, ...rest } = options;
      const saved = await ctx.api().request<{ created: boolean }>('PUT', `/api/service-records/${seg(recordId)}/case-file`, {
        residentName: name, ...(birthYear !== undefined ? { birthYear } : {}), ...rest,
      });
      ctx.print(saved, (value: typeof saved) => (value.created ? `Created the case file of ${recordId}.` : `Updated the case file of ${recordId}.`));
    });
}

import { type Command } from 'commander';
import { keyValues, table } from '../output.js';
import { type CliContext, seg } from '../context.js';

// A station's brand (一站一品牌一特色): `shegong station brand show|set`.

type Localized = { zh: string; en: string };
interface BrandView {
  communityId: string;
  communityName: Localized;
  name: Localized;
  feature: Localized;
  projects: Array<{ id: string; title: Localized; theme: string; status: string }>;
  updatedBy?: string;
  updatedAt: string;
  created?: boolean;
  changed?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

const describeBrand = (brand: BrandView) => [
  keyValues({
    station: `${brand.communityName.zh} (${brand.communityId})`,
    brand: brand.name.en === brand.name.zh ? brand.name.zh : `${brand.name.zh} / ${brand.name.en}`,
    feature: brand.feature.zh,
    ...(brand.feature.en !== brand.feature.zh ? { 'feature (en)': brand.feature.en } : {}),
    updated: `${brand.updatedAt}${brand.updatedBy ? ` by ${brand.updatedBy}` : ''}`,
  }),
  brand.projects.length === 0
    ? 'No linked venture projects.'
    : table(brand.projects.map((p) => ({ ...p, title: p.title.zh })), ['id', 'title', 'theme', 'status'], ['project', 'title', 'theme', 'status']),
].join('\n');

export function registerStationCommands(program: Command, ctx: CliContext) {
  const station = program.command('station').description("a station's own record: its brand (一站一品牌一特色)");
  const brand = station.command('brand').description("the station's brand: its name, the feature it is known for, the venture projects that carry it");

  brand.command('show')
    .description("a station's brand (exit 1 with brand_not_found while none is recorded)")
    .argument('<communityId>', 'the station (community id)')
    .action(async (communityId: string) => {
      const view = await ctx.api().get<BrandView>(`/api/stations/${seg(communityId)}/brand`);
      ctx.print(view, describeBrand);
    });

  brand.command('set')
    .description("record a station's brand or replace it whole (its station lead, supervisors, admins): projects not named are unlinked")
    .argument('<communityId>', 'the station (community id)')
    .requiredOption('--name <name>', 'the brand name in Chinese (up to 60 characters)')
    .option('--name-en <name>', 'the brand name in English (default: the Chinese)')
    .requiredOption('--feature <text>', 'what the station is known for, in Chinese (up to 500 characters)')
    .option('--feature-en <text>', 'the feature in English (default: the Chinese)')
    .option('--project <projectId>', "a venture project of the station's community that carries the brand (repeatable, in order)", collect)
    .action(async (communityId: string, options: { name: string; nameEn?: string; feature: string; featureEn?: string; project?: string[] }) => {
      const saved = await ctx.api().request<BrandView>('PUT', `/api/stations/${seg(communityId)}/brand`, {
        name: { zh: options.name, ...(options.nameEn ? { en: options.nameEn } : {}) },
        feature: { zh: options.feature, ...(options.featureEn ? { en: options.featureEn } : {}) },
        projectIds: options.project ?? [],
      });
      ctx.print(saved, (value: BrandView) => [
        value.created ? `Recorded the brand of ${communityId}.` : value.changed ? `Updated the brand of ${communityId}.` : `The brand of ${communityId} was already so; nothing changed.`,
        describeBrand(value),
      ].join('\n'));
    });
}

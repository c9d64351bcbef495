import { useI18n } from './i18n.js';

// Download buttons for the exports: plain links, so the browser saves the file the API answers
// with (the dashboard's session cookie authenticates a GET).

export function exportHref(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, value);
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export function Downloads({ path, query = {}, formats = ['xlsx', 'csv'] }: { path: string; query?: Record<string, string | undefined>; formats?: Array<'xlsx' | 'csv' | 'pdf'> }) {
  const { t } = useI18n();
  return (
    <span className="buttons" role="group" aria-label={t('downloads')}>
      {formats.map((format) => (
        <a key={format} className="button" href={exportHref(path, { ...query, format })} download data-export={format}>
          {t(format === 'xlsx' ? 'download_xlsx' : format === 'csv' ? 'download_csv' : 'download_pdf')}
        </a>
      ))}
    </span>
  );
}

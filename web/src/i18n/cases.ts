// Strings of the case calls, the work manual and evidence files, in both languages (merged into
// the catalogs of i18n.tsx).

export const casesZh = {
  attachments: '证据文件',
  attach_files: '上传文件',
  attaching: '正在上传…',
  attach_hint: '图片、PDF、Office 文档；每个不超过 10 MB，一次最多 10 个',
  remove_file: '移除',
  no_files: '暂无文件',
  download: '下载',
};

export const casesEn: Record<keyof typeof casesZh, string> = {
  attachments: 'Evidence files',
  attach_files: 'Upload files',
  attaching: 'Uploading…',
  attach_hint: 'Images, PDF, Office documents; at most 10 MB each, 10 at a time',
  remove_file: 'Remove',
  no_files: 'No files yet',
  download: 'Download',
};

// What an uploaded evidence file is, judged from its first bytes and, for Office documents, from
// the names inside the ZIP or compound file — never from the name or type the client claims.
// Images, PDF and Office documents are accepted; anything else (executables, scripts, HTML, SVG,
// macro-enabled Office files) is refused. Pure: bytes in, a verdict out.

export type FileKind = 'image' | 'pdf' | 'office';

export interface SniffedType {
  kind: FileKind;
  mediaType: string;
  extension: string;
}

export type SniffResult = { ok: true; type: SniffedType } | { ok: false; reason: 'unknown_type' | 'executable' | 'macro_enabled' | 'empty' };

const startsWith = (bytes: Uint8Array, signature: readonly number[], at = 0) =>
  bytes.length >= at + signature.length && signature.every((byte, index) => bytes[at + index] === byte);
const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

const IMAGES: Array<{ signature: number[]; at?: number; type: SniffedType; also?: { signature: number[]; at: number } }> = [
  { signature: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], type: { kind: 'image', mediaType: 'image/png', extension: 'png' } },
  { signature: [0xff, 0xd8, 0xff], type: { kind: 'image', mediaType: 'image/jpeg', extension: 'jpg' } },
  { signature: ascii('GIF87a'), type: { kind: 'image', mediaType: 'image/gif', extension: 'gif' } },
  { signature: ascii('GIF89a'), type: { kind: 'image', mediaType: 'image/gif', extension: 'gif' } },
  { signature: ascii('RIFF'), also: { signature: ascii('WEBP'), at: 8 }, type: { kind: 'image', mediaType: 'image/webp', extension: 'webp' } },
];

// Executable and script formats named so a refusal says why (anything unknown is refused anyway).
const EXECUTABLES: number[][] = [
  ascii('MZ'), // Windows PE
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0xfe, 0xed, 0xfa, 0xce], [0xfe, 0xed, 0xfa, 0xcf], [0xcf, 0xfa, 0xed, 0xfe], [0xce, 0xfa, 0xed, 0xfe], [0xca, 0xfe, 0xba, 0xbe], // Mach-O
  ascii('#!'), // scripts
  [0x00, 0x61, 0x73, 0x6d], // WebAssembly
];

const OOXML: Array<{ folder: string; type: SniffedType }> = [
  { folder: 'word/', type: { kind: 'office', mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx' } },
  { folder: 'xl/', type: { kind: 'office', mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extension: 'xlsx' } },
  { folder: 'ppt/', type: { kind: 'office', mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', extension: 'pptx' } },
];

const LEGACY_OFFICE: Record<string, SniffedType> = {
  doc: { kind: 'office', mediaType: 'application/msword', extension: 'doc' },
  xls: { kind: 'office', mediaType: 'application/vnd.ms-excel', extension: 'xls' },
  ppt: { kind: 'office', mediaType: 'application/vnd.ms-powerpoint', extension: 'ppt' },
};
const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Sniffs a whole file. `fileName` only picks among legacy Office formats, whose bytes look alike. */
export function sniffFile(bytes: Uint8Array, fileName = ''): SniffResult {
  if (bytes.length === 0) return { ok: false, reason: 'empty' };
  for (const image of IMAGES) {
    if (startsWith(bytes, image.signature, image.at) && (!image.also || startsWith(bytes, image.also.signature, image.also.at))) return { ok: true, type: image.type };
  }
  if (startsWith(bytes, ascii('%PDF-'))) return { ok: true, type: { kind: 'pdf', mediaType: 'application/pdf', extension: 'pdf' } };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return sniffZip(bytes);
  if (startsWith(bytes, CFB)) return sniffCompoundFile(bytes, fileName);
  if (EXECUTABLES.some((signature) => startsWith(bytes, signature))) return { ok: false, reason: 'executable' };
  return { ok: false, reason: 'unknown_type' };
}

/** The entry names of a ZIP archive, read from its central directory; undefined when it is malformed. */
export function zipEntryNames(bytes: Uint8Array): string[] | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes.
  const floor = Math.max(0, bytes.length - 22 - 0xffff);
  let end = -1;
  for (let at = bytes.length - 22; at >= floor; at -= 1) {
    if (view.getUint32(at, true) === 0x06054b50) {
      end = at;
      break;
    }
  }
  if (end < 0) return undefined;
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const names: string[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for (let index = 0; index < count; index += 1) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) return undefined;
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength > bytes.length) return undefined;
    names.push(decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength)));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

const EXECUTABLE_ENTRY = /\.(exe|dll|com|scr|msi|bat|cmd|ps1|vbs|js|jar|sh|app)$/i;

function sniffZip(bytes: Uint8Array): SniffResult {
  const names = zipEntryNames(bytes);
  if (!names || !names.includes('[Content_Types].xml')) return { ok: false, reason: 'unknown_type' };
  if (names.some((name) => /vbaProject\.bin$/i.test(name))) return { ok: false, reason: 'macro_enabled' };
  if (names.some((name) => EXECUTABLE_ENTRY.test(name))) return { ok: false, reason: 'executable' };
  const found = OOXML.find((format) => names.some((name) => name.startsWith(format.folder)));
  return found ? { ok: true, type: found.type } : { ok: false, reason: 'unknown_type' };
}

// A legacy Office file is an OLE compound file; one with macros holds a "Macros" or "_VBA_PROJECT"
// stream, whose UTF-16 name appears in a directory sector.
function sniffCompoundFile(bytes: Uint8Array, fileName: string): SniffResult {
  const utf16 = (text: string) => [...text].flatMap((char) => [char.charCodeAt(0), 0]);
  const contains = (needle: number[]) => {
    outer: for (let at = 0; at + needle.length <= bytes.length; at += 1) {
      for (let index = 0; index < needle.length; index += 1) if (bytes[at + index] !== needle[index]) continue outer;
      return true;
    }
    return false;
  };
  if (contains(utf16('_VBA_PROJECT')) || contains(utf16('Macros'))) return { ok: false, reason: 'macro_enabled' };
  const extension = /\.([A-Za-z]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  const type = LEGACY_OFFICE[extension];
  return type ? { ok: true, type } : { ok: false, reason: 'unknown_type' };
}

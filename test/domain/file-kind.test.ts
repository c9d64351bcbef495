import { describe, expect, it } from 'vitest';
import { sniffFile, zipEntryNames } from '../../src/domain/file-kind.js';
import { docxBytes, pdfBytes, pngBytes, zipBytes } from '../helpers/files.js';

describe('file kinds are judged by content', () => {
  it('takes images, PDF and Office documents whatever they are called', () => {
    expect(sniffFile(pngBytes(), 'photo.exe')).toEqual({ ok: true, type: { kind: 'image', mediaType: 'image/png', extension: 'png' } });
    expect(sniffFile(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'x')).toMatchObject({ ok: true, type: { mediaType: 'image/jpeg' } });
    expect(sniffFile(Buffer.from('GIF89a....'), 'x')).toMatchObject({ ok: true, type: { mediaType: 'image/gif' } });
    expect(sniffFile(Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]), 'x')).toMatchObject({ ok: true, type: { mediaType: 'image/webp' } });
    expect(sniffFile(pdfBytes(), 'signed.txt')).toMatchObject({ ok: true, type: { kind: 'pdf', mediaType: 'application/pdf' } });
    expect(sniffFile(docxBytes(), 'report')).toMatchObject({ ok: true, type: { kind: 'office', extension: 'docx' } });
    expect(sniffFile(zipBytes({ '[Content_Types].xml': '', 'xl/workbook.xml': '' }))).toMatchObject({ ok: true, type: { extension: 'xlsx' } });
    expect(sniffFile(zipBytes({ '[Content_Types].xml': '', 'ppt/presentation.xml': '' }))).toMatchObject({ ok: true, type: { extension: 'pptx' } });
  });

  it('refuses executables, scripts, macros, HTML, plain ZIP archives and empty files', () => {
    expect(sniffFile(Buffer.from('MZ\x90\x00\x03'), 'photo.png')).toEqual({ ok: false, reason: 'executable' });
    expect(sniffFile(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1]), 'photo.png')).toEqual({ ok: false, reason: 'executable' });
    expect(sniffFile(Buffer.from('#!/bin/sh\nrm -rf /\n'), 'a.pdf')).toEqual({ ok: false, reason: 'executable' });
    expect(sniffFile(docxBytes(true), 'report.docx')).toEqual({ ok: false, reason: 'macro_enabled' });
    expect(sniffFile(zipBytes({ '[Content_Types].xml': '', 'word/document.xml': '', 'run.exe': '' }))).toEqual({ ok: false, reason: 'executable' });
    expect(sniffFile(zipBytes({ 'readme.txt': 'hi' }), 'a.docx')).toEqual({ ok: false, reason: 'unknown_type' });
    expect(sniffFile(Buffer.from('<html><script>alert(1)</script>'), 'a.png')).toEqual({ ok: false, reason: 'unknown_type' });
    expect(sniffFile(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'a.svg')).toEqual({ ok: false, reason: 'unknown_type' });
    expect(sniffFile(Buffer.alloc(0), 'a.pdf')).toEqual({ ok: false, reason: 'empty' });
  });

  it('takes a legacy Office file by its name only when it has no macros', () => {
    const cfb = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]);
    expect(sniffFile(cfb, 'old.doc')).toMatchObject({ ok: true, type: { mediaType: 'application/msword' } });
    expect(sniffFile(cfb, 'old.bin')).toEqual({ ok: false, reason: 'unknown_type' });
    const macros = Buffer.concat([cfb, Buffer.from('_VBA_PROJECT', 'utf16le')]);
    expect(sniffFile(macros, 'old.xls')).toEqual({ ok: false, reason: 'macro_enabled' });
  });

  it('reads a ZIP directory and gives up on a truncated one', () => {
    const zip = zipBytes({ a: '1', 'b/c': '2' });
    expect(zipEntryNames(zip)).toEqual(['a', 'b/c']);
    expect(zipEntryNames(zip.subarray(0, zip.length - 30))).toBeUndefined();
  });
});

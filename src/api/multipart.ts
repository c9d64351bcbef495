import type { Request } from 'express';
import busboy from 'busboy';
import { ApiError } from './errors.js';
import type { IncomingFile } from '../services/attachment.js';

export interface UploadLimits {
  fileBytes: number;
  files: number;
  requestBytes: number;
}

/**
 * Reads a multipart/form-data request's files into memory within the limits: a file over its limit,
 * too many files, or too many bytes in all answers 413 naming the file, and stops reading. Called
 * by a handler only after the caller was authenticated and may attach to the owner.
 */
export function readMultipartFiles(req: Request, limits: UploadLimits): Promise<IncomingFile[]> {
  const type = req.header('content-type') ?? '';
  if (!/^multipart\/form-data\b/i.test(type)) {
    return Promise.reject(new ApiError('invalid_request', 'send the files as multipart/form-data', [{ path: 'body', message: `expected multipart/form-data, got ${type || 'no content type'}` }]));
  }
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: limits.fileBytes, files: limits.files, fields: 20, fieldSize: 10_000, parts: limits.files + 20 }, defParamCharset: 'utf8' });
    } catch (error) {
      reject(new ApiError('invalid_request', 'malformed multipart request', [{ path: 'body', message: (error as Error).message }]));
      return;
    }
    const files: IncomingFile[] = [];
    const pending: Array<Promise<void>> = [];
    let total = 0;
    let failed = false;
    const fail = (error: ApiError) => {
      if (failed) return;
      failed = true;
      req.unpipe(parser);
      // The rest of the body is not read; the connection closes after the answer.
      req.resume();
      reject(error);
    };
    parser.on('file', (field, stream, info) => {
      const chunks: Buffer[] = [];
      const index = files.length + pending.length;
      pending.push(new Promise((done) => {
        stream.on('data', (chunk: Buffer) => {
          total += chunk.length;
          if (total > limits.requestBytes) {
            fail(new ApiError('payload_too_large', `the files of one request may hold at most ${limits.requestBytes / 1024 / 1024} MB`, [{ path: `body.${field}[${index}]`, message: `${info.filename}: over the request's total` }]));
            stream.resume();
            return;
          }
          chunks.push(chunk);
        });
        stream.on('limit', () => fail(new ApiError('payload_too_large', `${info.filename} is larger than ${limits.fileBytes / 1024 / 1024} MB`, [{ path: `body.${field}[${index}]`, message: `${info.filename}: at most ${limits.fileBytes / 1024 / 1024} MB a file` }])));
        stream.on('close', () => {
          if (!failed) files.push({ field, fileName: info.filename ?? '', content: Buffer.concat(chunks) });
          done();
        });
      }));
    });
    parser.on('filesLimit', () => fail(new ApiError('payload_too_large', `at most ${limits.files} files in one request`, [{ path: 'body', message: `at most ${limits.files} files` }])));
    parser.on('partsLimit', () => fail(new ApiError('payload_too_large', 'too many parts in one request', [{ path: 'body', message: 'too many parts' }])));
    parser.on('error', (error: Error) => fail(new ApiError('invalid_request', 'malformed multipart request', [{ path: 'body', message: error.message }])));
    parser.on('close', () => {
      void Promise.all(pending).then(() => {
        if (!failed) resolve(files);
      });
    });
    req.pipe(parser);
  });
}

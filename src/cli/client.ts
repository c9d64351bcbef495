// The CLI's view of the API: one HTTP call at a time, every outcome mapped to an exit code that
// scripts can trust.

/** Exit codes, documented in `shegong --help` and docs/api.md. */
export const EXIT = {
  ok: 0,
  /** The API refused the request (a 4xx answer): bad input, no permission, not found, conflict. */
  refused: 1,
  /** The command line itself is wrong (unknown command, missing argument, unreadable file). */
  usage: 2,
  /** The API could not be reached, or answered 5xx (Temporal or the store down). Retrying may help. */
  unavailable: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    /** The API's error object, when the API answered with one. */
    readonly apiError?: ErrorBody,
    readonly status?: number,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(EXIT.usage, message);

export interface ApiClientOptions {
  url: string;
  token?: string;
  /** Milliseconds before a request counts as unreachable. */
  timeoutMs?: number;
}

export class ApiClient {
  readonly url: string;
  private readonly token?: string;
  private readonly timeoutMs: number;

  constructor(options: ApiClientOptions) {
    try {
      this.url = new URL(options.url).toString().replace(/\/$/, '');
    } catch {
      throw usageError(`not a URL: ${options.url} (set SHEGONG_URL or pass --url)`);
    }
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T = unknown>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** Sends files as multipart/form-data (field "file"); answers like `request`. */
  async upload<T = unknown>(path: string, files: Array<{ name: string; content: Uint8Array }>): Promise<T> {
    const form = new FormData();
    for (const file of files) form.append('file', new Blob([file.content]), file.name);
    return this.request<T>('POST', path, form);
  }

  /**
   * One call. `auth: false` sends no token; `headers` adds headers (a dashboard session's cookie
   * and CSRF token); `onHeaders` sees the answer's headers (the cookies a sign-in sets).
   */
  async request<T = unknown>(method: string, path: string, body?: unknown, options: { auth?: boolean; headers?: Record<string, string>; onHeaders?: (headers: Headers) => void } = {}): Promise<T> {
    const response = await this.send(method, path, body, options, 'application/json');
    options.onHeaders?.(response.headers);
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = undefined;
    }
    if (response.ok) {
      if (parsed === undefined) throw new CliError(EXIT.unavailable, `${method} ${path}: the answer is not JSON (is ${this.url} a Shegong API?)`);
      return parsed as T;
    }
    return this.failure(response, method, path, text);
  }

  /**
   * A file the API answers with (an export, a stored file, a PDF): its bytes, the name the API
   * gives it and its media type; the API's error as a CliError.
   */
  async download(path: string): Promise<{ content: Buffer; fileName: string | undefined; mediaType: string | null }> {
    const response = await this.send('GET', path, undefined, {}, '*/*');
    if (!response.ok) return this.failure(response, 'GET', path, await response.text());
    const disposition = response.headers.get('content-disposition') ?? '';
    const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
    return { content: Buffer.from(await response.arrayBuffer()), fileName: encoded ? decodeURIComponent(encoded) : undefined, mediaType: response.headers.get('content-type') };
  }

  private async send(method: string, path: string, body: unknown, options: { auth?: boolean; headers?: Record<string, string> }, accept: string): Promise<Response> {
    const auth = options.auth ?? true;
    if (auth && !this.token) throw usageError('no token: set SHEGONG_TOKEN or pass --token (an admin makes one with `shegong token create`)');
    try {
      return await fetch(`${this.url}${path}`, {
        method,
        headers: {
          accept,
          // A FormData body (an upload) sets its own multipart content type.
          ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
          ...(auth ? { authorization: `Bearer ${this.token}` } : {}),
          ...options.headers,
        },
        body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new CliError(EXIT.unavailable, `cannot reach the API at ${this.url}: ${why}`);
    }
  }

  private failure(response: Response, method: string, path: string, text: string): never {
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = undefined;
    }
    const apiError = (parsed as { error?: ErrorBody } | undefined)?.error;
    const code = response.status >= 500 || apiError === undefined ? EXIT.unavailable : EXIT.refused;
    const retry = response.headers.get('retry-after');
    const message = apiError
      ? `${response.status} ${apiError.code}: ${apiError.message}${retry ? ` (retry after ${retry} s)` : ''}`
      : `${response.status} from ${method} ${path}, not a Shegong API error (is ${this.url} a Shegong API?)`;
    throw new CliError(code, message, apiError, response.status);
  }
}

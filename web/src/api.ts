// The one way the page talks to the API: same-origin fetch with the session cookie, the CSRF
// token echoed on every change, and the API's error shape turned into an ApiError.

export interface FieldProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details: FieldProblem[] = []) {
    super(message);
  }

  /** The route is not served by this API (yet): another part of the service has not landed. */
  get notAvailable(): boolean {
    return (this.status === 404 && /^no route for /.test(this.message)) || this.status === 405;
  }

  /** The message for one field, matched on the end of its path (`body.name` ~ `name`). */
  fieldMessage(field: string): string | undefined {
    return this.details.find((detail) => detail.path === field || detail.path.endsWith(`.${field}`))?.message;
  }
}

function csrfToken(): string {
  const match = /(?:^|;\s*)sg_csrf=([^;]+)/.exec(document.cookie);
  return match ? decodeURIComponent(match[1] ?? '') : '';
}

let onSignedOut: () => void = () => {};
/** Called when the API says the session has ended, so the page can show the sign-in form. */
export function setSignedOutHandler(handler: () => void) {
  onSignedOut = handler;
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken();
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'network');
  }
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    const details = Array.isArray(error?.details) ? (error.details as FieldProblem[]) : [];
    const failure = new ApiError(response.status, error?.code ?? 'http', error?.message ?? `HTTP ${response.status}`, details);
    if (response.status === 401 && path !== '/api/auth/login') onSignedOut();
    throw failure;
  }
  return parsed as T;
}

export const get = <T = unknown>(path: string) => api<T>('GET', path);
export const post = <T = unknown>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});

/** A query string from the defined entries of an object. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api/client.js';

export interface Polled<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

/** How often live views refresh; tests and screenshots may shorten it with ?poll=ms. */
export const POLL_MS = Number(new URLSearchParams(window.location.search).get('poll')) || 5000;

/**
 * Loads data and reloads it every few seconds while the tab is visible, so live state (a task
 * completed elsewhere, a milestone done) shows without reloading the page. `key` changes restart it.
 */
export function usePolled<T>(load: (() => Promise<T>) | null, key: string, intervalMs = POLL_MS): Polled<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [loading, setLoading] = useState(load !== null);
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);

  const run = useCallback(async (first: boolean) => {
    const current = loadRef.current;
    if (!current) return;
    const mine = ++generation.current;
    if (first) setLoading(true);
    try {
      const value = await current();
      if (mine !== generation.current) return;
      setData(value);
      setError(undefined);
    } catch (caught) {
      if (mine !== generation.current) return;
      setError(caught instanceof ApiError ? caught : new ApiError(0, 'internal', String(caught)));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    setData(undefined);
    setError(undefined);
    if (!loadRef.current) {
      setLoading(false);
      return undefined;
    }
    void run(true);
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void run(false);
    }, intervalMs);
    return () => window.clearInterval(timer);
  }, [key, intervalMs, run]);

  return { data, error, loading, reload: () => void run(false) };
}

/** A form action's state: running, its error, and a runner that clears the error first. */
export function useAction() {
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<ApiError>();
  const run = useCallback(async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setRunning(true);
    setError(undefined);
    try {
      return await action();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, 'internal', String(caught)));
      return undefined;
    } finally {
      setRunning(false);
    }
  }, []);
  return { running, error, run, setError };
}

/**
 * Minimal data loading for a page: runs `fetcher` on mount and whenever `deps` change, keeps the
 * last data while refetching, ignores answers that arrive after a newer request or after unmount.
 * Errors are already toasted by the API client; `error` / `failed` are there for inline states
 * (<ErrorState onRetry={refetch}>).
 */
import { useCallback, useEffect, useRef, useState, type DependencyList } from "react";

export interface ApiQuery<T> {
  data: T | undefined;
  error: unknown;
  /** True until the first answer (success or failure). */
  loading: boolean;
  /** True while any request is in flight. */
  fetching: boolean;
  /** The request failed and nothing was loaded: show <ErrorState>, not the empty state. */
  failed: boolean;
  refetch: () => Promise<void>;
}

export function useApiQuery<T>(fetcher: (signal: AbortSignal) => Promise<T>, deps: DependencyList = []): ApiQuery<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [fetching, setFetching] = useState(false);
  const seq = useRef(0);
  const controller = useRef<AbortController | null>(null);

  const run = useCallback(fetcher, deps);

  const refetch = useCallback(async () => {
    const id = ++seq.current;
    controller.current?.abort();
    const ctrl = new AbortController();
    controller.current = ctrl;
    setFetching(true);
    try {
      const result = await run(ctrl.signal);
      if (id !== seq.current) return;
      setData(result);
      setError(null);
    } catch (err) {
      if (id !== seq.current || ctrl.signal.aborted) return;
      setError(err);
    } finally {
      if (id === seq.current) {
        setFetching(false);
        setLoading(false);
      }
    }
  }, [run]);

  useEffect(() => {
    void refetch();
    return () => {
      seq.current += 1;
      controller.current?.abort();
    };
  }, [refetch]);

  return { data, error, loading, fetching, failed: error != null && data === undefined, refetch };
}

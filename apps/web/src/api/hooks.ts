import { useCallback, useEffect, useState } from 'react';
import { ApiError, get, type Answer, type Query } from './client';
import type { Committee } from './types';

/** A GET for the component's lifetime; `reload(minPosition?)` reads it again (after a write, at the write's position). */
export function useGet<T>(path: string | null, query?: Query) {
  const [answer, setAnswer] = useState<Answer<T> | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const key = path ? path + JSON.stringify(query ?? {}) : null;
  const load = useCallback(
    async (minPosition?: number | null) => {
      if (!path) return;
      try {
        const a = await get<T>(path, { ...(query ?? {}), ...(minPosition ? { minPosition } : {}) });
        setAnswer(a);
        setError(null);
      } catch (e) {
        setError(e as Error);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key],
  );
  useEffect(() => {
    setAnswer(null);
    void load();
  }, [load]);
  return { data: answer?.data ?? null, answer, error, reload: load, setAnswer };
}

let committeesCache: Promise<Committee[]> | null = null;
export function useCommittees(): Committee[] {
  const [list, setList] = useState<Committee[]>([]);
  useEffect(() => {
    committeesCache ??= get<Committee[]>('/api/committees')
      .then((a) => a.data)
      .catch(() => {
        committeesCache = null;
        return [];
      });
    void committeesCache.then(setList);
  }, []);
  return list;
}

/** The committee the user works in, kept for the tab. */
export function useCommitteeChoice(committees: Committee[]): [string, (c: string) => void] {
  const [code, setCode] = useState(() => sessionStorage.getItem('saksflyt.committee') ?? '');
  useEffect(() => {
    if (!code && committees[0]) setCode(committees[0].code);
  }, [code, committees]);
  return [
    code,
    (c: string) => {
      sessionStorage.setItem('saksflyt.committee', c);
      setCode(c);
    },
  ];
}

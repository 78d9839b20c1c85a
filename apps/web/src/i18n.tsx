/**
 * Bokmål by default, English by a switch: every label in both, kept per view in ./labels (each
 * label's two languages side by side). The domain's own words
 * (../shared/DOMAIN.md): sak, møte, vedtak, referat, innkalling, årshjul, oppfølging …
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { LABELS } from './labels';

export type Key = keyof typeof LABELS;

export type Lang = 'nb' | 'en';
export type T = (key: Key, vars?: Record<string, string | number>) => string;

const Ctx = createContext<{ lang: Lang; setLang: (l: Lang) => void; t: T }>(null as never);

const STORE = 'saksflyt.lang';

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(STORE) === 'en' ? 'en' : 'nb'));
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem(STORE, l);
    setLangState(l);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const t = useCallback<T>(
    (key, vars) => {
      let s = LABELS[key]?.[lang] ?? key;
      if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
      return s;
    },
    [lang],
  );
  const value = useMemo(() => ({ lang, setLang, t }), [lang, setLang, t]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export const useI18n = () => useContext(Ctx);
export const useT = () => useContext(Ctx).t;

/** "6. desember 2018" / "6 December 2018" */
export function formatDate(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '–';
  const d = new Date(iso.length === 10 ? iso + 'T12:00:00Z' : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(lang === 'nb' ? 'nb-NO' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: iso.length === 10 ? 'UTC' : undefined });
}

export function formatTime(iso: string, lang: Lang): string {
  const d = new Date(iso);
  return d.toLocaleString(lang === 'nb' ? 'nb-NO' : 'en-GB', { dateStyle: 'medium', timeStyle: 'medium' });
}

/** Hash routes (`#/vedtak`, `#/mote/<id>`, `#/sak/<id>`): the server serves one page at `/`, and nothing secret is ever in the address. */
import { useSyncExternalStore } from 'react';

export type Route =
  | { view: 'arshjul' }
  | { view: 'saker' }
  | { view: 'mote'; id: string }
  | { view: 'sak'; id: string }
  | { view: 'vedtak' }
  | { view: 'portefolje' }
  | { view: 'oppfolging' }
  | { view: 'revisjon' }
  | { view: 'medlemmer' };

export function parse(hash: string): Route {
  const [, view = '', id = ''] = hash.replace(/^#/, '').split('/');
  switch (view) {
    case 'saker':
    case 'vedtak':
    case 'portefolje':
    case 'oppfolging':
    case 'revisjon':
    case 'medlemmer':
      return { view };
    case 'mote':
      return id ? { view: 'mote', id: decodeURIComponent(id) } : { view: 'arshjul' };
    case 'sak':
      return id ? { view: 'sak', id: decodeURIComponent(id) } : { view: 'saker' };
    default:
      return { view: 'arshjul' };
  }
}

export const href = (r: Route): string => ('id' in r ? `#/${r.view}/${encodeURIComponent(r.id)}` : `#/${r.view}`);

export function useRoute(): Route {
  const hash = useSyncExternalStore(
    (l) => {
      window.addEventListener('hashchange', l);
      return () => window.removeEventListener('hashchange', l);
    },
    () => location.hash,
  );
  return parse(hash);
}

export const go = (r: Route) => {
  location.hash = href(r);
};

/**
 * The demo's member logins: a few real NEHS members (from fixtures/records) whose seats the demo
 * links to tokens of the demo tokens file, so that `npm start` can be tried as a member too
 * (answering a written procedure with their own token). A login is not a fact of the records (the
 * records name people, not how they sign in), so the records stay as they are: the demo links the
 * seats after importing them, through the same command as `PATCH /api/committees/{code}/members/{id}`.
 */
import { randomBytes } from 'node:crypto';
import type { CommandContext, Workflow } from '@saksflyt/workflow';

export interface DemoLogin {
  committee: string;
  /** The seat, as the records name it (a current member with this name and organisation). */
  name: string;
  organisation: string;
  /** The tokens-file entry's `id`, linked to the seat. */
  userId: string;
}

export const DEMO_LOGINS: readonly DemoLogin[] = [
  { committee: 'NEHS', name: 'Bjørn Guldvog', organisation: 'Helsedirektoratet', userId: 'demo-nehs-guldvog' },
  { committee: 'NEHS', name: 'Cathrine Lofthus', organisation: 'Helse Sør-Øst RHF', userId: 'demo-nehs-lofthus' },
  { committee: 'NEHS', name: 'Lars Vorland', organisation: 'Helse Nord RHF', userId: 'demo-nehs-vorland' },
];

/** The demo members' entries of a new tokens file (a random token each). */
export function demoTokenEntries(token: () => string = () => randomBytes(24).toString('base64url')): Record<string, { id: string; name: string; roles: { role: 'member'; committee: string }[] }> {
  return Object.fromEntries(DEMO_LOGINS.map((l) => [token(), { id: l.userId, name: l.name, roles: [{ role: 'member' as const, committee: l.committee }] }]));
}

/**
 * Links each demo login's seat (after the records are imported). A seat not found (records without
 * that member) or linked already is left as it is; the names of the seats linked now are answered.
 */
export async function linkDemoLogins(wf: Workflow, ctx: Omit<CommandContext, 'actor'>): Promise<{ linked: string[]; missing: string[] }> {
  const out = { linked: [] as string[], missing: [] as string[] };
  const actor = { name: 'Saksflyt (demo)', roles: [{ role: 'admin' }] };
  for (const l of DEMO_LOGINS) {
    const c = await wf.getCommittee(l.committee).catch(() => null);
    const seat = c?.members.find((m) => m.name === l.name && m.organisation === l.organisation);
    if (!seat) out.missing.push(`${l.name} (${l.committee})`);
    else if (seat.userId === undefined) {
      await wf.linkMemberLogin(l.committee, seat.id, { userId: l.userId }, { ...ctx, actor });
      out.linked.push(`${l.name} (${l.committee})`);
    }
  }
  return out;
}

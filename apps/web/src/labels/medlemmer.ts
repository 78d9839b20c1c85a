/** The labels of Medlemmer: the committee's members. */
import type { Labels } from './types.js';

export const medlemmer = {
  medlemmerIntro: { nb: 'Utvalgets medlemmer med rolle og periode. Administrator og utvalgets sekretariat legger til og avslutter medlemskap.', en: "The committee's members with their role and term. The admin and the committee's secretariat add members and end memberships." },
  'role.chair': { nb: 'Leder', en: 'Chair (leder)' },
  'role.member': { nb: 'Medlem', en: 'Member (medlem)' },
  'role.deputy': { nb: 'Vara', en: 'Deputy (vara)' },
  organisation: { nb: 'Virksomhet', en: 'Organisation' },
  deputyFor: { nb: 'Vara for', en: 'Deputy for' },
  term: { nb: 'Periode', en: 'Term' },
  termFrom: { nb: 'Fra dato', en: 'From' },
  termTo: { nb: 'Til dato', en: 'To' },
  addMember: { nb: 'Legg til medlem', en: 'Add a member' },
  endMember: { nb: 'Avslutt', en: 'End' },
  endMemberOf: { nb: 'Avslutt medlemskapet til {name}', en: 'End the membership of {name}' },
  memberAdded: { nb: '{name} er lagt til.', en: '{name} is added.' },
  memberEnded: { nb: 'Medlemskapet til {name} er avsluttet.', en: 'The membership of {name} has ended.' },
  formerMembers: { nb: 'Tidligere medlemmer', en: 'Former members' },
  noMembers: { nb: 'Ingen medlemmer ennå.', en: 'No members yet.' },
  memberUserId: { nb: 'Bruker-ID for innlogging', en: 'Sign-in user id' },
  memberUserIdHelp: { nb: 'Identiteten medlemmet logger inn med (sub i OIDC-tokenet, eller id i tokenfila). Trengs for å svare ved skriftlig behandling.', en: 'The identity the member signs in with (sub in the OIDC token, or id in the tokens file). Needed to answer written procedures.' },
} satisfies Labels;

/**
 * Realistic inputs built from the real records in ../shared/seeds/002_*.txt: the minutes of
 * NEHS Møte 8/2018 (6 December 2018, Vedlegg 1 of the next notice) and the notice of Møte
 * 1/2019. Titles, names, summaries and *vedtak* are verbatim from the record (the record's hard
 * line wraps joined); the record itself keeps follow-ups inside its running text, and here the
 * promises it makes ("... vil ...") are lifted out as follow-ups, also verbatim.
 */
import type { MemberEntry, MinutesCase, MinutesDocument, NoticeDocument } from '@saksflyt/documents';

/** The sample's shape: plain names and plain follow-up texts, so tests can compare strings. */
export interface SampleMinutes extends MinutesDocument {
  attendance: { present: string[]; absent: string[]; observers: string[]; secretariat: string[]; guests?: string[] };
  cases: (MinutesCase & { followUps: string[] })[];
}

const members: MemberEntry[] = [
  { name: 'Christine Bergland', organisation: 'Direktoratet for e-helse', role: 'chair' },
  { name: 'Cathrine Lofthus', organisation: 'Helse Sør-Øst RHF', role: 'member' },
  { name: 'Stig Slørdahl', organisation: 'Helse Midt-Norge RHF', role: 'member' },
  { name: 'Lars Vorland', organisation: 'Helse Nord RHF', role: 'member' },
  { name: 'Herlof Nilssen', organisation: 'Helse Vest RHF', role: 'member' },
  { name: 'Gunn-Peggy S. Knudsen', organisation: 'Folkehelseinstituttet', role: 'member' },
  { name: 'Camilla Dunsæd', organisation: 'Kristiansand kommune', role: 'member' },
  { name: 'Trond Brattland', organisation: 'Tromsø kommune', role: 'member' },
  { name: 'Benedicte Løseth', organisation: 'Bergen kommune', role: 'member' },
  { name: 'Arild Sundberg', organisation: 'Oslo kommune', role: 'member' },
  { name: 'Inger Østensjø', organisation: 'KS', role: 'member' },
  { name: 'Kristin W. Wieland', organisation: 'KS', role: 'member' },
  { name: 'Ivar Halvorsen', organisation: 'Legeforeningen', role: 'member' },
  { name: 'Anne-Lise Ryel', organisation: 'Kreftforeningen', role: 'member' },
  { name: 'Lilly Ann Elvestad', organisation: 'FFO', role: 'member' },
  { name: 'Bjørn Guldvog', organisation: 'Helsedirektoratet', role: 'member' },
  { name: 'Steffen Sutorius', organisation: 'DIFI', role: 'member' },
  { name: 'Håkon Grimstad', organisation: 'Norsk Helsenett SF', role: 'observer' },
];

const ORIENTERING = 'Nasjonalt e-helsestyre tar saken til orientering.';

/** NEHS Møte 8/2018, as recorded; `status` and `builtAtPosition` are set per test. */
export function minutes8of2018(): SampleMinutes {
  return {
    committee: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' },
    meeting: { number: '8/2018', date: '2018-12-06', startTime: '10:00', endTime: '15:00', place: 'Radisson Blu Gardermoen' },
    members,
    attendance: {
      present: [
        'Christine Bergland', 'Stig Slørdahl', 'Herlof Nilssen', 'Gunn-Peggy S. Knudsen', 'Trond Brattland',
        'Benedicte Løseth', 'Camilla Dunsæd', 'Arild Sundberg', 'Bjørn Guldvog', 'Kristin W. Wieland',
        'Inger Østensjø', 'Ivar Halvorsen', 'Lilly Ann Elvestad', 'Steffen Sutorius', 'Anne-Lise Ryel',
      ],
      absent: ['Lars Vorland', 'Cathrine Lofthus'],
      observers: ['Håkon Grimstad'],
      secretariat: [
        'Karl Vestli', 'Bodil Rabben', 'Siv Ingebrigtsen', 'Vidar Mikkelsen', 'Sonja T. Brugman', 'Camilla Smaadal', 'Kristin Bang',
      ],
    },
    status: 'approved',
    builtAtPosition: 1234,
    cases: [
      {
        number: '47/18', title: 'Godkjenning av innkalling og dagsorden', type: 'approval', standardItem: 'notice-approval',
        summary: 'Ingen innspill til innkalling og dagsorden.', points: [], followUps: [],
        resolution: 'Nasjonalt e-helsestyre godkjenner innkalling og dagsorden.',
      },
      {
        number: '48/18', title: 'Godkjenning av referat fra møtet 12.september 2018', type: 'approval', standardItem: 'minutes-approval',
        summary: 'Ingen innspill til referatet.', points: [], followUps: [],
        resolution: 'Nasjonalt e-helsestyre godkjenner referat fra møtet 12.09.2018.',
      },
      {
        number: '49/18', title: 'Endring av mandat og medlemmer', type: 'orientation',
        presenter: 'Sonja Turøy Brugman, Direktoratet for e-helse',
        summary:
          'Sonja Turøy Brugman, Direktoratet for e-helse, informerte om endring i mandatet til Nasjonal e-helsestyre. ' +
          'Det er besluttet at Legeforeningen skal være representert med en fastlege i styret. Siden flere av aktørene ' +
          'sine representanter i de nasjonale utvalgene har endret eller sluttet i sine stillinger ble det informert om ' +
          'nye representanter i utvalgene i Nasjonal styringsmodell.',
        points: ['Det ble påpekt at DIFI er medlem av Nasjonalt e-helsestyre og at dette ikke kommer frem i mandatet i sakspapirene.'],
        followUps: ['Direktoratet for e-helse vil oppdatere mandatet.'],
        resolution: ORIENTERING,
      },
      {
        number: '50/18', title: 'Orientering fra Direktoratet for e-helse', type: 'orientation',
        presenter: 'Karl Vestli, Direktoratet for e-helse',
        summary:
          'Karl Vestli, Direktoratet for e-helse, orienterte Nasjonalt e-helsestyre om følgende saker:\n\n' +
          'Nr. 1 Statsbudsjettet\nDet ble informert om endringer i forslaget til statsbudsjett for Direktoratet for e-helse.\n\n' +
          'NR. 2 Nasjonal tjenesteleverandør\nHelse- og omsorgsdepartementet har gitt tilbakemelding på at regjeringen har ' +
          'tilsluttet seg videre arbeid med å etablere en nasjonal tjenesteleverandør fra 1.januar 2020. Direktoratet for ' +
          'e-helse har fått nytt oppdrag om å konkretisere direktoratets rolle og anslå hvilke oppgaver og ansatte som ' +
          'anbefales overført til nasjonal tjenesteleverandør. Endelig rapport skal leveres 26.februar 2019.\n\n' +
          'NR. 3 Nasjonal journal- og samhandlingsløsning\nDirektoratet for e-helse overleverte konseptvalgutredningen til ' +
          'helse- og omsorgsdepartementet 6. juli 2018.\n\n' +
          'NR. 4 Utviklingstrekkrapport 2019\nDirektoratet for e-helse jobber med en ny utviklingstrekkrapport. Den skal ' +
          'publiseres i januar 2019.',
        points: [
          'Nasjonalt e-helsestyre ønsker å delta i diskusjonen om styringsmodeller.',
          'Det kom forslag om at Helse- og omsorgsdepartementet kunne inviteres til Nasjonalt e-helsestyre for å informere om prosessen de planlegger.',
        ],
        followUps: ['Direktoratet vil sette samstyring og finansieringsmodeller på agendaen for neste møte.'],
        resolution: 'Nasjonalt e-helsestyre tar sakene til orientering.',
      },
      {
        number: '51/18', title: 'Nasjonal e-helsestrategi og Strategisk plan', type: 'endorsement',
        presenter: 'Karl Vestli, Direktoratet for e-helse',
        summary:
          'Karl Vestli, Direktoratet for e-helse, la frem Nasjonal e-helsestrategi 2017-2022 og forslag til Strategisk plan ' +
          'for e-helse 2019-2022 for tilslutning. Dette skal være helse- og omsorgssektorens felles strategiske plan for IKT ' +
          'og digitalisering, og beskriver innsatsen som er nødvendig for å realisere målbildet i Nasjonal e-helsestrategi ' +
          '2017 – 2022.\n\nFølgende områder bør beskrives nærmere i dokumentene:',
        points: [
          'Det er utydelig hvordan innsatsen skal finansieres. Dersom sektoren skal bære kostnadene alene, må det fremkomme hvordan sektoren skal involveres.',
          'Direktoratet må analysere avhengigheter og beskrive rekkefølgen for gjennomføringen av strategisk plan.',
          'Det er positiv at innbyggerperspektivet er tydeligere beskrevet, men det bør komme tydeligere frem hvordan helsetjenesten skal spille inn i innbyggernes liv som helhet.',
          'Ledelse og fagutvikling bør presiseres ytterligere. Digital modenhet og evne til å lede digitale endringer er en forutsetning for å realisere strategien.',
        ],
        followUps: [],
        resolution:
          'Nasjonalt e-helsestyre gir sin tilslutning til oppdatert Nasjonal e-helsestrategi 2017-2022 og Strategisk plan for ' +
          'e-helse 2019-2022 med forbehold om at innspillene fra møtet innarbeides.',
      },
      {
        number: '52/18', title: 'Nasjonal e-helseportefølje 2019', type: 'endorsement',
        presenter: 'Siv Ingebrigtsen, Direktoratet for e-helse',
        summary:
          'Siv Ingebrigtsen, Direktoratet for e-helse, orienterte om status, risiko og sentrale utfordringer for pågående ' +
          'nasjonal e-helseportefølje. NUIT sine innspill fra møtet 21. november ble presentert, og Nasjonal ' +
          'e-helseportefølje 2019 ble lagt frem for tilslutning.\n\n' +
          'Nasjonalt e-helsestyre synes det er krevende å se avhengighetene mellom prosjektene og programmene i porteføljen. ' +
          'Det er viktig å få laget et helhetlig veikart for strategiske tiltak i sektoren. Direktoratet er enig i behovet ' +
          'og har som mål å lage dette veikartet i 2019.\n\n' +
          'Prosjektet MF Helse rapporteres med høy risiko blant annet fordi kommunene i stor grad ikke har innført eID (PKI).',
        points: [
          'Nasjonalt e-helsestyre påpekte at diskusjonen forsterker behovet for et helhetlig veikart for strategiske tiltak i sektoren.',
          'Kommunesektoren ønsker raskere fremdrift og mer kraft på dette området.',
        ],
        followUps: [
          'MF Helse vil settes på agendaen for neste møte i Nasjonalt e-helsestyre.',
          'Det vil bli satt opp en sak om Velferdsteknologisk knutepunkt på neste møte i Nasjonalt e-helsestyre.',
        ],
        resolution:
          'Nasjonalt e-helsestyre tilslutter seg Nasjonal e-helseportefølje 2019 og tar status, risiko og sentrale ' +
          'utfordringer for pågående nasjonal portefølje til orientering.',
      },
      {
        number: '53/18', title: 'Plan for utvikling av felles grunnmur', type: 'orientation',
        presenter: 'Vidar Mikkelsen, Direktoratet for e-helse',
        summary:
          'Vidar Mikkelsen, Direktoratet for e-helse orienterte om behovet for en felles grunnmur for digitale tjenester og ' +
          'status for arbeidet.',
        points: ['Nasjonalt e-helsestyre presiserte at de gir sin støtte til det videre arbeidet.'],
        followUps: ['Direktoratet ønsker å komme tilbake til Nasjonalt e-helsestyre og presentere rapporten og arbeidet mer i dybden.'],
        resolution: ORIENTERING,
      },
      {
        number: '54/18', title: 'Orientering fra sektor: Presentasjon av KS sin styringsmodell', type: 'orientation',
        presenter: 'Kristin W. Wieland, KS',
        summary:
          'Kristin W. Wieland fra KS informerte om modellen for styring og organisering av digitaliseringsarbeidet i ' +
          'kommunal sektor.',
        points: ['Nasjonalt e-helsestyre mener det er viktig at KS får mandat til å lede og koordinere den kommunale innsatsen på e-helseområdet.'],
        followUps: [],
        resolution: ORIENTERING,
      },
      {
        number: '55/18', title: 'Orientering fra sektor: Felles plan for EPJ i RHF-ene', type: 'orientation',
        presenter: 'Erik M. Hansen, Helse Vest RHF',
        summary:
          'Erik M. Hansen, Helse Vest RHF, orienterte om felles plan fra RHF-ene som ble overlevert Helse- og ' +
          'omsorgsdepartementet 1.november. Planen beskriver hvordan RHF-ene skal bidra til å realisere målbildet gitt i ' +
          'Én innbygger – én journal.',
        points: [
          'Det ble påpekt at øvrig sektor, spesielt kommunene, med fordel kunne vært invitert til å gi innspill til planen og hvordan sykehus og kommuner kan samarbeide.',
        ],
        followUps: ['RHF-ene vil ta med seg innspillet.'],
        resolution: ORIENTERING,
      },
      {
        number: '56/18', title: 'Helsedataprogrammet', type: 'orientation',
        presenter: 'Marianne Braaten, Direktoratet for e-helse',
        summary:
          'Marianne Braaten, Direktoratet for e-helse, orienterte Nasjonalt e-helsestyre om status for Helsedataprogrammet, ' +
          'med vekt på de mest sentrale sakene som gjelder etableringen av Helseanalyseplattformen og utredning av ' +
          'forvaltningsmodell og tilgangsforvalter for Helseanalyseplattformen.',
        points: [],
        followUps: [],
        resolution: ORIENTERING,
      },
      {
        number: '57/18', title: 'Eventuelt', type: 'orientation', standardItem: 'any-other-business',
        points: [
          'Felles innsats for økt datakvalitet: Orientering ved Christine Bergland. Nasjonalt e-helsestyre tar saken til orientering.',
          'KomUt er foreslått nedlagt i statsbudsjettet: Orientering ved Kristin Wieland, KS. Nasjonalt e-helsestyre oppfordrer kommunene og KS til å fortsette arbeidet opp mot departementet med å finne en løsning. Saken tas til orientering.',
        ],
        followUps: [],
      },
    ],
  };
}

/** The notice of NEHS Møte 1/2019, as recorded. */
export function notice1of2019(): NoticeDocument {
  return {
    committee: { code: 'NEHS', name: 'Nasjonalt e-helsestyre' },
    meeting: { number: '1/2019', date: '2019-02-15', startTime: '10:00', endTime: '12:00', place: 'Radisson Blu, Gardermoen' },
    members,
    builtAtPosition: 2345,
    cases: [
      {
        number: '1/19', title: 'Godkjenning av innkalling og dagsorden', type: 'approval', standardItem: 'notice-approval',
        proposedResolution: 'Nasjonalt e-helsestyre godkjenner innkalling og dagsorden.',
      },
      {
        number: '2/19', title: 'Godkjenning av referat fra møtet 6.desember 2018', type: 'approval', standardItem: 'minutes-approval',
        proposedResolution: 'Nasjonalt e-helsestyre godkjenner referat fra møtet 6.desember 2018.',
      },
      {
        number: '3/19',
        title:
          'Prosjekt Én innbygger – én journal: Helhetlig samhandling og felles journal for kommunal helse- og omsorgstjeneste. ' +
          'Presentasjon av ekstern kvalitetssikring (KS1)',
        type: 'orientation',
        background:
          'Direktoratet for e-helse vil orientere om resultatet fra ekstern kvalitetssikring av konseptvalgutredning for ' +
          'nasjonal løsning for kommunal helse- og omsorgstjeneste. Direktoratet for e-helse overleverte ' +
          'konseptvalgutredningen til Helse- og omsorgsdepartementet 6. juli 2018. Rapporten med vedlegg er tilgjengelig ' +
          'på ehelse.no.',
        proposedResolution: 'Nasjonalt e-helsestyre tar saken til orientering.',
      },
      {
        number: '4/19', title: 'Ny e-helseorganisering', type: 'orientation',
        background:
          'Direktoratet for e-helse vil orientere om status i arbeidet knyttet til ny e-helseorganisering. Dette gjelder ' +
          'pågående prosesser sammen med Helse- og omsorgsdepartementet (HOD), rapport om direktoratets myndighetsrolle og ' +
          'videre prosess.',
        proposedResolution: 'Nasjonalt e-helsestyre tar saken til orientering.',
      },
      { number: '5/19', title: 'Eventuelt', type: 'orientation', standardItem: 'any-other-business' },
    ],
  };
}

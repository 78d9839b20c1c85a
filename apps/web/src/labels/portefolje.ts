/** The labels of Portefølje: the portfolio. */
import type { Labels } from './types.js';

export const portefolje = {
  portefoljeIntro: { nb: 'Prosjektene i nasjonal e-helseportefølje etter fase og status, med risiko og vedtakene som berørte dem.', en: 'The projects of the national e-health portfolio by phase and status, with risk and the decisions that touched them.' },
  phase: { nb: 'Fase', en: 'Phase' },
  risk: { nb: 'Risiko', en: 'Risk' },
  chart: { nb: 'Prosjekter per fase, fordelt på risiko', en: 'Projects per phase, by risk' },
  unknown: { nb: 'ukjent', en: 'unknown' },
} satisfies Labels;

/**
 * Every label of the workbench, one file per view (bokmål and English side by side in each);
 * a key belongs to the one view that uses it, or to `common` when several do.
 */
import { common } from './common.js';
import { arshjul } from './arshjul.js';
import { saker } from './saker.js';
import { mote } from './mote.js';
import { sak } from './sak.js';
import { commands } from './commands.js';
import { vedtak } from './vedtak.js';
import { portefolje } from './portefolje.js';
import { oppfolging } from './oppfolging.js';
import { revisjon } from './revisjon.js';
import { medlemmer } from './medlemmer.js';

export const LABELS = {
  ...common,
  ...arshjul,
  ...saker,
  ...mote,
  ...sak,
  ...commands,
  ...vedtak,
  ...portefolje,
  ...oppfolging,
  ...revisjon,
  ...medlemmer,
};

/** The files, by name (a test checks that no key is in two of them). */
export const LABEL_FILES = { common, arshjul, saker, mote, sak, commands, vedtak, portefolje, oppfolging, revisjon, medlemmer };

/**
 * Every label of the workbench, one file per view (bokmål and English side by side in each);
 * a key belongs to the one view that uses it, or to `common` when several do.
 */
import { common } from './common';
import { arshjul } from './arshjul';
import { saker } from './saker';
import { mote } from './mote';
import { sak } from './sak';
import { commands } from './commands';
import { vedtak } from './vedtak';
import { portefolje } from './portefolje';
import { oppfolging } from './oppfolging';
import { revisjon } from './revisjon';
import { medlemmer } from './medlemmer';

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

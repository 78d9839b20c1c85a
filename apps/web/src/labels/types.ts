/** A label in both languages, side by side: bokmål (the default) and English. */
export interface Label {
  nb: string;
  en: string;
}
export type Labels = Record<string, Label>;

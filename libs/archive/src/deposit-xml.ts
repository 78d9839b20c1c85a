/**
 * The deposit's section of the XML (`su:deponering`, after the change log): the position and hash
 * of the last event the deposit was built from, and every file of the zip as a Noark 5
 * dokumentbeskrivelse with one dokumentobjekt (referanseDokumentfil, filnavn, sjekksum, mimeType,
 * sjekksumAlgoritme SHA-256, filstoerrelse). The service interface's DokumentobjektType requires a
 * dokumentbeskrivelse of its own (its link back); it repeats the type, status and title.
 */
import type { BuiltFrom, DepositEntry } from './deposit.js';
import { XmlWriter, systemId, uuidV5 } from './xml-writer.js';

export interface DepositSection {
  builtFrom: BuiltFrom;
  entries: readonly DepositEntry[];
}

const DOKUMENTTYPE: Record<DepositEntry['kind'], { kode: string; beskrivelse: string }> = {
  innkalling: { kode: 'innkalling', beskrivelse: 'Møteinnkalling og saksliste' },
  referat: { kode: 'referat', beskrivelse: 'Møtereferat' },
  vedlegg: { kode: 'vedlegg', beskrivelse: 'Vedlegg til saksframlegg' },
  uttrekk: { kode: 'uttrekk', beskrivelse: 'Arkivuttrekk (JSON)' },
  endringslogg: { kode: 'endringslogg', beskrivelse: 'Endringslogg' },
  hendelseslogg: { kode: 'hendelseslogg', beskrivelse: 'Hendelseslogg' },
};
const FERDIG = { kode: 'F', beskrivelse: 'Dokumentet er ferdigstilt' };
const ARKIVFORMAT = { kode: 'A', beskrivelse: 'Arkivformat' };

export function depositSection(w: XmlWriter, s: DepositSection): void {
  w.start('su:deponering').el('su:format', 'saksflyt-deponering/1').el('su:byggetFraPosisjon', String(s.builtFrom.position)).el('su:byggetFraSjekksum', s.builtFrom.hash);
  for (const e of s.entries) {
    const type = DOKUMENTTYPE[e.kind];
    w.start('su:dokumentbeskrivelse')
      .el('as:systemID', uuidV5(`dokument:${e.path}`))
      .el('as:opprettetDato', e.createdAt)
      .el('as:opprettetAv', e.createdBy)
      .code('as:dokumenttype', type)
      .code('as:dokumentstatus', FERDIG)
      .el('as:tittel', e.title);
    if (e.owner) {
      w.start('as:virksomhetsspesifikkeMetadata').start('su:tilhoerer').el('su:enhetstype', e.owner.unit).el('su:systemID', systemId(e.owner.unit === 'moetemappe' ? 'meeting' : 'case', e.owner.id)).end().end();
    }
    w.start('as:dokumentlink').end();
    w.start('as:dokumentobjekt')
      .start('as:dokumentobjekt')
      .el('as:systemID', uuidV5(`dokumentobjekt:${e.path}`))
      .el('as:versjonsnummer', 1)
      .code('as:variantformat', ARKIVFORMAT)
      .el('as:referanseDokumentfil', e.path)
      .el('as:filnavn', e.filename)
      .el('as:sjekksum', e.sha256)
      .el('as:mimeType', e.mimeType)
      .el('as:sjekksumAlgoritme', 'SHA-256')
      .el('as:filstoerrelse', e.size)
      .start('as:dokumentbeskrivelse')
      .code('as:dokumenttype', type)
      .code('as:dokumentstatus', FERDIG)
      .el('as:tittel', e.title)
      .start('as:dokumentlink')
      .end()
      .end()
      .end()
      .end();
    w.end();
  }
  w.end();
}

/**
 * @saksflyt/archive: the audit export (arkivuttrekk) of one committee's year, as JSON
 * (`buildArchive`) and as Noark 5-style XML (`archiveToXml`, valid against
 * libs/archive/schema/saksflyt-arkivuttrekk.xsd). Pure: no I/O, no clock.
 */
export * from './model.js';
export { buildArchive, fieldText } from './build.js';
export { archiveToXml, ARCHIVE_XML_NAMESPACE } from './xml.js';
export { escapeXml, uuidV5, systemId } from './xml-writer.js';
export * from './deposit.js';
export type { DepositSection } from './deposit-xml.js';
export { withBuiltFrom } from './built-from.js';
export { ArchiveFolder, UnitSelector } from './build.js';
export { ArchiveXmlPieces } from './xml.js';
export { DepositZipWriter, JsonArrayText, DEPOSIT_MTIME, type WrittenFile } from './deposit-zip.js';
export * from './deposit-stream.js';

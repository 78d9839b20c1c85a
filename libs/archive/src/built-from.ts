/**
 * Printed proof on an export: the last event it was built from and its hash (the store's
 * `lastEvent`), with the sentence the documents print ("Bygget fra hendelse N, sjekksum …", one
 * rule: `provenanceText` of @saksflyt/documents). The JSON, the XML and the zip deposit carry it.
 */
import { provenanceText } from '@saksflyt/documents';
import type { BuiltFrom } from '@saksflyt/event-store';
import type { Archive } from './model.js';

/** The archive with `header.builtFrom` set from the store's answer (null: an empty log). */
export function withBuiltFrom(archive: Archive, from: BuiltFrom | null): Archive {
  const builtFrom = from
    ? { position: Number(from.position), hash: from.hash, provenance: provenanceText({ builtAtPosition: from.position, builtFrom: from }) }
    : null;
  archive.header.builtFrom = builtFrom;
  return archive;
}

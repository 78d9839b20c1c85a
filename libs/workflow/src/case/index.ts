export * from './lifecycle.js';
export * from './state.js';
export * from './evolve.js';
export * from './fold.js';
export { numberAttachments, type AttachmentBody, type NumberedAttachment } from './attachments.js';
export * from './vote.js';
export * from './refer.js';
export * from './items.js';
export * from './written-procedure.js';

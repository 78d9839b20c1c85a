export * from './lifecycle.js';
export * from './state.js';
export * from './evolve.js';
export * from './fold.js';
export { numberAttachments, type AttachmentBody, type NumberedAttachment } from './attachments.js';

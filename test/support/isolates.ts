// Text as a person reads it: without the invisible isolate marks (U+2066–U+2069) the UI
// puts around names, paths and addresses inside translated sentences.
export function withoutIsolates(text: string): string {
  return text.replace(/[\u2066-\u2069]/g, '');
}

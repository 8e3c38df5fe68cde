// Keeping values in their own direction inside translated sentences. An address such as
// 192.168.1.20:5000, a path such as photos/2024 or a fingerprint reads left to right even
// in a Persian sentence; a name keeps whatever direction its first letter gives it. The
// isolate characters (Unicode UAX #9) stop the sentence's direction from reordering them.

const LRI = '\u2066';
const FSI = '\u2068';
const PDI = '\u2069';

/** A value that always reads left to right: addresses, ports, fingerprints, paths, URLs. */
export function ltr(value: string): string {
  return `${LRI}${value}${PDI}`;
}

/** A value of unknown direction (a name, a message someone typed): isolated, direction from its text. */
export function isolate(value: string): string {
  return `${FSI}${value}${PDI}`;
}

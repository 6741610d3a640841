/** A small dataset: what a module gets injected instead of loading it itself. */
export class Corpus {
  constructor(readonly sentences: readonly string[]) {}

  /** How many words each sentence has. */
  lengths(): number[] {
    return this.sentences.map((sentence) => sentence.split(/\s+/).filter(Boolean).length);
  }
}

/** Loads the corpus (here from memory; a real one reads files or a service). */
export function loadCorpus(): Corpus {
  return new Corpus(['research code where running and retrieving are one', 'ask again and the stored result comes back', 'sweeps are loops']);
}

import { Config, Field, Interface, inject, injectable } from '@machinable/core';
import { Corpus } from './corpus.js';
import { LOG, type Log } from './log.js';

@Config()
export class WordsConfig {
  /** Sentences at most this long count as short. */
  @Field({ type: 'int' }) short = 5;
}

/** Counts short sentences of a corpus it does not load itself: the project's container gives it. */
@injectable()
export default class Words extends Interface<WordsConfig> {
  static Config = WordsConfig;

  constructor(
    readonly corpus: Corpus,
    @inject(LOG) private readonly log: Log,
  ) {
    super();
  }

  run(): void {
    const short = this.corpus.lengths().filter((length) => length <= this.config.short).length;
    this.log.info(`${short} of ${this.corpus.sentences.length} sentences have at most ${this.config.short} words`);
    this.saveFile('result.json', { short, total: this.corpus.sentences.length });
  }

  summary(): string {
    const { short, total } = this.loadFile<{ short: number; total: number }>('result.json');
    return `${short} of ${total} sentences are short (at most ${this.config.short} words)`;
  }
}

// The project's declaration: every process of the project reads it (the CLI, a process pool's
// children, cluster jobs), so a module gets the same providers wherever it is computed.
import { defineProject } from '@machinable/core';
import { Corpus, loadCorpus } from './corpus.js';
import { ConsoleLog, LOG } from './log.js';

export default defineProject({
  providers: [
    // A dataset, loaded once per process, the first time a module asks for it.
    { provide: Corpus, useFactory: () => loadCorpus() },
    // A logger, by token: a module asks for `@inject(LOG)`.
    { provide: LOG, useClass: ConsoleLog },
  ],
});

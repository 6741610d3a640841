// A project that keeps its records with FolderStorage: every process of the project (the CLI, a
// process pool's children, cluster jobs) reads this declaration and opens the same storage.
import { FolderStorage } from './folder-storage.mjs';

export default {
  storage: (project) => new FolderStorage({ root: `${project.directory}/records` }),
};

/**
 * create-machinable as a library: the project template that `npm create machinable` and
 * `machinable init` share, and how it is written. The binary is bin/create.js.
 */
export { projectFiles, packageName, FIRST_MODULE, FIRST_COMMAND, type TemplateOptions } from './project-template.js';
export { takenFiles, writeProject, nextSteps } from './write-project.js';
export { main, ownVersion } from './main.js';

/**
 * Loads the Reflect metadata polyfill, which decorator metadata (`design:type`) needs before any
 * class is decorated: every entry of core imports this first.
 */
import { requireDependency } from './require-dependency.js';

requireDependency('reflect-metadata');

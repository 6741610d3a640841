import { Interface } from '@machinable/core';

/** A run to store with the plugged-in storage. */
export default class Estimate extends Interface {
  run() {
    this.saveFile('result.json', { value: 42 });
  }
}

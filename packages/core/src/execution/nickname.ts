import { randomInt } from 'node:crypto';

const ADJECTIVES = [
  'amber', 'brave', 'calm', 'chocolate', 'clever', 'crimson', 'dapper', 'eager', 'fancy', 'gentle',
  'golden', 'happy', 'honest', 'jolly', 'keen', 'lively', 'lucky', 'mellow', 'nimble', 'noble',
  'plucky', 'quiet', 'rapid', 'shiny', 'silver', 'sunny', 'swift', 'tidy', 'velvet', 'witty',
];
const ANIMALS = [
  'albatross', 'badger', 'beaver', 'bison', 'camel', 'condor', 'coyote', 'dolphin', 'falcon', 'ferret',
  'gecko', 'heron', 'ibis', 'jackal', 'koala', 'lemur', 'lynx', 'marmot', 'mosquito', 'narwhal',
  'otter', 'panda', 'puffin', 'quail', 'raven', 'salmon', 'tapir', 'walrus', 'wombat', 'yak',
];

/** A memorable name for an execution, `chocolate_mosquito` style. Not unique: the uuid is. */
export function nickname(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${ANIMALS[randomInt(ANIMALS.length)]}`;
}

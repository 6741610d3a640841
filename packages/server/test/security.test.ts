/** The server's security helpers, by themselves: tokens, loopback addresses, file paths. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostName, HttpError, inside, isLoopback, newToken, offeredToken, recordFile, sameToken } from '@machinable/server';

describe('security: tokens', () => {
  it('newToken makes 256 random bits, base64url', () => {
    const a = newToken();
    assert.match(a, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, newToken());
  });

  it('sameToken compares whole tokens only', () => {
    assert.equal(sameToken('abc', 'abc'), true);
    assert.equal(sameToken('ab', 'abc'), false);
    assert.equal(sameToken(undefined, 'abc'), false);
  });

  it('offeredToken reads Bearer, X-Machinable-Token and the cookie', () => {
    assert.equal(offeredToken({ authorization: 'Bearer t1' }), 't1');
    assert.equal(offeredToken({ 'x-machinable-token': 't2' }), 't2');
    assert.equal(offeredToken({ cookie: 'a=1; machinable_token=t%3D3; b=2' }), 't=3');
    assert.equal(offeredToken({ authorization: 'Basic xyz' }), undefined);
    assert.equal(offeredToken({}), undefined);
  });
});

describe('security: loopback', () => {
  it('knows the addresses only this machine reaches', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) assert.equal(isLoopback(host), true, host);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.org', '']) assert.equal(isLoopback(host), false, host);
  });

  it('hostName strips the port of a Host header', () => {
    assert.equal(hostName('127.0.0.1:8000'), '127.0.0.1');
    assert.equal(hostName('[::1]:8000'), '::1');
    assert.equal(hostName('localhost'), 'localhost');
    assert.equal(hostName(undefined), '');
  });
});

describe('security: record file paths', () => {
  // What a storage lists of a record (a link out of the record is not among them: the filesystem
  // storage leaves it out, see storage-fs's files()).
  const files = ['alias.json', 'id.json', 'result.json', 'sub/x.txt'];

  it('gives files the storage lists, nested ones and links within the record included', () => {
    assert.equal(recordFile('result.json', files), 'result.json');
    assert.equal(recordFile('sub/x.txt', files), 'sub/x.txt');
    assert.equal(recordFile('alias.json', files), 'alias.json');
  });

  for (const path of ['../parent.json', '../../a/parent.json', 'sub/../result.json', './result.json', '/etc/passwd', 'sub\\..\\..\\parent.json', 'result.json\0', '', 'sub', 'sub/', '.machinable', 'link.txt', 'missing.json']) {
    it(`refuses ${JSON.stringify(path)} with a 404`, () => {
      assert.throws(() => recordFile(path, [...files, '.machinable', 'sub/../result.json']), (error: unknown) => error instanceof HttpError && error.statusCode === 404);
    });
  }

  it('inside() is about path segments, not prefixes', () => {
    assert.equal(inside('/a/b', '/a/b/c'), true);
    assert.equal(inside('/a/b', '/a/b'), true);
    assert.equal(inside('/a/b', '/a/bc'), false);
    assert.equal(inside('/a/b', '/a'), false);
  });
});

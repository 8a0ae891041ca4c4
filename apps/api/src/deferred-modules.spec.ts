import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runNodeScript } from '@gateway/testing';
import { DEFERRED_MODULES } from './deferred-modules';

// Runs in a child process: Jest's module registry does not read Node's module cache, which the
// module under test fills. DEFER=1 imports it first, as main.ts does. Prints whether any of
// libphonenumber-js is loaded once class-validator is, then what class-validator answers for phone
// numbers (which loads it) and whether it is loaded after that.
const SCRIPT = `
const entry = require.resolve('libphonenumber-js/max', { paths: [require('path').dirname(require.resolve('class-validator'))] });
// The stand-in sits under the entry's name: what counts is what the entry loads.
const phoneFiles = () => Object.keys(require.cache).filter((path) => path.includes('/libphonenumber-js/') && path !== entry).length;
if (process.env.DEFER) require(process.env.MODULE);
const { isPhoneNumber, validateSync, IsPhoneNumber } = require('class-validator');
const atLoad = phoneFiles();
class Contact {}
IsPhoneNumber('DE')(Contact.prototype, 'phone');
const contact = Object.assign(new Contact(), { phone: '12' });
process.stdout.write(JSON.stringify({
  atLoad,
  answers: [isPhoneNumber('+14155552671'), isPhoneNumber('+1 555'), isPhoneNumber('030 1234567', 'DE')],
  refused: validateSync(contact).map((error) => Object.keys(error.constraints ?? {})).flat(),
  afterUse: phoneFiles() > 0,
}));
`;

interface Run {
  atLoad: number;
  answers: boolean[];
  refused: string[];
  afterUse: boolean;
}

function run(defer: boolean): Run {
  const stdout = runNodeScript(SCRIPT, {
    MODULE: require.resolve('./deferred-modules'),
    DEFER: defer ? '1' : '',
  });
  return JSON.parse(stdout) as Run;
}

describe('modules the api defers (imported by main.ts before class-validator)', () => {
  it("names what class-validator's IsPhoneNumber requires when it loads", () => {
    const decorator = join(dirname(require.resolve('class-validator')), 'decorator/string/IsPhoneNumber.js');
    const required = [...readFileSync(decorator, 'utf8').matchAll(/require\("([^"]+)"\)/g)].map(
      ([, name]) => name,
    );
    expect(required).toContain(DEFERRED_MODULES[0]!.request);
  });

  it('keeps libphonenumber-js out of a process that loads class-validator, until a phone number is validated', () => {
    const deferred = run(true);
    expect(deferred.atLoad).toBe(0);
    expect(deferred.answers).toEqual([true, false, true]);
    expect(deferred.refused).toEqual(['isPhoneNumber']);
    expect(deferred.afterUse).toBe(true);
    // Without the stand-in it loads with class-validator, and answers the same.
    const plain = run(false);
    expect(plain.atLoad).toBeGreaterThan(0);
    expect(plain.answers).toEqual(deferred.answers);
    expect(plain.refused).toEqual(deferred.refused);
  });
});

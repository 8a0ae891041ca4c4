import { LOW_OPEN_FILES, openFilesWarning, softOpenFilesLimit } from './open-files';

const limits = (soft: string, hard: string) =>
  [
    'Limit                     Soft Limit           Hard Limit           Units',
    'Max processes             95737                95737                processes',
    `Max open files            ${soft.padEnd(20)} ${hard.padEnd(20)} files`,
    'Max locked memory         8388608              8388608              bytes',
  ].join('\n');

describe('open files', () => {
  it('reads the soft limit, not the hard one', () => {
    expect(softOpenFilesLimit(limits('1024', '524288'))).toBe(1024);
    expect(softOpenFilesLimit(limits('unlimited', 'unlimited'))).toBeUndefined();
    expect(softOpenFilesLimit('Limit Soft Hard\n')).toBeUndefined();
  });

  it('warns below the threshold with the streams it allows, and is quiet at or above it', () => {
    expect(openFilesWarning(() => limits('1024', '4096'))).toContain('about 512 concurrent streams');
    expect(openFilesWarning(() => limits(String(LOW_OPEN_FILES), '65536'))).toBeUndefined();
    expect(openFilesWarning(() => limits('1048576', '1048576'))).toBeUndefined();
  });

  it('says nothing where the limits cannot be read', () => {
    expect(
      openFilesWarning(() => {
        throw new Error('ENOENT');
      }),
    ).toBeUndefined();
  });
});

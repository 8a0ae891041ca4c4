import { sourcePath } from './import-newapi-command';

describe('sourcePath', () => {
  it('takes a relative file from where npm was run, not from the checkout npm starts the command in', () => {
    expect(sourcePath('backup/one-api.db', { INIT_CWD: '/home/op' })).toBe('/home/op/backup/one-api.db');
    expect(sourcePath('../one-api.db', { INIT_CWD: '/home/op/work' })).toBe('/home/op/one-api.db');
  });

  it('leaves absolute paths and database URLs as they are', () => {
    expect(sourcePath('/srv/one-api.db', { INIT_CWD: '/home/op' })).toBe('/srv/one-api.db');
    const url = 'mysql://newapi:secret@db:3306/newapi';
    expect(sourcePath(url, { INIT_CWD: '/home/op' })).toBe(url);
    expect(sourcePath('postgres://u@h/db', {})).toBe('postgres://u@h/db');
  });

  it('falls back to the working directory outside npm', () => {
    expect(sourcePath('one-api.db', {})).toBe(`${process.cwd()}/one-api.db`);
  });
});

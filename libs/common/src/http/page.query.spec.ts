import { DEFAULT_PAGE_SIZE, pageWindow } from './page.query';

describe('pageWindow', () => {
  it('is the first page of the default size when the query names neither', () => {
    expect(pageWindow({})).toEqual({ skip: 0, take: DEFAULT_PAGE_SIZE });
  });

  it('skips the pages before the one asked for', () => {
    expect(pageWindow({ page: 3, pageSize: 20 })).toEqual({ skip: 40, take: 20 });
    expect(pageWindow({ page: 2 })).toEqual({ skip: DEFAULT_PAGE_SIZE, take: DEFAULT_PAGE_SIZE });
  });
});

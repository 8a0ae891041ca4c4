// The /api surface's paging and parameter primitives (swagger and class-validator decorators): apart
// from `@gateway/common` so that what runs without HTTP (the worker) loads neither.
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, PageQuery, pageWindow } from './page.query';
export { PageOf } from './page.view';
export type { Page } from './page.view';
export { UuidParam } from './uuid-param';
export { OptionalButNotNull } from './optional-but-not-null';

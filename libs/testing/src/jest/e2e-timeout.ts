// Jest's testTimeout is global, not per project: end-to-end suites (whole processes) set theirs here.
jest.setTimeout(180_000);

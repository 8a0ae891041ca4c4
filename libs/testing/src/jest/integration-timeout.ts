// Jest's testTimeout is global, not per project: integration suites set theirs here.
jest.setTimeout(30_000);

/**
 * How long after a period's end its invoice may be issued. A usage batch stamps its rows with its
 * transaction's start, so one that began just before the end may commit just after it; five
 * minutes later it has long committed (batches take milliseconds), and the invoice sees every row.
 */
export const CLOSE_GRACE_MS = 5 * 60_000;

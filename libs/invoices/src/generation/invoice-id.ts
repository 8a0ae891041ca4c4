// An invoice's id follows from what it is (tenant, period, kind): the api can answer with the id
// of an invoice the worker has yet to write, and every retry or racing worker writes the same row.
import { v5 as uuidv5 } from 'uuid';

/** A fixed namespace for invoice ids (random, chosen once). */
const NAMESPACE = '5b0f6a3e-7c1d-4b8e-9f2a-3d4c5e6f7a8b';

export function invoiceIdFor(tenantId: string, period: string): string {
  return uuidv5(`invoice/${tenantId}/${period}`, NAMESPACE);
}

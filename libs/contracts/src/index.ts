// The /api contract as TypeScript types, generated from the api's OpenAPI document (openapi.ts), plus
// the few shapes the document does not describe. Types only: importing this costs no bytes at runtime.
import type { components } from './openapi';

export type { components, operations, paths } from './openapi';

/** A named schema of the document: `Schema<'ChannelView'>`. */
export type Schema<Name extends keyof components['schemas']> = components['schemas'][Name];

/** One bad field of a 400: `field` is a dot path (`settings.apiVersion`, `keys.0`). */
export interface ApiFieldError {
  field: string;
  messages: string[];
}

/** Every /api error response: `{statusCode, code, message, errors?}`. */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  errors?: ApiFieldError[];
}

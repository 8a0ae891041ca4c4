import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, domainErrorCodes } from '@gateway/common';

/** The channels domain's errors: each code with the HTTP status and the message clients see. */
const CHANNELS_ERRORS = {
  NotFound: { code: 'not_found', status: HttpStatus.NOT_FOUND, message: 'not found' },
  NameTaken: {
    code: 'channel_name_taken',
    status: HttpStatus.CONFLICT,
    message: 'a channel with this name already exists',
  },
  DuplicateKey: {
    code: 'duplicate_key',
    status: HttpStatus.CONFLICT,
    message: 'this key is already in the channel',
  },
  ChainNameTaken: {
    code: 'chain_name_taken',
    status: HttpStatus.CONFLICT,
    message: 'a model chain with this name already exists',
  },
  ValidationFailed: { code: 'validation_failed', status: HttpStatus.BAD_REQUEST, message: 'invalid fields' },
  ModelNotServed: {
    code: 'model_not_served',
    status: HttpStatus.BAD_REQUEST,
    message: 'the channel does not serve this model',
  },
  NoEnabledKey: {
    code: 'no_enabled_key',
    status: HttpStatus.CONFLICT,
    message: 'the channel has no enabled key',
  },
  // The stored ciphertext does not open with the configured keyring: an operator problem, not the caller's.
  KeyUndecryptable: {
    code: 'key_undecryptable',
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    message:
      'a stored provider key cannot be decrypted with the configured ENCRYPTION_KEY (or ENCRYPTION_KEYS_PREVIOUS)',
  },
} as const;

export const ChannelsErrorCode = domainErrorCodes(CHANNELS_ERRORS);

export class ChannelsError extends domainErrorBase(CHANNELS_ERRORS) {}

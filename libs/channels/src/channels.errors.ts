import { HttpStatus } from '@nestjs/common';
import { domainErrorBase, type DomainErrorTable } from '@gateway/common';

/** The channels domain's error codes; their statuses and messages are in CHANNELS_ERRORS. */
export enum ChannelsErrorCode {
  NotFound = 'not_found',
  NameTaken = 'channel_name_taken',
  DuplicateKey = 'duplicate_key',
  ValidationFailed = 'validation_failed',
  ModelNotServed = 'model_not_served',
  NoEnabledKey = 'no_enabled_key',
  KeyUndecryptable = 'key_undecryptable',
}

const CHANNELS_ERRORS: DomainErrorTable<ChannelsErrorCode> = {
  [ChannelsErrorCode.NotFound]: { status: HttpStatus.NOT_FOUND, message: 'not found' },
  [ChannelsErrorCode.NameTaken]: {
    status: HttpStatus.CONFLICT,
    message: 'a channel with this name already exists',
  },
  [ChannelsErrorCode.DuplicateKey]: {
    status: HttpStatus.CONFLICT,
    message: 'this key is already in the channel',
  },
  [ChannelsErrorCode.ValidationFailed]: { status: HttpStatus.BAD_REQUEST, message: 'invalid fields' },
  [ChannelsErrorCode.ModelNotServed]: {
    status: HttpStatus.BAD_REQUEST,
    message: 'the channel does not serve this model',
  },
  [ChannelsErrorCode.NoEnabledKey]: {
    status: HttpStatus.CONFLICT,
    message: 'the channel has no enabled key',
  },
  // The stored ciphertext does not open with the configured keyring: an operator problem, not the caller's.
  [ChannelsErrorCode.KeyUndecryptable]: {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    message:
      'a stored provider key cannot be decrypted with the configured ENCRYPTION_KEY (or ENCRYPTION_KEYS_PREVIOUS)',
  },
};

export class ChannelsError extends domainErrorBase(CHANNELS_ERRORS) {}

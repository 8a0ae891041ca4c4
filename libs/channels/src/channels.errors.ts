import { HttpStatus } from '@nestjs/common';

/** The channels domain's error codes, mapped to HTTP by the /api exception filter. */
export enum ChannelsErrorCode {
  NotFound = 'not_found',
  NameTaken = 'channel_name_taken',
  DuplicateKey = 'duplicate_key',
  ValidationFailed = 'validation_failed',
  ModelNotServed = 'model_not_served',
  NoEnabledKey = 'no_enabled_key',
  KeyUndecryptable = 'key_undecryptable',
}

const STATUS: Record<ChannelsErrorCode, HttpStatus> = {
  [ChannelsErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [ChannelsErrorCode.NameTaken]: HttpStatus.CONFLICT,
  [ChannelsErrorCode.DuplicateKey]: HttpStatus.CONFLICT,
  [ChannelsErrorCode.ValidationFailed]: HttpStatus.BAD_REQUEST,
  [ChannelsErrorCode.ModelNotServed]: HttpStatus.BAD_REQUEST,
  [ChannelsErrorCode.NoEnabledKey]: HttpStatus.CONFLICT,
  // The stored ciphertext does not open with the configured keyring: an operator problem, not the caller's.
  [ChannelsErrorCode.KeyUndecryptable]: HttpStatus.INTERNAL_SERVER_ERROR,
};

const MESSAGE: Record<ChannelsErrorCode, string> = {
  [ChannelsErrorCode.NotFound]: 'not found',
  [ChannelsErrorCode.NameTaken]: 'a channel with this name already exists',
  [ChannelsErrorCode.DuplicateKey]: 'this key is already in the channel',
  [ChannelsErrorCode.ValidationFailed]: 'invalid fields',
  [ChannelsErrorCode.ModelNotServed]: 'the channel does not serve this model',
  [ChannelsErrorCode.NoEnabledKey]: 'the channel has no enabled key',
  [ChannelsErrorCode.KeyUndecryptable]:
    'a stored provider key cannot be decrypted with the configured ENCRYPTION_KEY (or ENCRYPTION_KEYS_PREVIOUS)',
};

export class ChannelsError extends Error {
  readonly status: HttpStatus;
  constructor(
    readonly code: ChannelsErrorCode,
    message?: string,
  ) {
    super(message ?? MESSAGE[code]);
    this.name = 'ChannelsError';
    this.status = STATUS[code];
  }
}

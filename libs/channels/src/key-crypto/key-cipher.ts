// AES-256-GCM for provider keys (libs/common's SecretCipher), failing with the channels' error. The
// additional authenticated data binds a ciphertext to its row, so a ciphertext copied onto another
// row (or another channel) fails to open instead of lending that row a key.
import { type Keyring, type SealedSecret, SecretCipher } from '@gateway/common';
import { ChannelsError, ChannelsErrorCode } from '../channels.errors';
import type { ChannelKey } from '../entities/channel-key.entity';

export type SealedKey = SealedSecret;

/** What a provider key's ciphertext is bound to: its channel and its own row. */
export function channelKeyAad(channelId: string, keyId: string): string {
  return `gateway:channel-key:v1:${channelId}:${keyId}`;
}

/** Decrypting throws ChannelsError(key_undecryptable) for an unknown version, a wrong key, wrong AAD or tampering. */
export class KeyCipher extends SecretCipher {
  constructor(keyring: Keyring) {
    super(keyring, (version) =>
      version === undefined
        ? new ChannelsError(ChannelsErrorCode.KeyUndecryptable)
        : new ChannelsError(
            ChannelsErrorCode.KeyUndecryptable,
            `a stored provider key uses master key version ${version}, which is neither ENCRYPTION_KEY_VERSION nor in ENCRYPTION_KEYS_PREVIOUS`,
          ),
    );
  }

  /** The plaintext of a stored provider key; ChannelsError(key_undecryptable) if the keyring cannot open it. */
  openKey(row: Pick<ChannelKey, 'id' | 'channelId' | 'keyCiphertext' | 'keyVersion'>): string {
    return this.decrypt(
      { ciphertext: row.keyCiphertext, version: row.keyVersion },
      channelKeyAad(row.channelId, row.id),
    );
  }
}

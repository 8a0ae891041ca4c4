import type { Provider } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@gateway/config';
import { KeyCipher } from './key-cipher';
import { keyringFromEnv } from '@gateway/common';

/** The process's KeyCipher, from the validated ENCRYPTION_KEY and the rotation variables. */
export const keyCipherProvider: Provider = {
  provide: KeyCipher,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => new KeyCipher(keyringFromEnv(config.ENCRYPTION_KEY, process.env)),
};

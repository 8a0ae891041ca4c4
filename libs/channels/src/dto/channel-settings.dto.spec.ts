import { CHANNEL_TYPES } from '../entities/channel.entity';
import { PROVIDER_TYPES } from '@gateway/providers';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ChannelSettingsDto } from './channel-settings.dto';

const errors = (settings: object) =>
  validateSync(plainToInstance(ChannelSettingsDto, settings), {
    whitelist: true,
    forbidNonWhitelisted: true,
  }).flatMap((error) => Object.values(error.constraints ?? {}));

describe('ChannelSettingsDto', () => {
  it("takes each type's own settings: Azure's api-version, Anthropic's version, the output ceiling field", () => {
    expect(
      errors({
        apiVersion: '2025-01-01-preview',
        anthropicVersion: '2023-06-01',
        maxTokensField: 'max_completion_tokens',
        healthCheck: 'completion',
      }),
    ).toEqual([]);
  });

  it.each([
    [{ anthropicVersion: 'latest' }, 'settings.anthropicVersion'],
    [{ apiVersion: '2024' }, 'settings.apiVersion'],
    [{ maxTokensField: 'max_output_tokens' }, 'settings.maxTokensField'],
    [{ anthropicVerison: '2023-06-01' }, 'anthropicVerison'],
  ])('refuses %j, naming the field', (settings, field) => {
    expect(errors(settings).join(' ')).toContain(field);
  });

  it('accepts only channel types an adapter speaks, so no channel is kept that never routes', () => {
    expect([...CHANNEL_TYPES].sort()).toEqual([...PROVIDER_TYPES].sort());
  });
});

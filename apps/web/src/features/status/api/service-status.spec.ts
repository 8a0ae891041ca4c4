import { versionLabel } from './service-status';

describe('versionLabel', () => {
  it('shows the version, with the commit when /health names one', () => {
    expect(versionLabel({ status: 'ok', version: '0.1.0' })).toBe('0.1.0');
    expect(versionLabel({ status: 'ok', version: '0.1.0', commit: '0123456789abcdef0123' })).toBe(
      '0.1.0 (0123456789ab)',
    );
  });

  it('is null for an api that does not say (an older build, a proxy page)', () => {
    expect(versionLabel({ status: 'ok' })).toBeNull();
    expect(versionLabel('<html>')).toBeNull();
  });
});

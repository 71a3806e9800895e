import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { providerAvailability } from './allowed.ts';

const refusal = (
  env: Record<string, string>,
  provider: Parameters<typeof providerAvailability>[1],
) => {
  const r = providerAvailability(loadConfig(env), provider);
  return r.ok ? undefined : r.message;
};

describe('providerAvailability', () => {
  it('always allows offline and the configured provider, with its endpoint and model', () => {
    const env = {
      LANDUSE_PROVIDER: 'ollama',
      LANDUSE_BASE_URL: 'http://10.0.0.5:11434/v1',
      LANDUSE_MODEL: 'qwen',
    };
    expect(providerAvailability(loadConfig(env), 'offline').ok).toBe(true);
    expect(providerAvailability(loadConfig(env), 'ollama')).toEqual({
      ok: true,
      config: { provider: 'ollama', baseUrl: 'http://10.0.0.5:11434/v1', model: 'qwen' },
    });
  });

  it('by default allows anthropic and openai only with their key, at their own endpoint', () => {
    expect(refusal({}, 'anthropic')).toContain('ANTHROPIC_API_KEY');
    expect(refusal({}, 'openai')).toContain('OPENAI_API_KEY');
    const keyed = loadConfig({
      OPENAI_API_KEY: 'sk-x',
      LANDUSE_PROVIDER: 'anthropic',
      ANTHROPIC_API_KEY: 'sk-a',
      LANDUSE_BASE_URL: 'http://proxy.internal/anthropic',
      LANDUSE_MODEL: 'claude-x',
    });
    // The anthropic proxy and model are not the openai request's.
    expect(providerAvailability(keyed, 'openai')).toEqual({
      ok: true,
      config: { provider: 'openai', baseUrl: undefined, model: undefined },
    });
  });

  it('never allows ollama or openai-compatible by default, naming the setting', () => {
    const env = { LANDUSE_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'sk-x' };
    expect(refusal(env, 'ollama')).toMatch(/LANDUSE_ALLOWED_PROVIDERS/);
    expect(refusal(env, 'ollama')).toMatch(/LANDUSE_PROVIDER=ollama/);
    expect(refusal(env, 'openai-compatible')).toMatch(/LANDUSE_PROVIDER=openai-compatible/);
    expect(refusal(env, 'ollama')).not.toContain('127.0.0.1');
  });

  it('with LANDUSE_ALLOWED_PROVIDERS, allows exactly the listed ones (keys still needed)', () => {
    const env = { LANDUSE_ALLOWED_PROVIDERS: 'ollama, anthropic', OPENAI_API_KEY: 'sk-x' };
    expect(providerAvailability(loadConfig(env), 'ollama')).toEqual({
      ok: true,
      config: { provider: 'ollama', baseUrl: undefined, model: undefined },
    });
    expect(refusal(env, 'openai')).toMatch(/LANDUSE_ALLOWED_PROVIDERS does not list it/);
    expect(refusal(env, 'anthropic')).toContain('ANTHROPIC_API_KEY');
    expect(providerAvailability(loadConfig(env), 'offline').ok).toBe(true);
  });

  it('refuses a bad list when the configuration loads', () => {
    expect(() => loadConfig({ LANDUSE_ALLOWED_PROVIDERS: 'ollama,skynet' })).toThrow(
      /LANDUSE_ALLOWED_PROVIDERS/,
    );
  });
});

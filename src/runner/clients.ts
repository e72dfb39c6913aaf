/**
 * The one way a model id, a provider and a base URL become a model client with its key: the runner
 * (`peerwatch run`) and the judge (`peerwatch judge`, Ask the Judge) both come here. Keys are read
 * from the environment only (OPENAI_API_KEY / ANTHROPIC_API_KEY, or a variable named by the caller).
 */
import type { ModelClient } from '../core/runner/types';
import { createAnthropicClient } from './anthropicMessages';
import type { HttpOptions } from './http';
import { createOpenAIChatClient } from './openaiChat';

/** The model APIs `--provider` names. */
export const PROVIDERS = ['openai', 'anthropic'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const DEFAULT_BASE = { openai: 'https://api.openai.com/v1', anthropic: 'https://api.anthropic.com' } as const;

/** A model, provider or key problem the user must fix (the CLI prints it with its usage line). */
export class ClientSettingsError extends Error {}

/** Which provider a model id means when none is given. */
export function inferProvider(model: string): Provider {
  return /^anthropic\//i.test(model) || /^claude/i.test(model) ? 'anthropic' : 'openai';
}

export interface ClientSettings {
  model: string;
  provider?: Provider;
  baseUrl?: string;
  /** The environment variable holding the key, instead of OPENAI_API_KEY / ANTHROPIC_API_KEY. */
  apiKeyEnv?: string;
  http?: HttpOptions;
}

/** What `settings` resolve to in `env`: the provider, the base URL and a factory of clients. Throws ClientSettingsError. */
export function resolveClient(settings: ClientSettings, env: Readonly<Record<string, string | undefined>>): { provider: Provider; baseUrl: string; make: () => ModelClient } {
  const provider = settings.provider ?? inferProvider(settings.model);
  const envName = provider === 'anthropic' ? 'ANTHROPIC' : 'OPENAI';
  const baseUrl = settings.baseUrl ?? (env[`${envName}_BASE_URL`] || DEFAULT_BASE[provider]);
  try {
    const u = new URL(baseUrl);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new ClientSettingsError(`--base-url expects an http(s) URL, not ${JSON.stringify(baseUrl.replace(/\/\/[^/@]*@/, '//…@'))}`);
  }
  let apiKey: string | undefined;
  if (settings.apiKeyEnv) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(settings.apiKeyEnv)) throw new ClientSettingsError(`--api-key-env expects the name of an environment variable, not ${JSON.stringify(settings.apiKeyEnv.slice(0, 3))}…`);
    apiKey = env[settings.apiKeyEnv];
    if (!apiKey) throw new ClientSettingsError(`--api-key-env ${settings.apiKeyEnv}: that environment variable is not set`);
  } else {
    apiKey = env[`${envName}_API_KEY`] || undefined;
    const official = baseUrl.replace(/\/+$/, '') === DEFAULT_BASE[provider];
    if (!apiKey && official) throw new ClientSettingsError(`${envName}_API_KEY is not set: ${DEFAULT_BASE[provider]} needs an API key (or give --base-url for a local server, or --api-key-env NAME)`);
  }
  const opts = { model: settings.model, baseUrl, ...(apiKey ? { apiKey } : {}), ...settings.http };
  const make = () => (provider === 'anthropic' ? createAnthropicClient(opts) : createOpenAIChatClient(opts));
  return { provider, baseUrl, make };
}

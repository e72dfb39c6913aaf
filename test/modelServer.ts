// A model server on 127.0.0.1 speaking real HTTP (OpenAI Chat Completions, Anthropic Messages),
// scripted by the test: the provider the runner's and the judge's tests talk to.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** What the server answers: a JSON body, or `raw` text sent as it is (a malformed body). */
export type Answer = { status?: number; json?: unknown; raw?: string; headers?: Record<string, string>; hang?: boolean };

export class ModelServer {
  readonly requests: Received[] = [];
  private server!: Server;
  private hanging: ServerResponse[] = [];
  url = '';

  /** `script` answers each request; it may take its time (a promise), as a busy server does. */
  constructor(private readonly script: (body: Record<string, unknown>, n: number, req: Received) => Answer | Promise<Answer>) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', async () => {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          body = { unparsable: true };
        }
        const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
        this.requests.push(r);
        let a: Answer;
        try {
          a = await this.script(body, this.requests.length, r);
        } catch (e) {
          a = { status: 500, json: { error: { message: `test server script failed: ${e instanceof Error ? e.message : String(e)}` } } };
        }
        if (a.hang) {
          this.hanging.push(res);
          return;
        }
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...a.headers });
        res.end(a.raw ?? JSON.stringify(a.json ?? {}));
      });
    });
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((ok) => this.server.close(() => ok()));
  }
}

/** An OpenAI Chat Completions answer. */
export function oaiAnswer(content: string | null, calls: Array<{ id: string; name: string; args: unknown }> = [], extra: Record<string, unknown> = {}): Answer {
  return {
    json: {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      model: 'test-model',
      choices: [
        {
          index: 0,
          finish_reason: calls.length ? 'tool_calls' : 'stop',
          message: {
            role: 'assistant',
            content,
            ...extra,
            ...(calls.length
              ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: typeof c.args === 'string' ? c.args : JSON.stringify(c.args) } })) }
              : {}),
          },
        },
      ],
      usage: { prompt_tokens: 50, completion_tokens: 5, total_tokens: 55 },
    },
  };
}


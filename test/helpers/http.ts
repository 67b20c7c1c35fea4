/** A tiny HTTP client for API tests that keeps the session cookie like a browser. */
export class ApiClient {
  private cookie = '';

  constructor(readonly base: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
    const init: RequestInit = { method, headers: { ...headers, ...(this.cookie ? { cookie: this.cookie } : {}) } };
    if (body !== undefined) {
      if (typeof body === 'string') init.body = body;
      else {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
      }
    }
    const res = await fetch(this.base + path, init);
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0]!;
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get = (path: string, headers?: Record<string, string>) => this.request('GET', path, undefined, headers);
  post = (path: string, body?: unknown) => this.request('POST', path, body ?? {});
  put = (path: string, body: unknown, headers?: Record<string, string>) => this.request('PUT', path, body, headers);

  delete = (path: string) => this.request('DELETE', path);

  /** A binary download (a WAV): the bytes as sent. */
  async bytes(path: string): Promise<{ status: number; body: Buffer; headers: Headers }> {
    const res = await fetch(this.base + path, { headers: this.cookie ? { cookie: this.cookie } : {} });
    return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
  }

  /** A binary upload (an archive, a WAV) with its content type. */
  async sendBytes(method: 'PUT' | 'POST', path: string, body: Buffer, type: string): Promise<{ status: number; body: any }> {
    const res = await fetch(this.base + path, { method, body: new Uint8Array(body), headers: { 'content-type': type, ...(this.cookie ? { cookie: this.cookie } : {}) } });
    const text = await res.text();
    try {
      return { status: res.status, body: JSON.parse(text) };
    } catch {
      return { status: res.status, body: text };
    }
  }

  async login(extension: string, password: string): Promise<number> {
    return (await this.post('/api/login', { extension, password })).status;
  }
}

/** A browser-like HTTP client: keeps cookies, picks up the CSRF token from pages, never follows redirects. */
export class Client {
  private cookies = new Map<string, string>();
  csrfToken = "";

  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, init: { body?: string | Buffer | FormData; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { accept: "text/html", ...init.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    const response = await fetch(this.baseUrl + path, { method, headers, body: init.body as BodyInit | undefined, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const [name, ...rest] = pair.split("=");
      const value = rest.join("=");
      if (value === "" || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    const text = await response.text();
    const token = /<meta name="csrf-token" content="([^"]+)"/.exec(text);
    if (token) this.csrfToken = token[1];
    return { status: response.status, headers: response.headers, text, location: response.headers.get("location") ?? "" };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request("GET", path, { headers });
  }

  /** Posts a form with the current CSRF token (fetching a page first if none is known yet). */
  async post(path: string, fields: Record<string, string | string[]> = {}, options: { csrf?: boolean; headers?: Record<string, string> } = {}) {
    if (options.csrf !== false && !this.csrfToken) await this.get("/login");
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(fields)) for (const item of [value].flat()) body.append(key, item);
    if (options.csrf !== false) body.set("_csrf", this.csrfToken);
    return this.request("POST", path, { body: body.toString(), headers: { "content-type": "application/x-www-form-urlencoded", ...options.headers } });
  }

  async postJson(path: string, data: unknown) {
    return this.request("POST", path, { body: JSON.stringify(data), headers: { "content-type": "application/json", accept: "application/json", "x-csrf-token": this.csrfToken } });
  }

  async login(login: string, password: string) {
    await this.get("/login");
    const response = await this.post("/login", { login, password });
    if (response.status !== 302) throw new Error(`login failed for ${login}: ${response.status}`);
    await this.get("/");
    return response;
  }

  hasCookie(name: string) {
    return this.cookies.has(name);
  }
}

/** A signed-in HTTP session for the load run: the cookie jar and CSRF handshake a browser would do. */
export class BenchSession {
  private cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  get cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  async request(method: string, path: string, body?: URLSearchParams) {
    const response = await fetch(this.baseUrl + path, {
      method,
      redirect: "manual",
      body,
      headers: { accept: "text/html", cookie: this.cookieHeader, ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const separator = pair.indexOf("=");
      this.cookies.set(pair.slice(0, separator).trim(), pair.slice(separator + 1));
    }
    return { status: response.status, text: await response.text(), location: response.headers.get("location") ?? "" };
  }

  /** GET /login for the CSRF token (meta csrf-token, tied to the session cookie), then POST /login with it. */
  async signIn(login: string, password: string) {
    const page = await this.request("GET", "/login");
    const token = /<meta name="csrf-token" content="([^"]+)"/.exec(page.text)?.[1];
    if (!token) throw new Error(`no CSRF token on /login (status ${page.status}${page.location ? `, redirected to ${page.location}` : ""})`);
    const response = await this.request("POST", "/login", new URLSearchParams({ login, password, _csrf: token }));
    if (response.status !== 302 || response.location.startsWith("/login")) throw new Error(`login as ${login} failed: ${response.status}`);
  }
}

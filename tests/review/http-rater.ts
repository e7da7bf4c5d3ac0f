// A rater over plain HTTP (fetch with their own cookie), for the concurrency and restart tests.

/** What a rater holds: the server's address (which may change on restart) and their cookie. */
export interface HttpRater {
  base: () => string;
  cookie: string;
}

/** Sign in with the token link; returns the session cookie ("name=value"). */
export async function signIn(base: string, token: string): Promise<string> {
  const res = await fetch(`${base}login?token=${token}`, { redirect: "manual" });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  return res.headers.get("set-cookie")!.split(";")[0];
}

/** The next item's id and the form token, or null on the "nothing left" page. */
export async function nextShown(rater: HttpRater): Promise<{ item: string; csrf: string } | null> {
  const res = await fetch(`${rater.base()}q/q1`, { headers: { cookie: rater.cookie }, redirect: "manual" });
  if (res.status !== 200) throw new Error(`next item answered ${res.status}`);
  const page = await res.text();
  const item = page.match(/name="item" value="(\d+)"/)?.[1];
  return item ? { item, csrf: page.match(/name="csrf" value="([^"]+)"/)![1] } : null;
}

/** Submit a score; returns the status and the redirect target. */
export async function submit(
  rater: HttpRater,
  shown: { item: string; csrf: string },
  score: number,
): Promise<{ status: number; location: string | null }> {
  const res = await fetch(`${rater.base()}q/q1/rate`, {
    method: "POST",
    headers: { cookie: rater.cookie },
    body: new URLSearchParams({ csrf: shown.csrf, item: shown.item, score: String(score) }),
    redirect: "manual",
  });
  await res.arrayBuffer();
  return { status: res.status, location: res.headers.get("location") };
}

import assert from 'node:assert/strict';

/**
 * Reads the gateway's live stream the way the console does: fetch with the bearer header
 * (EventSource cannot send one), frames split on blank lines, `data:` lines parsed as ticks,
 * comment lines (`: connected`, heartbeats) kept apart.
 */
export function watchLive<Tick = any>(url: string, token: string) {
  const ticks: Tick[] = [];
  const comments: string[] = [];
  const controller = new AbortController();
  const ended = fetch(`${url}/api/v1/admin/live`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal })
    .then(async (response) => {
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of response.body!) {
        buffered += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          for (const line of buffered.slice(0, end).split('\n')) {
            if (line.startsWith('data: ')) ticks.push(JSON.parse(line.slice(6)) as Tick);
            else if (line.startsWith(':')) comments.push(line.slice(1).trim());
          }
          buffered = buffered.slice(end + 2);
        }
      }
    })
    .catch((error: unknown) => {
      if (!controller.signal.aborted) throw error;
    });
  return {
    ticks,
    comments,
    ended,
    async close() {
      controller.abort();
      await ended;
    },
  };
}

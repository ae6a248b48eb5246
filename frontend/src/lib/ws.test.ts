import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { RealtimeClient, realtimeUrl } from "./ws";

/** A WebSocket stand-in the test drives by hand. */
class FakeSocket {
  static instances: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  constructor(public url: string) {
    FakeSocket.instances.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
  receive(payload: unknown) {
    this.onmessage?.({ data: JSON.stringify(payload) });
  }
}

function latest(): FakeSocket {
  const ws = FakeSocket.instances.at(-1);
  if (!ws) throw new Error("no socket opened");
  return ws;
}

describe("RealtimeClient", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.instances = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function makeClient() {
    return new RealtimeClient({
      url: () => "ws://test/ws?token=t",
      backoff: (attempt) => 1000 * 2 ** attempt,
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
    });
  }

  it("connects, pings every 25 s and dispatches events by type", async () => {
    const client = makeClient();
    const got: string[] = [];
    client.on("message_received", (e) => got.push(String(e.text)));
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(client.getStatus()).toBe("connecting");
    latest().open();
    expect(client.getStatus()).toBe("connected");

    latest().receive({ type: "message_received", text: "oi" });
    latest().receive({ type: "other" });
    latest().onmessage?.({ data: "not json" });
    expect(got).toEqual(["oi"]);

    await vi.advanceTimersByTimeAsync(25_000);
    expect(latest().sent).toContainEqual({ action: "ping" });
    client.stop();
  });

  it("reconnects with backoff, polls resync while down and once when back", async () => {
    const client = makeClient();
    const resync = vi.fn();
    client.addResync(resync);
    client.subscribe("conv-1");
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    latest().open();
    expect(resync).not.toHaveBeenCalled();

    latest().drop();
    expect(client.getStatus()).toBe("connecting");
    await vi.advanceTimersByTimeAsync(1000); // first retry after 1 s
    expect(FakeSocket.instances).toHaveLength(2);
    latest().drop();
    await vi.advanceTimersByTimeAsync(2000); // second retry after 2 s
    latest().drop();
    expect(client.getStatus()).toBe("offline"); // three failures in a row

    await vi.advanceTimersByTimeAsync(10_000);
    expect(resync.mock.calls.length).toBeGreaterThanOrEqual(1);
    const whileDown = resync.mock.calls.length;

    latest().open();
    expect(client.getStatus()).toBe("connected");
    expect(resync).toHaveBeenCalledTimes(whileDown + 1);
    // Conversation subscriptions are restored on the new socket.
    expect(latest().sent).toContainEqual({ action: "subscribe", conversation_id: "conv-1" });
    client.stop();
  });

  it("reference-counts conversation subscriptions", async () => {
    const client = makeClient();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    latest().open();
    client.subscribe("c");
    client.subscribe("c");
    client.unsubscribe("c");
    expect(latest().sent).toEqual([{ action: "subscribe", conversation_id: "c" }]);
    client.unsubscribe("c");
    expect(latest().sent).toContainEqual({ action: "unsubscribe", conversation_id: "c" });
    client.stop();
  });

  it("stops cleanly: no reconnect after stop", async () => {
    const client = makeClient();
    client.start();
    await vi.advanceTimersByTimeAsync(0);
    latest().open();
    client.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(client.getStatus()).toBe("offline");
  });

  it("builds the ws URL from the page origin", () => {
    expect(realtimeUrl("a b", "https://app.example.com")).toBe("wss://app.example.com/ws?token=a%20b");
    expect(realtimeUrl("x", "http://127.0.0.1:8000")).toBe("ws://127.0.0.1:8000/ws?token=x");
  });
});

import { type MessagePort, receiveMessageOnPort } from 'node:worker_threads';

/**
 * One side of the webgpu lane's synchronous channel: messages travel on a MessagePort, and a
 * counter per side in a SharedArrayBuffer wakes the receiver, which blocks in `Atomics.wait` and
 * takes the message with `receiveMessageOnPort` (no event loop needed on the waiting side).
 */
export class SyncChannel {
  private readonly flags: Int32Array;

  /** `mine` is the counter this side waits on, the other one is the peer's. */
  constructor(private readonly port: MessagePort, shared: SharedArrayBuffer, private readonly mine: 0 | 1) {
    this.flags = new Int32Array(shared);
  }

  post(message: unknown): void {
    this.port.postMessage(message);
    const peer = 1 - this.mine;
    Atomics.add(this.flags, peer, 1);
    Atomics.notify(this.flags, peer);
  }

  /** The next message, waiting up to `timeoutMs`; undefined when none came. */
  receive(timeoutMs: number): unknown {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const seen = Atomics.load(this.flags, this.mine);
      const m = receiveMessageOnPort(this.port);
      if (m) return m.message;
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(this.flags, this.mine, seen, left) === 'timed-out') return undefined;
    }
  }
}

/** Wire forms shared by the proxy (test thread) and the device worker. */
export interface WireView { s: number; dtype: string; shape: number[]; strides: number[]; offset: number }
export interface WireStorage { $s: number; dtype: string; size: number }
export interface WireError { name: string; message: string; stack?: string; refusal?: 'float64' | 'int64'; $h?: number }

export interface Ready {
  k: 'ready';
  /** Why no device opened (no adapter, no `webgpu` package), or null. */
  unavailable: string | null;
  name: string;
  index?: number;
  /** Backend-contract methods the real backend has. */
  methods: string[];
  /** Op names the real backend overrides (`backend.kernels`). */
  kernels: string[];
}

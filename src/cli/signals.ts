// SIGINT, SIGTERM and SIGHUP while a command writes: the writer works synchronously, so a signal
// that arrives during a write is only seen once the write is complete. The command asks after each
// stage whether one came, and stops there: before the write, with nothing written; after it, with
// the write finished. Node delivers a caught signal on a later turn of the event loop, hence the
// two turns `settle` waits.

export const HANDLED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type HandledSignal = (typeof HANDLED_SIGNALS)[number];

/** The shell's convention: 128 plus the signal number. */
export const SIGNAL_EXIT: Record<HandledSignal, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export class SignalGuard {
  received: HandledSignal | undefined;
  private readonly handler = (signal: NodeJS.Signals): void => {
    this.received ??= signal as HandledSignal;
  };

  constructor() {
    for (const signal of HANDLED_SIGNALS) process.on(signal, this.handler);
  }

  /** The first signal received so far, after letting any pending one be delivered. */
  async settle(): Promise<HandledSignal | undefined> {
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    return this.received;
  }

  dispose(): void {
    for (const signal of HANDLED_SIGNALS) process.off(signal, this.handler);
  }
}

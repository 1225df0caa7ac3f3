// A priority queue of timed simulator events: earliest time first, ties in insertion order.
// A binary heap over parallel arrays, so pushing and popping allocate nothing per event.

export class EventQueue<T> {
  private readonly times: number[] = [];
  private readonly orders: number[] = [];
  private readonly items: T[] = [];
  private inserted = 0;

  get size(): number {
    return this.items.length;
  }

  /** Time of the earliest entry, or Infinity when empty. */
  peekTime(): number {
    return this.items.length === 0 ? Infinity : this.times[0];
  }

  push(time: number, item: T): void {
    this.times.push(time);
    this.orders.push(this.inserted);
    this.items.push(item);
    this.inserted += 1;
    this.siftUp(this.items.length - 1);
  }

  /** Removes and returns the earliest entry's item (read its time with peekTime first), or undefined when empty. */
  pop(): T | undefined {
    const last = this.items.length - 1;
    if (last < 0) return undefined;
    const top = this.items[0];
    this.move(last, 0);
    this.times.pop();
    this.orders.pop();
    this.items.pop();
    if (last > 0) this.siftDown(0);
    return top;
  }

  private before(i: number, j: number): boolean {
    const a = this.times[i];
    const b = this.times[j];
    return a < b || (a === b && this.orders[i] < this.orders[j]);
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from];
    this.orders[to] = this.orders[from];
    this.items[to] = this.items[from];
  }

  private swap(i: number, j: number): void {
    const time = this.times[i];
    const order = this.orders[i];
    const item = this.items[i];
    this.move(j, i);
    this.times[j] = time;
    this.orders[j] = order;
    this.items[j] = item;
  }

  private siftUp(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(index: number): void {
    const length = this.items.length;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < length && this.before(left, best)) best = left;
      if (right < length && this.before(right, best)) best = right;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }
}

// Event types are dot-separated words ('order.placed'); consumers are one word ('billing'). Both
// brokers read '*', '#' and '>' as wildcards and NATS splits names on dots, so these are refused
// up front rather than left to route differently on each broker.
const EVENT_TYPE = /^[\w-]+(\.[\w-]+)*$/;
const CONSUMER = /^[\w-]+$/;

export function checkEventType(type: string): void {
  if (!EVENT_TYPE.test(type)) {
    throw new Error(`invalid event type "${type}": dot-separated words of letters, digits, - and _`);
  }
}

export function checkSubscription(consumer: string, types: readonly string[]): void {
  if (!CONSUMER.test(consumer)) throw new Error(`invalid consumer name "${consumer}": letters, digits, - and _`);
  if (types.length === 0) throw new Error(`consumer ${consumer} subscribes to no event type`);
  for (const type of types) checkEventType(type);
}

// Components speak upwards only with namespaced CustomEvents that bubble out of shadow roots.

export function emit<T>(from: HTMLElement, name: string, detail: T): void {
  from.dispatchEvent(new CustomEvent<T>(name, { detail, bubbles: true, composed: true }));
}

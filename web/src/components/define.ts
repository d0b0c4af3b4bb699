// Registers a custom element once: a second bundle on the same page (a tutorial embedding two
// playgrounds built apart) must not throw on a repeated define.
export function define(name: string, ctor: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, ctor);
}

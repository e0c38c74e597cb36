// Allure 3.18's quality gate calls Iterator.prototype.toArray, which Node.js has from version 22 on.
// Loaded with `node --import` (make quality-gate) so Node.js 20, still common on CI images, runs it too.
const iteratorPrototype = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]()));
if (typeof iteratorPrototype.toArray !== "function") {
  Object.defineProperty(iteratorPrototype, "toArray", {
    value() {
      return Array.from(this);
    },
    writable: true,
    configurable: true,
  });
}

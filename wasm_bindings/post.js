// Appended to the generated module (--post-js). The C++ bindings never let an exception out:
// they keep its message and return a placeholder. Here every Playground method is wrapped to
// throw that message as an Error, so a failed call unwinds no wasm frames and leaks nothing.
addOnInit(function () {
  var proto = Module['Playground'].prototype;
  Object.getOwnPropertyNames(proto).forEach(function (name) {
    var raw = proto[name];
    if (name === 'constructor' || typeof raw !== 'function') return;
    proto[name] = function () {
      var result = raw.apply(this, arguments);
      var error = Module['takeError']();
      if (error !== undefined) throw new Error(error);
      return result;
    };
  });
});

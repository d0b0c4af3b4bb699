// Appended to the generated module (--post-js). The C++ bindings never let an exception out:
// they keep its message and return a placeholder. Here every Playground method (and each free
// function) is wrapped to throw that message as an Error, so a failed call unwinds no wasm frames
// and leaks nothing.
//
// The wrapper also checks arguments before they reach Embind, whose own messages name no
// argument ("Cannot pass non-string to std::string") and whose UTF-8 conversion joins a lone
// surrogate with the next character: a wrong type is a TypeError naming the argument, and text
// must be well-formed UTF-16 (so it crosses as valid UTF-8).
var tcpplaySignatures = {
  // method: [argument name, 's' string | 'n' number] ...
  load: [['json', 's']],
  setPath: [['path', 's'], ['value', 's']],
  runUntil: [['t', 'n']],
  runUntilText: [['t', 's']],
  runUntilBudget: [['t', 'n'], ['maxEvents', 'n']],
  stepPacketBudget: [['maxEvents', 'n']],
  apply: [['action', 's']],
  setLink: [['link', 's'], ['params', 's']],
  suggestSeqAck: [['host', 's'], ['to', 's'], ['srcPort', 'n'], ['dstPort', 'n']],
  eventsSince: [['cursor', 'n'], ['maxEvents', 'n']],
  feedFill: [['cursor', 'n'], ['maxEvents', 'n']],
  eventText: [['index', 'n']],
  series: [['connId', 'n'], ['since', 'n']],
  packetBytes: [['id', 'n']],
  packetFields: [['id', 'n']],
  jsonlWith: [['payload', 's']],
  parseTime: [['text', 's']],
  seek: [['t', 'n']],
  parameters: [],
};

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
var tcpplayLoneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:^|[^\uD800-\uDBFF])([\uDC00-\uDFFF])/;

function tcpplayCheckArgs(name, args) {
  var sig = tcpplaySignatures[name];
  if (!sig) return;
  for (var i = 0; i < sig.length; i++) {
    var arg = sig[i][0], type = sig[i][1], v = args[i];
    if (v === undefined && i >= args.length) {
      throw new TypeError(name + ': missing argument ' + arg);
    }
    if (type === 's') {
      if (typeof v !== 'string') throw new TypeError(name + ': ' + arg + ' must be a string, got ' + tcpplayTypeOf(v));
      var m = tcpplayLoneSurrogate.exec(v);
      if (m) {
        var at = m[1] !== undefined ? m.index + m[0].length - 1 : m.index;
        throw new TypeError(name + ': ' + arg + ' is not valid Unicode text (a lone UTF-16 surrogate at index ' + at + ')');
      }
    } else if (typeof v !== 'number') {
      throw new TypeError(name + ': ' + arg + ' must be a number, got ' + tcpplayTypeOf(v));
    }
  }
}

function tcpplayTypeOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : typeof v === 'undefined' ? 'undefined' : 'a ' + typeof v;
}

// The engine's error as an Error with `errors`: [{path, message}], as load() returns them.
function tcpplayWrap(name, raw) {
  return function () {
    tcpplayCheckArgs(name, arguments);
    var result = raw.apply(this, arguments);
    var pending = Module['takeError']();
    if (pending !== undefined) {
      var error = new Error(pending.message);
      error.errors = pending.errors;
      throw error;
    }
    return result;
  };
}

addOnInit(function () {
  var proto = Module['Playground'].prototype;
  Object.getOwnPropertyNames(proto).forEach(function (name) {
    var raw = proto[name];
    if (name === 'constructor' || typeof raw !== 'function') return;
    proto[name] = tcpplayWrap(name, raw);
  });
  Module['parseTime'] = tcpplayWrap('parseTime', Module['parseTime']);
  Module['parameters'] = tcpplayWrap('parameters', Module['parameters']);
});

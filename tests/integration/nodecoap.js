#!/usr/bin/env node
// node-coap (npm "coap") as a second, independent CoAP client for tests.
//   node nodecoap.js METHOD coap://HOST[:PORT]/path[?query] [PAYLOAD]
// Prints one JSON line {code, payload, format} and exits 0, or
// {error} and exits 1 (timeout after 10 s).
//   node nodecoap.js observe URL SECONDS [COUNT]
// Observes (GET with Observe 0) and prints {code, payload, observe} for the
// response and each notification, then cancels by closing and exits 0:
// after SECONDS, or as soon as COUNT notifications have come.
'use strict';
const coap = require('coap');

const [method, url, payload, count] = process.argv.slice(2);
if (!method || !url) {
  console.error('usage: nodecoap.js METHOD URL [PAYLOAD]');
  process.exit(2);
}
const u = new URL(url);
if (method === 'observe') {
  const obs = coap.request({
    hostname: u.hostname.replace(/^\[|\]$/g, ''),
    port: Number(u.port) || 5683,
    pathname: u.pathname,
    observe: true,
  });
  obs.on('response', (res) => {
    const line = (m) => console.log(JSON.stringify({
      code: res.code,
      payload: m.toString(),
      observe: res.headers.Observe === undefined ? null : res.headers.Observe,
    }));
    const done = () => { res.close(); process.exit(0); };
    line(res.payload);
    // the stream's first data event is the response's own payload
    let events = 0;
    res.on('data', (m) => {
      line(m);
      events += 1;
      if (count !== undefined && events > Number(count)) done();
    });
    setTimeout(done, Number(payload) * 1000);
  });
  obs.on('error', (err) => {
    console.log(JSON.stringify({ error: String(err) }));
    process.exit(1);
  });
  obs.end();
  return;
}
const req = coap.request({
  hostname: u.hostname.replace(/^\[|\]$/g, ''),
  port: Number(u.port) || 5683,
  pathname: u.pathname,
  query: u.search.slice(1),
  method: method.toUpperCase(),
  confirmable: true,
});
const timer = setTimeout(() => {
  console.log(JSON.stringify({ error: 'timeout' }));
  process.exit(1);
}, 10000);
req.on('response', (res) => {
  clearTimeout(timer);
  const cf = res.headers['Content-Format'];
  console.log(JSON.stringify({
    code: res.code,
    payload: res.payload.toString(),
    format: cf === undefined ? null : cf,
  }));
  process.exit(0);
});
req.on('error', (err) => {
  clearTimeout(timer);
  console.log(JSON.stringify({ error: String(err) }));
  process.exit(1);
});
if (payload !== undefined) req.write(payload);
req.end();

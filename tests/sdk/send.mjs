// Drives a real analytics SDK against the engine and prints what the SDK itself reported.
// usage: node send.mjs <segment|rudderstack> <scenario> ; ENGINE_URL, WRITE_KEY and PREFIX from the environment.
import { Analytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';

const [sdk, scenario] = process.argv.slice(2);
const { ENGINE_URL: host, WRITE_KEY: writeKey, PREFIX: prefix } = process.env;
const user = `${prefix}-user`;
const anonymous = `${prefix}-anon`;
const errors = [];

function segmentClient() {
  const client = new Analytics({ writeKey, host, maxRetries: 1, flushAt: 50, flushInterval: 200 });
  client.on('error', (err) => errors.push(String(err?.reason ?? err?.message ?? err)));
  return {
    call: (method, message) => new Promise((resolve) => client[method](message, (err) => { if (err) errors.push(String(err?.message ?? err)); resolve(); })),
    close: () => client.closeAndFlush({ timeout: 10000 }),
  };
}

function rudderClient() {
  const client = new RudderAnalytics(writeKey, { dataPlaneUrl: host, flushAt: 50, flushInterval: 200, retryCount: 0, gzip: true,
    errorHandler: (err) => errors.push(String(err?.message ?? err)) });
  return {
    call: (method, message) => new Promise((resolve) => client[method](message, (err) => { if (err) errors.push(String(err?.message ?? err)); resolve(); })),
    close: () => client.flush(),
  };
}

const client = sdk === 'segment' ? segmentClient() : rudderClient();
const calls = [];
if (scenario === 'journey') {
  calls.push(['page', { anonymousId: anonymous, name: 'Home', properties: { path: '/' }, context: { campaign: { source: 'Newsletter ', medium: 'email' } } }]);
  calls.push(['track', { anonymousId: anonymous, event: 'Product Viewed', properties: { product_id: 'p-1', price: 20, products: [{ id: 'nested' }] } }]);
  calls.push(['identify', { userId: user, anonymousId: anonymous, traits: { plan: 'pro', consent: { email: true } } }]);
  calls.push(['track', { userId: user, event: 'Order Completed', messageId: `${prefix}-order`, properties: { revenue: 42.5, currency: 'USD' } }]);
  calls.push(['track', { userId: user, event: 'Order Completed', messageId: `${prefix}-order`, properties: { revenue: 42.5, currency: 'USD' } }]);
  calls.push(['screen', { userId: user, name: 'Cart' }]);
  calls.push(['group', { userId: user, groupId: `${prefix}-acme`, traits: { industry: 'retail' } }]);
  calls.push(['alias', { userId: user, previousId: `${prefix}-legacy` }]);
} else if (scenario === 'rejected') {
  calls.push(['track', { userId: user, event: 'Spaceship Launched' }]);
  calls.push(['track', { userId: user, event: 'Spaceship Landed' }]);
}
for (const [method, message] of calls) await client.call(method, message);
await client.close();
console.log(JSON.stringify({ sdk, scenario, calls: calls.length, errors }));

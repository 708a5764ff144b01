// @bitrix24/b24jssdk (pinned 2.2.0) against an openlines demo server.
//
// usage: node b24jssdk_check.mjs http://127.0.0.1:18181/rest/1/demo0123456789ab/
// Needs the demo data (`openlines serve --demo`). Exits 1 if any check FAILs.
//
// B24Hook is https-only: B24Hook.fromWebhookUrl() rejects http (dist/esm/hook/b24.mjs:96,
// JSSDK_HOOK_URL_NOT_HTTPS) and AuthHookManager hard-codes `https://${domain}/rest`
// (dist/esm/hook/auth.mjs:25). For an http:// URL this script builds the B24Hook with its
// constructor and rewrites https: -> http: in an axios request interceptor. B24OAuth takes
// clientEndpoint/serverEndpoint as given, so it needs no patch. For https:// with a
// self-signed certificate: export NODE_EXTRA_CA_CERTS=cert.pem.
import { ApiVersion, B24Hook, B24OAuth } from '@bitrix24/b24jssdk'

const WEBHOOK = process.argv[2]
const url = new URL(WEBHOOK)
const [, rest, userId, secret] = url.pathname.split('/')
if (rest !== 'rest' || !secret) throw new Error(`not a webhook URL: ${WEBHOOK}`)
const REST = `${url.origin}/rest/` // what the OAuth server returns as client_endpoint
const M = 'imopenlines.crm.chat.get'
const DEAL = { CRM_ENTITY_TYPE: 'deal', CRM_ENTITY: 288, ACTIVE_ONLY: 'N' }
const results = []
const warn = console.warn // the SDK warns on every callMethod/callBatch use: we call them on purpose
console.warn = (...a) => { if (!String(a[0]).includes('is deprecated')) warn(...a) }

async function check (name, fn, pending) {
  let status
  try {
    const info = await fn()
    status = pending ? 'PASS*' : 'PASS'
    console.log(`${status.padEnd(7)} ${name}${info !== undefined ? '  -> ' + JSON.stringify(info).slice(0, 200) : ''}`)
  } catch (e) {
    status = pending ? 'PENDING' : 'FAIL'
    console.log(`${status.padEnd(7)} ${name}: ${e?.constructor?.name} ${e?.code ?? ''} ${e?.status ?? ''} ${e?.message}${pending ? `  [pending: ${pending}]` : ''}`)
  }
  results.push(status)
}
const assert = (cond, what) => { if (!cond) throw new Error(`assertion failed: ${JSON.stringify(what)?.slice(0, 300)}`) }
const ids = (rows) => rows.map((r) => r.CHAT_ID).sort()
const checkTime = (t) => {
  assert(Number.isInteger(t.start) && typeof t.finish === 'number' && typeof t.duration === 'number', t)
  assert(/[+-]\d\d:\d\d$/.test(t.date_start) && /[+-]\d\d:\d\d$/.test(t.date_finish), t)
  assert(Number.isInteger(t.operating_reset_at) && typeof t.operating === 'number', t)
}
const keepScheme = (b24) => {
  for (const v of [ApiVersion.v2, ApiVersion.v3]) {
    b24.getHttpClient(v).ajaxClient.interceptors.request.use((c) => ({ ...c, url: c.url.replace(/^https:/, url.protocol) }))
  }
  return b24
}
const hook = (uid, code) => url.protocol === 'https:'
  ? B24Hook.fromWebhookUrl(`${url.origin}/rest/${uid}/${code}`)
  : keepScheme(new B24Hook({ b24Url: url.origin, userId: uid, secret: code }))
const expectError = async (promise, code, status) => {
  try { await promise } catch (e) { assert(e.code === code && e.status === status, { code: e.code, status: e.status }); return `${e.status} ${e.code}` }
  throw new Error('no error thrown')
}

const b24 = hook(Number(userId), secret)
b24.offClientSideWarning()

if (url.protocol === 'http:') {
  await check('B24Hook.fromWebhookUrl(http://...) refuses plain http (SDK rule)', async () =>
    expectError((async () => B24Hook.fromWebhookUrl(WEBHOOK))(), 'JSSDK_HOOK_URL_NOT_HTTPS', 0))
}

await check('actions.v2.call.make chat.get + time block', async () => {
  const r = await b24.actions.v2.call.make({ method: M, params: DEAL })
  assert(r.isSuccess && ids(r.getData().result).join() === '9852', r.getErrorMessages())
  checkTime(r.getData().time)
})

await check('callMethod (deprecated API) lead 1205 ACTIVE_ONLY=N', async () => {
  const r = await b24.callMethod(M, { CRM_ENTITY_TYPE: 'lead', CRM_ENTITY: 1205, ACTIVE_ONLY: 'N' })
  assert(ids(r.getData().result).join() === '1763,1800', r.getData())
})

await check('actions.v2.batch.make (object calls, halt=1)', async () => {
  const r = await b24.actions.v2.batch.make({ calls: { a: { method: M, params: DEAL }, b: { method: 'server.time' } }, options: { isHaltOnError: true } })
  assert(r.isSuccess && ids(r.getData().a).join() === '9852' && typeof r.getData().b === 'string', r.getData())
})

await check('actions.v2.batch.make (array calls, halt=0)', async () => {
  const r = await b24.actions.v2.batch.make({ calls: [[M, DEAL], ['profile', {}]], options: { isHaltOnError: false } })
  assert(r.isSuccess && ids(r.getData()[0]).join() === '9852' && r.getData()[1].ID === '1', r.getData())
})

await check('batch returnAjaxResult: per-command result_time parsed', async () => {
  const r = await b24.actions.v2.batch.make({ calls: { a: [M, DEAL] }, options: { returnAjaxResult: true } })
  checkTime(r.getData().a.getData().time)
})

await check('callBatch (deprecated API)', async () => {
  const r = await b24.callBatch({ a: [M, DEAL], b: ['server.time', {}] }, true)
  assert(r.isSuccess && ids(r.getData().a).join() === '9852', r.getData())
})

await check('batch halt=1 with failing command -> error message surfaced', async () => {
  const r = await b24.actions.v2.batch.make({ calls: { a: [M, {}], b: ['server.time', {}] }, options: { isHaltOnError: true } })
  assert(!r.isSuccess && /CRM_ENTITY_TYPE/.test(r.getErrorMessages().join()), r.getErrorMessages())
})

await check('errors: 400 ERROR_ARGUMENT / 404 ERROR_METHOD_NOT_FOUND / 403 ACCESS_DENIED', async () => [
  await expectError(b24.actions.v2.call.make({ method: M, params: {} }), 'ERROR_ARGUMENT', 400),
  await expectError(b24.actions.v2.call.make({ method: 'imopenlines.crm.chats.get' }), 'ERROR_METHOD_NOT_FOUND', 404),
  await expectError(hook(5, 'limited0123456789').actions.v2.call.make({ method: M, params: { CRM_ENTITY_TYPE: 'lead', CRM_ENTITY: 1205 } }), 'ACCESS_DENIED', 403)
])

// A real refresh needs an app: OL_OAUTH_APP=client_id:client_secret:refresh_token
// (from `openlines app add`; the refresh token is spent by the check).
const APP = process.env.OL_OAUTH_APP ?? ''
const [clientId = 'local.demo', clientSecret = 'secret', refreshToken = 'demo-refresh-token'] = APP ? APP.split(':') : []
const oauth = (accessToken) => new B24OAuth({
  applicationToken: '', userId: 1, memberId: 'demo', accessToken, refreshToken,
  expires: Math.floor(Date.now() / 1000) + 3600, expiresIn: 3600, scope: 'imopenlines',
  domain: url.host, clientEndpoint: REST, serverEndpoint: REST, status: 'L'
}, { clientId, clientSecret })

// B24OAuth requests `${clientEndpoint}/${method}`, i.e. /rest//imopenlines.crm.chat.get
await check('B24OAuth (clientEndpoint ".../rest/") call -> POST /rest//method', async () => {
  const o = oauth('demo-access-token')
  o.offClientSideWarning()
  const r = await o.actions.v2.call.make({ method: M, params: DEAL })
  assert(ids(r.getData().result).join() === '9852', r.getData())
  const bt = await o.actions.v2.batch.make({ calls: { a: [M, DEAL] } })
  assert(ids(bt.getData().a).join() === '9852', bt.getData())
})

// The SDK posts the refresh to `${serverEndpoint minus '/rest/'}/oauth/token/` (dist/esm/oauth/auth.mjs:42,83).
await check('B24OAuth expired -> POST /oauth/token/ (form) -> retry', async () => {
  const o = oauth('demo-expired-token')
  o.offClientSideWarning()
  const r = await o.actions.v2.call.make({ method: M, params: DEAL })
  assert(ids(r.getData().result).join() === '9852', r.getData())
}, APP ? undefined : 'set OL_OAUTH_APP to test the refresh')

const failed = results.filter((s) => s === 'FAIL').length
const pending = results.filter((s) => s === 'PENDING').length
console.log(`\n${results.length - failed - pending} passed, ${failed} failed, ${pending} pending`)
process.exit(failed ? 1 : 0)

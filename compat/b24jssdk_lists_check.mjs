// @bitrix24/b24jssdk (pinned 2.2.0) list helpers against openlines, unpatched (https).
//
// usage: node b24jssdk_lists_check.mjs https://127.0.0.1:18443/rest/1/demo0123456789ab/
// Needs the demo data plus the 1,000 deals of compat/deals_1000.py (ids 20001-21000) and
// NODE_EXTRA_CA_CERTS=openlines-tls-ca.pem. Each helper must return the 1,000 deals, each once.
// Copy it next to node_modules first (ESM ignores NODE_PATH), as run.sh does.
import { B24Hook } from '@bitrix24/b24jssdk'

const url = new URL(process.argv[2])
const [, , userId, secret] = url.pathname.split('/')
const b24 = B24Hook.fromWebhookUrl(`${url.origin}/rest/${userId}/${secret}`)
const warn = console.warn // the SDK warns that callListMethod/fetchListMethod are deprecated
console.warn = (...a) => { if (!String(a[0]).includes('deprecated')) warn(...a) }
const MINE = { '>=ID': 20001 }
const results = []

function eachOnce (rows, key = 'ID') {
  const ids = rows.map((row) => Number.parseInt(row[key], 10))
  const distinct = new Set(ids)
  if (distinct.size !== ids.length) throw new Error(`${ids.length - distinct.size} duplicates`)
  const sorted = [...ids].sort((a, b) => a - b)
  if (sorted.length !== 1000 || sorted[0] !== 20001 || sorted[999] !== 21000) {
    throw new Error(`${sorted.length} ids, ${sorted[0]}..${sorted[sorted.length - 1]}`)
  }
  return `${ids.length} deals, each once`
}

async function check (name, fn) {
  try {
    console.log(`PASS    ${name}  -> ${await fn()}`)
    results.push('PASS')
  } catch (e) {
    console.log(`FAIL    ${name}: ${e?.constructor?.name} ${e?.message}`)
    results.push('FAIL')
  }
}

async function collect (generator) {
  const rows = []
  for await (const page of generator) rows.push(...page)
  return rows
}

await check('actions.v2.callList.make (crm.deal.list)', async () => {
  const r = await b24.actions.v2.callList.make({ method: 'crm.deal.list', params: { filter: MINE, select: ['ID'] } })
  if (!r.isSuccess) throw new Error(r.getErrorMessages().join('; '))
  return eachOnce(r.getData())
})
await check('actions.v2.fetchList.make (crm.deal.list)', async () =>
  eachOnce(await collect(b24.actions.v2.fetchList.make({ method: 'crm.deal.list', params: { filter: MINE, select: ['ID'] } }))))
await check('callListMethod (start/next paging)', async () => {
  const r = await b24.callListMethod('crm.deal.list', { filter: MINE, select: ['ID'] })
  if (!r.isSuccess) throw new Error(r.getErrorMessages().join('; '))
  return eachOnce(r.getData())
})
await check('fetchListMethod (crm.deal.list)', async () =>
  eachOnce(await collect(b24.fetchListMethod('crm.deal.list', { filter: MINE, select: ['ID'] }))))
await check('actions.v2.fetchList.make (crm.item.list, items, idKey id)', async () =>
  eachOnce(await collect(b24.actions.v2.fetchList.make({
    method: 'crm.item.list',
    params: { entityTypeId: 2, filter: { '>=id': 20001 }, select: ['id'] },
    idKey: 'id',
    customKeyForResult: 'items'
  })), 'id'))

const failed = results.filter((s) => s === 'FAIL').length
console.log(`\n${results.length - failed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)

// @bitrix24/b24jssdk (pinned 2.2.0) B24HelperManager.loadData() against openlines, unpatched.
//
// usage: node b24jssdk_helper_check.mjs http://127.0.0.1:18181/rest/
// The helper manager loads app.info, profile, crm.currency.base.get + crm.currency.list,
// app.option.get and user.option.get in one halting batch; app and user options need an
// application's token, so this uses B24OAuth with the demo token. Copy it next to
// node_modules first (ESM ignores NODE_PATH).
import { B24OAuth, B24HelperManager, LoadDataType } from '@bitrix24/b24jssdk'

const REST = process.argv[2]
const b24 = new B24OAuth({
  applicationToken: '', userId: 1, memberId: 'demo', accessToken: 'demo-access-token', refreshToken: 'unused',
  expires: Math.floor(Date.now() / 1000) + 3600, expiresIn: 3600, scope: 'crm', domain: new URL(REST).host,
  clientEndpoint: REST, serverEndpoint: REST, status: 'L'
}, { clientId: 'local.demo0000000000.00000000', clientSecret: 'unused' })
b24.offClientSideWarning()
let failed = 0
try {
  const set = await b24.actions.v2.call.make({ method: 'app.option.set', params: { options: { mode: 'fast', limit: 5 } } })
  if (set.getData().result !== true) throw new Error(`app.option.set: ${JSON.stringify(set.getData())}`)
  const helper = new B24HelperManager(b24)
  await helper.loadData([LoadDataType.App, LoadDataType.Profile, LoadDataType.Currency,
    LoadDataType.AppOptions, LoadDataType.UserOptions])
  const currencies = helper.currency.currencyList.join(',')
  if (!helper.isInit || helper.currency.baseCurrency !== 'USD' || currencies !== 'USD,EUR,GBP,RUB' ||
      helper.appOptions.getInteger('limit') !== 5) {
    throw new Error(`loaded: base ${helper.currency.baseCurrency}, currencies ${currencies}`)
  }
  console.log(`PASS    B24HelperManager.loadData (app, profile, currency, app and user options)  -> base USD, ${currencies}, app option limit 5`)
} catch (e) {
  failed = 1
  console.log(`FAIL    B24HelperManager.loadData: ${e?.constructor?.name} ${e?.message}`)
}
process.exit(failed)
